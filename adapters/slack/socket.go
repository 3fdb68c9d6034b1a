package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/tokenbot/tokenbot/bot/retry"
	"github.com/tokenbot/tokenbot/bot/safeurl"
)

// RunSocketModeIntake receives events over Socket Mode until ctx ends. An
// events_api or slash_commands envelope is acknowledged only once the
// intake has taken it (its takedowns claimed in the ledger); an envelope
// the intake refuses is not acknowledged, and Slack delivers it again.
// Envelopes are taken within the intake's bound on handlers under way;
// past it the reader waits.
// A dropped connection reconnects with backoff; a rejected token ends the
// run with an error naming it.
func (a *Adapter) RunSocketModeIntake(ctx context.Context, in Intake) error {
	if a.cfg.AppToken == "" {
		return fmt.Errorf("socket mode needs %s", EnvAppToken)
	}
	if _, err := a.identity(ctx); err != nil {
		return err
	}
	smc := socketmode.New(a.api,
		socketmode.OptionLog(slogWriter{a}),
		socketmode.OptionReadLimit(max(4<<20, 4*a.cfg.MaxBodyBytes)))
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- a.runSocket(runCtx, smc) }()
	defer a.wg.Wait()
	for {
		select {
		case err := <-done:
			return err
		case evt := <-smc.Events:
			if !a.submitEnvelope(runCtx, smc, evt, in) {
				a.socketEvent(smc, evt)
			}
		}
	}
}

// socketPolicy is the retry policy of Socket Mode reconnections: no
// bound on attempts, waits from a second up to half a minute.
var socketPolicy = retry.Policy{Base: time.Second, Max: 30 * time.Second, Attempts: -1}

// rejected marks a connection error that no reconnection will mend.
type rejected struct{ error }

// runSocket keeps a Socket Mode connection open until ctx ends.
func (a *Adapter) runSocket(ctx context.Context, smc *socketmode.Client) error {
	p := socketPolicy
	p.Sleep = a.sleep
	err := p.Do(ctx, func(ctx context.Context) error {
		err := smc.RunContext(ctx)
		if ctx.Err() != nil {
			return nil
		}
		switch errorCode(err) {
		case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "not_allowed_token_type":
			return rejected{err}
		}
		var sc slackapi.StatusCodeError
		if errors.As(err, &sc) && sc.Code == 404 {
			return rejected{err}
		}
		if err == nil {
			err = errors.New("connection closed")
		}
		return err
	}, func(err error) retry.Outcome {
		var r rejected
		return retry.Outcome{Retry: !errors.As(err, &r)}
	}, func(_ int, wait time.Duration, err error) {
		a.log.Warn("socket mode connection lost, reconnecting", "wait", wait, "err", mapErr(err))
	})
	if r := (rejected{}); errors.As(err, &r) {
		return fmt.Errorf("%s rejected by Slack: %w", EnvAppToken, mapErr(r.error))
	}
	return nil
}

// socketEvent handles an envelope other than events_api and
// slash_commands.
func (a *Adapter) socketEvent(smc *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeInteractive:
		if evt.Request != nil {
			a.ack(smc, evt.Request.EnvelopeID)
		}
	case socketmode.EventTypeErrorBadMessage:
		// Acknowledge what can be read of it, so that Slack does not
		// redeliver a payload that will never parse.
		if bad, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
				a.ack(smc, env.EnvelopeID)
			}
		}
		a.log.Warn("unreadable socket mode message")
	case socketmode.EventTypeConnected:
		a.log.Info("socket mode connected")
	case socketmode.EventTypeConnectionError:
		if ce, ok := evt.Data.(*slackapi.ConnectionErrorEvent); ok {
			a.log.Warn("socket mode connection failed", "attempt", ce.Attempt, "backoff", ce.Backoff, "err", mapErr(ce.ErrorObj))
		}
	case socketmode.EventTypeInvalidAuth:
		a.log.Error("socket mode: Slack rejected the app token", "variable", EnvAppToken)
	case socketmode.EventTypeDisconnect:
		a.log.Info("socket mode: Slack asked to reconnect")
	}
}

// submitEnvelope hands an events_api or slash_commands envelope to the
// intake and acknowledges it once taken. It reports whether evt was such
// an envelope.
func (a *Adapter) submitEnvelope(ctx context.Context, smc *socketmode.Client, evt socketmode.Event, in Intake) bool {
	req := evt.Request
	if req == nil || (evt.Type != socketmode.EventTypeEventsAPI && evt.Type != socketmode.EventTypeSlashCommand) {
		return false
	}
	// The handler slot is taken before the goroutine starts: the reader
	// waits while the bound is reached.
	a.wg.Add(1)
	err := in.Go(ctx, func() {
		defer a.wg.Done()
		ctx, cancel := context.WithTimeout(ctx, ackBudget)
		defer cancel()
		var err error
		switch evt.Type {
		case socketmode.EventTypeEventsAPI:
			var cb callback
			if json.Unmarshal(req.Payload, &cb) != nil {
				a.log.Warn("undecodable socket mode event", "envelope", req.EnvelopeID)
				break
			}
			if req.RetryAttempt > 0 {
				a.log.Info("slack event redelivered", "event_id", cb.EventID, "retry", req.RetryAttempt, "reason", req.RetryReason)
			}
			err = a.submitCallback(ctx, cb, in)
		case socketmode.EventTypeSlashCommand:
			cmd, ok := evt.Data.(slackapi.SlashCommand)
			if !ok {
				break
			}
			err = in.Submit(ctx, commandEvent(cmd), commandID(cmd))
		}
		if err != nil {
			a.log.Warn("socket mode envelope not acknowledged; Slack will deliver it again", "envelope", req.EnvelopeID, "err", err)
			return
		}
		a.ack(smc, req.EnvelopeID)
	})
	if err != nil {
		a.wg.Done()
		a.log.Warn("socket mode envelope not taken; Slack will deliver it again", "envelope", req.EnvelopeID, "err", err)
	}
	return true
}

func (a *Adapter) ack(smc *socketmode.Client, envelopeID string) {
	if envelopeID == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := smc.AckCtx(ctx, envelopeID, nil); err != nil {
		a.log.Warn("socket mode ack failed", "envelope", envelopeID, "err", err)
	}
}

// slogWriter routes slack-go's log lines (debug only; off by default) to
// slog at debug level, their URLs without query or credentials.
type slogWriter struct{ a *Adapter }

func (w slogWriter) Output(_ int, s string) error {
	w.a.log.Debug("socketmode", "msg", safeurl.Text(strings.TrimSpace(s)))
	return nil
}

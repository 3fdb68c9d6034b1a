package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/tokenbot/tokenbot/bot"
)

// Intake is the core's one entry point; *bot.Intake implements it. Submit
// takes an event durably before it is acknowledged, de-duplicated by its
// delivery id, and returns an error when the event should be delivered
// again (queue full, ledger unreachable, shutting down). Go and Try run
// the adapter's handler of a delivery within the core's bound on handlers
// under way: Go waits for a free one (Socket Mode's reader is held back),
// Try refuses at once with bot.ErrBusy (an HTTP delivery gets a 503).
type Intake interface {
	Submit(ctx context.Context, ev bot.Event, id string) error
	Go(ctx context.Context, f func()) error
	Try(ctx context.Context, f func() error) error
}

// ackBudget bounds the work done before an HTTP delivery is answered:
// Slack retries a delivery not answered with a 2xx within 3 seconds.
const ackBudget = 2500 * time.Millisecond

// IntakeHandler serves Slack's HTTP deliveries into an Intake when a
// signing secret is set: POST /slack/events (Events API) and POST
// /slack/commands (slash commands). Every request's signature is verified
// before its body is parsed; missing, forged or stale signatures get 401,
// bodies over MaxBodyBytes 413. Each event is translated and handed to the
// intake (its leak scan run, its takedowns claimed in the ledger, its
// event_id or trigger_id marked seen) before the 200 is written, so that
// an acknowledged leak survives a crash. When the intake refuses it (a full queue, the ledger down, a
// shutdown) the answer is a 503 without X-Slack-No-Retry, and Slack
// delivers the event again; nothing is marked seen before the claim.
func (a *Adapter) IntakeHandler(in Intake) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", func(w http.ResponseWriter, r *http.Request) {
		body, ok := a.verify(w, r)
		if ok {
			a.serveEvent(w, r, body, in)
		}
	})
	mux.HandleFunc("POST /slack/commands", func(w http.ResponseWriter, r *http.Request) {
		body, ok := a.verify(w, r)
		if !ok {
			return
		}
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "invalid form", http.StatusBadRequest)
			return
		}
		cmd := slashCommand(vals)
		id := commandID(cmd)
		ctx, cancel := context.WithTimeout(r.Context(), ackBudget)
		defer cancel()
		if err := in.Try(ctx, func() error { return in.Submit(ctx, commandEvent(cmd), id) }); err != nil {
			a.refuse(w, id, err)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	return mux
}

func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, body []byte, in Intake) {
	var cb callback
	if err := json.Unmarshal(body, &cb); err != nil {
		http.Error(w, "invalid JSON", http.StatusBadRequest)
		return
	}
	switch cb.Type {
	case "url_verification":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, cb.Challenge)
		return
	case "app_rate_limited":
		a.log.Warn("slack dropped events: the app exceeded the Events API rate limit")
	case "event_callback":
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			a.log.Info("slack event redelivered", "event_id", cb.EventID, "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		ctx, cancel := context.WithTimeout(r.Context(), ackBudget)
		defer cancel()
		if err := in.Try(ctx, func() error { return a.submitCallback(ctx, cb, in) }); err != nil {
			a.refuse(w, cb.EventID, err)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// submitCallback translates a callback and hands it to the intake. An
// event that cannot be decoded is dropped (a redelivery would not decode
// either); other failures are returned, for the event to come again.
func (a *Adapter) submitCallback(ctx context.Context, cb callback, in Intake) error {
	ev, ok, err := a.translate(ctx, cb)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn), errors.As(err, &typ):
		a.log.Warn("undecodable slack event dropped", "event_id", cb.EventID)
		return nil
	case err != nil:
		return err
	case !ok:
		return nil
	}
	return in.Submit(ctx, ev, cb.EventID)
}

// refuse answers a delivery the intake could not take with a 503, so that
// Slack delivers it again.
func (a *Adapter) refuse(w http.ResponseWriter, id string, err error) {
	level := slog.LevelError
	if errors.Is(err, bot.ErrBusy) || errors.Is(err, bot.ErrClosed) {
		level = slog.LevelWarn
	}
	a.log.Log(context.Background(), level, "slack delivery refused; Slack will deliver it again", "event_id", id, "err", err)
	http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
}

// verify checks the request's signature and reads its body.
func (a *Adapter) verify(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if a.cfg.SigningSecret == "" {
		http.Error(w, "slack http delivery is not configured", http.StatusNotFound)
		return nil, false
	}
	sv, err := slackapi.NewSecretsVerifier(r.Header, a.cfg.SigningSecret)
	if err != nil {
		a.log.Warn("rejected slack request", "reason", rejectReason(err), "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	if r.ContentLength > a.cfg.MaxBodyBytes {
		a.log.Warn("rejected slack request", "reason", "body too large", "bytes", r.ContentLength)
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			a.log.Warn("rejected slack request", "reason", "body too large")
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "cannot read body", http.StatusBadRequest)
		}
		return nil, false
	}
	if _, err := sv.Write(body); err != nil || sv.Ensure() != nil {
		a.log.Warn("rejected slack request", "reason", "signature mismatch", "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

func rejectReason(err error) string {
	switch {
	case errors.Is(err, slackapi.ErrMissingHeaders):
		return "missing signature headers"
	case errors.Is(err, slackapi.ErrExpiredTimestamp):
		return "stale timestamp"
	case errors.Is(err, slackapi.ErrInvalidSignature):
		return "malformed signature"
	}
	return "invalid signature headers"
}

func slashCommand(vals url.Values) slackapi.SlashCommand {
	return slackapi.SlashCommand{
		TeamID: vals.Get("team_id"), ChannelID: vals.Get("channel_id"), ChannelName: vals.Get("channel_name"),
		UserID: vals.Get("user_id"), UserName: vals.Get("user_name"), Command: vals.Get("command"),
		Text: vals.Get("text"), ResponseURL: vals.Get("response_url"), TriggerID: vals.Get("trigger_id"),
	}
}

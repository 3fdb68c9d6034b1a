package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

// Executor carries out actions on one platform. It wraps ErrPermission,
// ErrNotFound and ErrUnsupported, and returns *RateLimitError when the
// platform asks it to wait.
type Executor interface {
	Execute(ctx context.Context, a Action) error
}

// Observer is told what the core did, for metrics and dashboards. Its
// arguments hold no secret.
type Observer interface {
	Handled(ev Event, acts []Action, elapsed time.Duration)
	TakedownDone(p *Plan, outcome ledger.Outcome)
}

// Dispatcher runs events through the router and executes the actions with
// one platform's Executor. Takedowns are claimed in the ledger before
// anything is done, so that each message revision is taken down once,
// whatever the number of deliveries or replicas.
type Dispatcher struct {
	Router   *Router
	Ledger   ledger.Store
	Exec     Executor
	Log      *slog.Logger
	Observer Observer // optional
	// Owner names this process in ledger leases (host and pid).
	Owner string
	// Lease is how long a claimed takedown stays ours before another
	// replica may resume it; extended on every retry.
	Lease time.Duration
	// Attempts bounds the tries of one action (default 5); Backoff is the
	// first wait between them, doubled each time (default 500ms).
	Attempts int
	Backoff  time.Duration
	// Sleep waits; tests replace it. Default: a timer that honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error

	inflight sync.WaitGroup
}

// takedownTimeout bounds one takedown, retries included. A takedown that
// has started runs to its end even when its event's context is cancelled
// (a shutdown): the leaked message must not stay up because the process
// was asked to stop.
const takedownTimeout = 5 * time.Minute

// Wait blocks until the takedowns in flight are finished and recorded, or
// ctx ends.
func (d *Dispatcher) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		d.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("takedowns still in flight: %w", ctx.Err())
	}
}

// Dispatch handles one event. The returned error means the event was not
// fully handled; takedown failures are escalated and recorded, not returned.
func (d *Dispatcher) Dispatch(ctx context.Context, ev Event) error {
	start := time.Now()
	acts, err := d.Router.Handle(ctx, ev)
	if d.Observer != nil {
		d.Observer.Handled(ev, acts, time.Since(start))
	}
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, a := range acts {
		if a.Kind == Takedown {
			if err := d.takedown(ctx, a.Plan); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if _, err := d.execute(ctx, a); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", a.Kind, err))
		}
	}
	return errors.Join(errs...)
}

// Resume finishes takedowns that a crashed or stopped process left pending
// and whose lease has expired. It returns how many it resumed.
func (d *Dispatcher) Resume(ctx context.Context, platform string) (int, error) {
	recs, err := d.Ledger.ClaimStale(ctx, platform, d.Owner, d.lease(), 100)
	if err != nil {
		return 0, fmt.Errorf("claim pending takedowns: %w", err)
	}
	d.inflight.Add(1)
	defer d.inflight.Done()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), takedownTimeout)
	defer cancel()
	for _, rec := range recs {
		d.log().Info("resuming takedown", "platform", rec.Platform, "channel", rec.Channel, "message", rec.MessageID, "provider", rec.Provider, "fingerprint", rec.Fingerprint)
		d.run(ctx, planFromRecord(rec, d.Router.SecurityChannel), rec.Attempts)
	}
	return len(recs), nil
}

func (d *Dispatcher) takedown(ctx context.Context, p *Plan) error {
	d.inflight.Add(1)
	defer d.inflight.Done()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), takedownTimeout)
	defer cancel()
	claimed, existing, err := d.Ledger.Claim(ctx, p.record(), d.Owner, d.lease())
	if err != nil {
		return fmt.Errorf("record takedown: %w", err)
	}
	if !claimed {
		d.log().Info("takedown already recorded", "platform", p.Key.Platform, "channel", p.Key.Channel,
			"message", p.Key.MessageID, "revision", p.Key.Revision, "outcome", existing.Outcome)
		return nil
	}
	d.run(ctx, p, 0)
	return nil
}

// run carries out a claimed plan and records its outcome.
func (d *Dispatcher) run(ctx context.Context, p *Plan, attempts int) {
	outcome, detail := ledger.Warned, ""
	if p.Decision == leaks.Takedown {
		var n int
		outcome, n, detail = d.delete(ctx, p)
		attempts += n
	}
	d.tellPoster(ctx, p, outcome)
	if p.SecurityChannel != "" {
		notice := Action{Kind: Notice, Channel: p.SecurityChannel, Text: SecurityNotice(p, outcome, detail), Plan: p}
		if _, err := d.execute(ctx, notice); err != nil {
			d.log().Error("security notice failed", "channel", p.SecurityChannel, "err", err)
		}
	}
	if err := d.Ledger.Finish(ctx, p.Key, d.Owner, outcome, attempts, detail); err != nil {
		d.log().Error("recording takedown outcome failed", "platform", p.Key.Platform, "channel", p.Key.Channel, "message", p.Key.MessageID, "err", err)
	}
	l := p.Leaks[0]
	d.log().Info("takedown", "outcome", outcome, "platform", p.Key.Platform, "channel", p.Key.Channel,
		"message", p.Key.MessageID, "provider", l.Provider, "rule", l.Rule, "masked", l.Masked, "fingerprint", l.Fingerprint, "attempts", attempts)
	if d.Observer != nil {
		d.Observer.TakedownDone(p, outcome)
	}
}

// delete removes the message, retrying transient failures.
func (d *Dispatcher) delete(ctx context.Context, p *Plan) (ledger.Outcome, int, string) {
	del := Action{Kind: Delete, Channel: p.Key.Channel, MessageID: p.Key.MessageID, ThreadID: p.ThreadID, Plan: p,
		Reason: fmt.Sprintf("tokenbot: leaked %s credential (%s)", p.Leaks[0].Provider, p.Leaks[0].Fingerprint)}
	n, err := d.execute(ctx, del)
	switch {
	case err == nil, errors.Is(err, ErrNotFound):
		return ledger.Deleted, n, ""
	case errors.Is(err, ErrPermission):
		return ledger.Escalated, n, err.Error()
	default:
		return ledger.Failed, n, err.Error()
	}
}

// tellPoster reaches the poster privately: an ephemeral reply, else a
// direct message, else a short channel notice that names no key.
func (d *Dispatcher) tellPoster(ctx context.Context, p *Plan, outcome ledger.Outcome) {
	text := PosterNotice(p, outcome)
	tries := []Action{
		{Kind: PrivateReply, Channel: p.Key.Channel, User: p.Poster, ThreadID: p.ThreadID, Text: text, Plan: p},
		{Kind: DirectMessage, User: p.Poster, Text: text, Plan: p},
		{Kind: Reply, Channel: p.Key.Channel, User: p.Poster, ThreadID: p.ThreadID, Text: PosterChannelNotice(p), Plan: p},
	}
	for _, a := range tries {
		_, err := d.execute(ctx, a)
		if err == nil {
			return
		}
		d.log().Warn("could not reach poster", "via", a.Kind, "channel", p.Key.Channel, "err", err)
	}
}

// execute runs one action, retrying rate limits and transient errors with
// backoff. Permission, not-found and unsupported errors are final. It
// returns the number of attempts made.
func (d *Dispatcher) execute(ctx context.Context, a Action) (int, error) {
	attempts, wait := d.Attempts, d.Backoff
	if attempts <= 0 {
		attempts = 5
	}
	if wait <= 0 {
		wait = 500 * time.Millisecond
	}
	var err error
	for i := 1; ; i++ {
		err = d.Exec.Execute(ctx, a)
		if err == nil || errors.Is(err, ErrPermission) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnsupported) {
			return i, err
		}
		if i >= attempts || ctx.Err() != nil {
			return i, err
		}
		delay := wait
		var rl *RateLimitError
		if errors.As(err, &rl) && rl.RetryAfter > 0 {
			delay = rl.RetryAfter
		} else {
			wait *= 2
		}
		d.log().Warn("action failed, retrying", "action", a.Kind, "attempt", i, "wait", delay, "err", err)
		if a.Plan != nil {
			if lerr := d.Ledger.Extend(ctx, a.Plan.Key, d.Owner, d.lease()+delay); lerr != nil {
				d.log().Warn("extending takedown lease failed", "err", lerr)
			}
		}
		if serr := d.sleep(ctx, delay); serr != nil {
			return i, err
		}
	}
}

func (d *Dispatcher) sleep(ctx context.Context, dur time.Duration) error {
	if d.Sleep != nil {
		return d.Sleep(ctx, dur)
	}
	return Sleep(ctx, dur)
}

// Sleep waits for dur, or until ctx ends.
func Sleep(ctx context.Context, dur time.Duration) error {
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (d *Dispatcher) lease() time.Duration {
	if d.Lease > 0 {
		return d.Lease
	}
	return 2 * time.Minute
}

func (d *Dispatcher) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}

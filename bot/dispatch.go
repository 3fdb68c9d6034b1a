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
	"github.com/tokenbot/tokenbot/bot/retry"
	"github.com/tokenbot/tokenbot/bot/safeurl"
)

// Executor carries out actions on one platform. It wraps ErrPermission,
// ErrNotFound and ErrUnsupported, and returns *RateLimitError when the
// platform asks it to wait.
type Executor interface {
	Execute(ctx context.Context, a Action) error
}

// Observer is told what the core did, for metrics and dashboards. The
// actions and the plan hold no secret; the event is as delivered (its text
// and files may hold a key): only its ids and names are to be used.
type Observer interface {
	Handled(ev Event, acts []Action, elapsed time.Duration)
	TakedownDone(p *Plan, outcome ledger.Outcome)
}

// Defaults of the Dispatcher's settings.
const (
	DefaultLease         = 30 * time.Second
	DefaultDeadline      = 24 * time.Hour
	DefaultBackoff       = 5 * time.Second
	DefaultMaxBackoff    = 10 * time.Minute
	DefaultMaxRetryAfter = 5 * time.Minute
	DefaultTimeout       = 20 * time.Second
	DefaultConcurrency   = 8
)

// Dispatcher runs events through the router and executes the actions with
// one platform's Executor. Takedowns are claimed in the ledger before
// anything is done, so that each message revision is taken down once,
// whatever the number of deliveries or replicas.
//
// A takedown's attempt that fails is not retried by a waiting worker: its
// progress and next attempt's time are written to the ledger, and Resume
// (on this or any replica) takes it up again when it is due, until
// Deadline has passed since it was claimed; then a delete still failing is
// escalated and a notice still failing given up, both recorded.
type Dispatcher struct {
	Router   *Router
	Ledger   ledger.Store
	Exec     Executor
	Log      *slog.Logger
	Observer Observer // optional
	// Owner names this process in ledger leases (instance and pid).
	Owner string
	// Instance, when set, is the prefix of Owner that this process shares
	// with its earlier runs: Recover takes up their pending work at once,
	// without waiting for their leases to run out. Processes that share a
	// ledger need different instances.
	Instance string
	// Lease is how long a claimed takedown stays ours before another
	// replica may take it over (default DefaultLease); renewed before an
	// action once half of it has passed.
	Lease time.Duration
	// Deadline bounds how long after its claim a takedown is retried
	// (default DefaultDeadline).
	Deadline time.Duration
	// Backoff is the least wait before a failed attempt is retried
	// (default DefaultBackoff); the wait is drawn up to three times the
	// time since the claim, within MaxBackoff (default DefaultMaxBackoff).
	Backoff, MaxBackoff time.Duration
	// MaxRetryAfter caps a platform's Retry-After (default
	// DefaultMaxRetryAfter).
	MaxRetryAfter time.Duration
	// Timeout bounds one takedown attempt, notices included (default
	// DefaultTimeout). Keep it below Lease.
	Timeout time.Duration
	// Concurrency bounds the takedowns Resume runs at once (default
	// DefaultConcurrency).
	Concurrency int
	// Now tells the time for the next attempt and the deadline; tests
	// replace it. Default time.Now.
	Now func() time.Time
	// Rand and Sleep, when set, replace the retry policy's random source
	// and its wait (tests).
	Rand  func() float64
	Sleep func(ctx context.Context, d time.Duration) error

	inflight sync.WaitGroup
}

// Work is an accepted event: its takedowns are claimed in the ledger, its
// other actions are still to be done. Run does them.
type Work struct {
	Event   Event
	acts    []Action
	claimed []claimed
	// routed is false for a slash command, routed by Run: it has nothing
	// to take down, so nothing of it need be done before it is
	// acknowledged.
	routed bool
}

type claimed struct {
	plan   *Plan
	rec    ledger.Record
	leased time.Time // before the claim: the lease runs at least Lease from then
}

// Takedowns reports how many takedowns the work holds.
func (w *Work) Takedowns() int { return len(w.claimed) }

// Empty reports whether there is nothing left to do.
func (w *Work) Empty() bool { return w.routed && len(w.acts) == 0 && len(w.claimed) == 0 }

// dropActions forgets the actions other than takedowns (a duplicate
// delivery's replies).
func (w *Work) dropActions() { w.acts, w.routed = nil, true }

// Wait blocks until the takedowns in flight are finished or rescheduled,
// or ctx ends.
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

// Dispatch handles one event at once: Accept, then Run. The returned error
// means the event was not fully handled; takedown failures are rescheduled
// or escalated and recorded, not returned.
func (d *Dispatcher) Dispatch(ctx context.Context, ev Event) error {
	w, err := d.Accept(ctx, ev)
	if w == nil {
		return err
	}
	return errors.Join(err, d.Run(ctx, w))
}

// Accept runs the router on ev and claims its takedowns in the ledger, so
// that once it returns they survive a crash: the platform may be told the
// event was received. An error with a nil Work means nothing was claimed
// and the event should be delivered again (ctx was cancelled or the
// ledger failed); an error with a Work is a router failure, and the work
// is still to be run. A scan that outlasts ctx's deadline makes its text
// unsafe: the message is taken down, not left to a redelivery that would
// run out of time again. A slash command is not routed here but by Run: it
// has nothing to take down, and its count is not to delay the
// acknowledgement (Slack allows 3 seconds).
func (d *Dispatcher) Accept(ctx context.Context, ev Event) (*Work, error) {
	w := &Work{Event: Classify(ev)} // the core's one decision of what ev is
	ev = w.Event
	if IsSlashCommand(ev) {
		return w, nil
	}
	acts, rerr := d.route(ctx, w)
	if errors.Is(rerr, context.Canceled) || errors.Is(rerr, context.DeadlineExceeded) {
		return nil, rerr
	}
	// The claims are made even when ctx ran out during the scan (its text
	// is then unsafe): a claim is what keeps the takedown.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.timeout())
	defer cancel()
	for _, a := range acts {
		if a.Kind != Takedown {
			w.acts = append(w.acts, a)
			continue
		}
		leased := time.Now()
		rec, ok, err := d.claim(cctx, a.Plan)
		if err != nil {
			return nil, err
		}
		if ok {
			w.claimed = append(w.claimed, claimed{a.Plan, rec, leased})
		}
	}
	return w, rerr
}

// route runs the router on w's event.
func (d *Dispatcher) route(ctx context.Context, w *Work) ([]Action, error) {
	start := time.Now()
	acts, err := d.Router.Handle(ctx, w.Event)
	if d.Observer != nil {
		d.Observer.Handled(w.Event, acts, time.Since(start))
	}
	w.routed = true
	return acts, err
}

func (d *Dispatcher) claim(ctx context.Context, p *Plan) (ledger.Record, bool, error) {
	ok, rec, err := d.Ledger.Claim(ctx, p.record(), d.Owner, d.lease())
	if err != nil {
		return ledger.Record{}, false, fmt.Errorf("record takedown: %w", err)
	}
	switch {
	case ok:
	case rec.Revision != p.Key.Revision:
		// The message is taken down once: this revision is recorded
		// against its takedown (pending or done), nothing more.
		d.log().Info("revision of a message already taken down, recorded against its takedown", "platform", p.Key.Platform,
			"channel", p.Key.Channel, "message", p.Key.MessageID, "revision", p.Key.Revision, "takedown_revision", rec.Revision,
			"outcome", rec.Outcome)
	default:
		d.log().Info("takedown already recorded", "platform", p.Key.Platform, "channel", p.Key.Channel,
			"message", p.Key.MessageID, "revision", p.Key.Revision, "outcome", rec.Outcome)
	}
	return rec, ok, nil
}

// Run carries out accepted work: one attempt at each takedown (each with
// its own timeout, carried on when ctx is cancelled, so that a started
// attempt is recorded), then the other actions.
func (d *Dispatcher) Run(ctx context.Context, w *Work) error {
	var errs []error
	if !w.routed {
		// A slash command: nothing to take down.
		acts, err := d.route(ctx, w)
		if err != nil {
			errs = append(errs, err)
		}
		w.acts = acts
	}
	for _, c := range w.claimed {
		d.attempt(ctx, c.plan, c.rec, c.leased)
	}
	for _, a := range w.acts {
		if err := d.execute(ctx, a); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", a.Kind, err))
		}
	}
	return errors.Join(errs...)
}

// Recover takes up at once the pending takedowns of an earlier run of this
// instance (see Instance), and returns how many it ran. Without an
// Instance it is Resume.
func (d *Dispatcher) Recover(ctx context.Context, platform string) (int, error) {
	if d.Instance == "" {
		return d.Resume(ctx, platform)
	}
	return d.resume(ctx, func(limit int) ([]ledger.Record, error) {
		return d.Ledger.ClaimOwned(ctx, platform, d.Instance, d.Owner, d.lease(), limit)
	})
}

// Resume takes over pending takedowns that are due: rescheduled ones whose
// time has come, and those a crashed or stopped process left when their
// lease expired. It runs up to Concurrency at once, each attempt with its
// own timeout, and returns how many it ran.
func (d *Dispatcher) Resume(ctx context.Context, platform string) (int, error) {
	return d.resume(ctx, func(limit int) ([]ledger.Record, error) {
		return d.Ledger.ClaimStale(ctx, platform, d.Owner, d.lease(), limit)
	})
}

func (d *Dispatcher) resume(ctx context.Context, claim func(limit int) ([]ledger.Record, error)) (int, error) {
	n := orDefault(d.Concurrency, DefaultConcurrency)
	total := 0
	for ctx.Err() == nil {
		// A batch no larger than what runs at once, so that no claimed
		// record waits out its lease behind the others.
		leased := time.Now()
		recs, err := claim(n)
		if err != nil {
			return total, fmt.Errorf("claim pending takedowns: %w", err)
		}
		var wg sync.WaitGroup
		for _, rec := range recs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d.log().Info("resuming takedown", "platform", rec.Platform, "channel", rec.Channel, "message", rec.MessageID,
					"provider", rec.Provider, "fingerprint", rec.Fingerprint, "attempts", rec.Attempts)
				d.attempt(ctx, planFromRecord(rec, d.Router.SecurityChannel, d.Router.SecurityLang), rec, leased)
			}()
		}
		wg.Wait()
		total += len(recs)
		if len(recs) < n {
			break
		}
	}
	return total, nil
}

// attempt takes one step of a claimed takedown: the delete unless its
// result is saved, then the notices not yet sent. Each step is saved, so
// that a resumed takedown repeats none. A failure before the deadline
// reschedules the takedown; after it, a delete is escalated and a notice
// given up.
func (d *Dispatcher) attempt(ctx context.Context, p *Plan, rec ledger.Record, leased time.Time) {
	d.inflight.Add(1)
	defer d.inflight.Done()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.timeout())
	defer cancel()
	pr := rec.Progress()
	since := rec.ClaimedAt
	late := d.now().After(since.Add(d.deadline()))
	save := func() bool {
		if err := d.write(ctx, func(ctx context.Context) error { return d.Ledger.Save(ctx, p.Key, d.Owner, pr) }); err != nil {
			d.log().Error("saving takedown progress failed", "platform", p.Key.Platform, "channel", p.Key.Channel, "message", p.Key.MessageID, "err", err)
			return false
		}
		return true
	}
	if pr.Result == "" {
		if p.Decision != leaks.Takedown {
			pr.Result = ledger.Warned
		} else {
			pr.Attempts++
			err := d.step(ctx, p, &leased, Action{Kind: Delete, Channel: p.Key.Channel, MessageID: p.Key.MessageID, ThreadID: p.ThreadID, Plan: p,
				Reason: fmt.Sprintf("tokenbot: leaked %s credential (%s)", p.Leaks[0].Provider, p.Leaks[0].Fingerprint)})
			switch {
			case err == nil:
				pr.Result, pr.Detail = ledger.Deleted, ""
			case errors.Is(err, ErrNotFound) && pr.Attempts > 1:
				// An earlier attempt's delete went through unrecorded.
				pr.Result, pr.Detail = ledger.Deleted, ""
			case errors.Is(err, ErrNotFound):
				// Gone before this takedown came to it (the poster, a
				// moderator): not deleted by it, but the key was shown.
				pr.Result, pr.Detail = ledger.Deleted, goneDetail
			case errors.Is(err, ErrPermission):
				pr.Result, pr.Detail = ledger.Escalated, err.Error()
			case !late:
				d.reschedule(ctx, p, pr, since, "delete", err)
				return
			default:
				pr.Result, pr.Detail = ledger.Failed, "gave up at the deadline: "+err.Error()
			}
		}
		if !save() {
			return
		}
	}
	if pr.Notified&ledger.NotifiedPoster == 0 {
		if err := d.tellPoster(ctx, p, &leased, pr.Result); err != nil && !late {
			d.reschedule(ctx, p, pr, since, "poster notice", err)
			return
		} else if err != nil {
			d.log().Error("poster never reached", "platform", p.Key.Platform, "channel", p.Key.Channel, "message", p.Key.MessageID, "err", err)
		}
		pr.Notified |= ledger.NotifiedPoster
		if !save() {
			return
		}
	}
	if pr.Notified&ledger.NotifiedSecurity == 0 {
		if p.SecurityChannel != "" {
			notice := Action{Kind: Notice, Channel: p.SecurityChannel, Plan: p}.Saying(SecurityNotice(p, pr.Result, pr.Detail))
			if err := d.step(ctx, p, &leased, notice); err != nil && !late {
				d.reschedule(ctx, p, pr, since, "security notice", err)
				return
			} else if err != nil {
				d.log().Error("security notice never sent", "channel", p.SecurityChannel, "err", err)
				if pr.Detail != "" {
					pr.Detail += "; "
				}
				pr.Detail += "security notice not sent: " + err.Error()
			}
		}
		pr.Notified |= ledger.NotifiedSecurity
		if !save() {
			return
		}
	}
	if err := d.write(ctx, func(ctx context.Context) error {
		return d.Ledger.Finish(ctx, p.Key, d.Owner, pr.Result, pr.Attempts, pr.Detail)
	}); err != nil {
		d.log().Error("recording takedown outcome failed", "platform", p.Key.Platform, "channel", p.Key.Channel, "message", p.Key.MessageID, "err", err)
		return
	}
	l := p.Leaks[0]
	d.log().Info("takedown", "outcome", pr.Result, "platform", p.Key.Platform, "channel", p.Key.Channel,
		"message", p.Key.MessageID, "provider", l.Provider, "rule", l.Rule, "masked", l.Masked, "fingerprint", l.Fingerprint, "attempts", pr.Attempts)
	if d.Observer != nil {
		d.Observer.TakedownDone(p, pr.Result)
	}
}

// writeTimeout bounds one ledger write of an attempt.
const writeTimeout = 5 * time.Second

// write runs a ledger write of an attempt under its own timeout, not the
// attempt's: an attempt whose time ran out still records what it did, so
// that a resumed one repeats none of it.
func (d *Dispatcher) write(ctx context.Context, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	return f(ctx)
}

// goneDetail is the ledger's detail of a takedown whose first delete
// found the message gone: it was not deleted by this install.
const goneDetail = "message already gone at the first delete (not found); not deleted by tokenbot"

// step runs one action once, renewing the lease first unless it was taken
// or renewed less than half a lease ago (at *leased): the lease is then
// certainly still ours, and a commit is saved. Its error is cleaned
// (clean).
func (d *Dispatcher) step(ctx context.Context, p *Plan, leased *time.Time, a Action) error {
	if time.Since(*leased) >= d.lease()/2 {
		now := time.Now()
		if err := d.Ledger.Extend(ctx, p.Key, d.Owner, d.lease()); err != nil {
			return d.clean(ctx, fmt.Errorf("renew takedown lease: %w", err))
		}
		*leased = now
	}
	return d.clean(ctx, d.Exec.Execute(ctx, a))
}

// reschedule saves progress with the next attempt's time: the platform's
// Retry-After (capped at MaxRetryAfter), else the takedown policy's wait
// (decorrelated jitter from the time since the claim, within Backoff and
// MaxBackoff), so that waits grow and replicas do not retry in step.
func (d *Dispatcher) reschedule(ctx context.Context, p *Plan, pr ledger.Progress, since time.Time, what string, cause error) {
	now := d.now()
	var ra time.Duration
	if rl, ok := errors.AsType[*RateLimitError](cause); ok {
		ra = rl.RetryAfter
	}
	wait := d.policy().Next(now.Sub(since), ra)
	if pr.Result == "" {
		pr.Detail = what + " failed: " + cause.Error()
	}
	at := now.Add(wait)
	if err := d.write(ctx, func(ctx context.Context) error { return d.Ledger.Reschedule(ctx, p.Key, d.Owner, pr, at) }); err != nil {
		// The lease runs out and a sweep takes it up all the same.
		d.log().Error("rescheduling takedown failed", "platform", p.Key.Platform, "channel", p.Key.Channel, "message", p.Key.MessageID, "err", err)
		return
	}
	d.log().Warn("takedown step failed, rescheduled", "step", what, "platform", p.Key.Platform, "channel", p.Key.Channel,
		"message", p.Key.MessageID, "attempts", pr.Attempts, "next", at, "err", cause)
}

// tellPoster reaches the poster privately: an ephemeral reply, else a
// direct message, else a short channel notice that names no key.
func (d *Dispatcher) tellPoster(ctx context.Context, p *Plan, leased *time.Time, outcome ledger.Outcome) error {
	notice := PosterNotice(p, outcome)
	tries := []Action{
		Action{Kind: PrivateReply, Channel: p.Key.Channel, User: p.Poster, ThreadID: p.ThreadID, Plan: p}.Saying(notice),
		Action{Kind: DirectMessage, User: p.Poster, Plan: p}.Saying(notice),
		Action{Kind: Reply, Channel: p.Key.Channel, User: p.Poster, ThreadID: p.ThreadID, Plan: p}.Saying(PosterChannelNotice(p)),
	}
	var errs []error
	for _, a := range tries {
		err := d.step(ctx, p, leased, a)
		if err == nil {
			return nil
		}
		d.log().Warn("could not reach poster", "via", a.Kind, "channel", p.Key.Channel, "err", err)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// replyPolicy is the retry policy of an answer (not a takedown): three
// tries, short waits, so that a worker is not held; a platform asking for
// more than two seconds ends the tries.
var replyPolicy = retry.Policy{Base: 250 * time.Millisecond, Max: 2 * time.Second, MaxRetryAfter: 2 * time.Second, Attempts: 3}

// execute runs an answer, retrying a rate limit or a transient error with
// the reply policy. Permission, not-found and unsupported errors are
// final.
func (d *Dispatcher) execute(ctx context.Context, a Action) error {
	p := replyPolicy
	p.Rand, p.Sleep = d.Rand, d.Sleep
	return p.Do(ctx, func(ctx context.Context) error {
		return d.clean(ctx, d.Exec.Execute(ctx, a))
	}, Retryable, func(i int, wait time.Duration, err error) {
		d.log().Warn("action failed, retrying", "action", a.Kind, "attempt", i, "wait", wait, "err", err)
	})
}

// Retryable classifies a platform error for a retry.Policy: permission,
// not-found and unsupported errors are final; a rate limit carries the
// platform's wait; anything else may pass on another try.
func Retryable(err error) retry.Outcome {
	if errors.Is(err, ErrPermission) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnsupported) {
		return retry.Outcome{}
	}
	if rl, ok := errors.AsType[*RateLimitError](err); ok {
		return retry.Outcome{Retry: true, RetryAfter: rl.RetryAfter}
	}
	return retry.Outcome{Retry: true}
}

func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

func (d *Dispatcher) lease() time.Duration      { return orDefault(d.Lease, DefaultLease) }
func (d *Dispatcher) deadline() time.Duration   { return orDefault(d.Deadline, DefaultDeadline) }
func (d *Dispatcher) backoff() time.Duration    { return orDefault(d.Backoff, DefaultBackoff) }
func (d *Dispatcher) maxBackoff() time.Duration { return orDefault(d.MaxBackoff, DefaultMaxBackoff) }
func (d *Dispatcher) maxRetryAfter() time.Duration {
	return orDefault(d.MaxRetryAfter, DefaultMaxRetryAfter)
}
func (d *Dispatcher) timeout() time.Duration { return orDefault(d.Timeout, DefaultTimeout) }

// policy is the takedowns' retry policy: its waits are written to the
// ledger, not slept.
func (d *Dispatcher) policy() retry.Policy {
	return retry.Policy{Base: d.backoff(), Max: d.maxBackoff(), MaxRetryAfter: d.maxRetryAfter(), Rand: d.Rand}
}

// clean returns err with its message fit for the ledger, the security
// notice, the audit and the logs: a platform's error can quote the user's
// text or a URL with a credential in it (a Discord webhook's token in its
// path, a query's ticket): RedactError with the router's scanner.
// errors.Is and errors.As still see err.
// Every executor error goes through it once, where it is first returned.
func (d *Dispatcher) clean(ctx context.Context, err error) error {
	var sc Scanner
	if d.Router != nil {
		sc = d.Router.Scanner
	}
	return safeurl.Mask(err, func(msg string) string { return RedactError(ctx, sc, msg) })
}

func (d *Dispatcher) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Dispatcher) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}

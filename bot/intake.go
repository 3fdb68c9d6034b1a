package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
)

// Intake errors. An adapter maps both to its platform's way of asking for
// the event again (Slack HTTP: a 503; Socket Mode: no ack; a gateway: the
// reader waits).
var (
	// ErrBusy says the bounded queue is full: deliver the event later.
	ErrBusy = errors.New("intake queue is full")
	// ErrClosed says the intake is shutting down.
	ErrClosed = errors.New("intake is shutting down")
)

// Deduper remembers delivered event ids, so that a platform's retries
// and other replicas handle each event once. bot/ledger's Store
// implements it.
type Deduper interface {
	SeenEvent(ctx context.Context, platform, eventID string) (first bool, err error)
}

// Defaults of the Intake's bounds.
const (
	DefaultWorkers = 32
	DefaultQueue   = 1024
)

// Intake is the way events enter the core from a platform adapter.
// Submit accepts an event durably (its takedowns claimed in the ledger)
// before the adapter acknowledges it to the platform, and queues the rest
// of the work in a bounded queue with a priority lane for takedowns; a
// fixed pool of workers runs it.
type Intake struct {
	D     *Dispatcher
	Dedup Deduper // optional
	Log   *slog.Logger

	slots  chan struct{} // one per queued or running job
	high   chan *Work    // takedowns
	low    chan *Work    // everything else
	closed atomic.Bool
	wg     sync.WaitGroup // workers
	subs   sync.WaitGroup // submits under way
	mu     sync.Mutex     // orders closing against new submits

	abandon            atomic.Bool // set when Close's time is up
	abandoned          atomic.Int64
	abandonedTakedowns atomic.Int64
}

// NewIntake builds an intake with workers workers and room for queue jobs
// (defaults DefaultWorkers, DefaultQueue).
func NewIntake(d *Dispatcher, dedup Deduper, log *slog.Logger, workers, queue int) *Intake {
	workers, queue = orDefault(workers, DefaultWorkers), orDefault(queue, DefaultQueue)
	if log == nil {
		log = slog.Default()
	}
	in := &Intake{D: d, Dedup: dedup, Log: log, slots: make(chan struct{}, queue),
		high: make(chan *Work, queue), low: make(chan *Work, queue)}
	in.wg.Add(workers)
	for range workers {
		go in.work()
	}
	return in
}

// Submit accepts ev, delivered under the platform's event id (may be
// empty): it scans it and claims its takedowns in the ledger, records the
// id as seen, and queues the rest. Once it returns nil the event may be
// acknowledged: a crash loses none of its takedowns. A redelivery whose
// work was claimed finds the claim and does nothing twice. It returns
// ErrBusy at once when the queue is full, ErrClosed when shutting down,
// and the ledger's error when the claim failed; then nothing is marked
// seen and the platform should deliver the event again.
func (in *Intake) Submit(ctx context.Context, ev Event, id string) error {
	return in.submit(ctx, ev, id, false)
}

// SubmitWait is Submit that waits for room in the queue instead of
// returning ErrBusy, for a reader that can hold back its platform (a
// gateway connection).
func (in *Intake) SubmitWait(ctx context.Context, ev Event, id string) error {
	return in.submit(ctx, ev, id, true)
}

// Handle is SubmitWait with no event id, in the shape of an adapter's
// handler, for an adapter that de-duplicates itself. A command is handled
// at once in the caller: an adapter such as Discord's answers the
// interaction when the handler returns.
func (in *Intake) Handle(ctx context.Context, ev Event) error {
	if ev.Kind == Command {
		return in.D.Dispatch(ctx, ev)
	}
	return in.SubmitWait(ctx, ev, "")
}

func (in *Intake) submit(ctx context.Context, ev Event, id string, wait bool) error {
	in.mu.Lock()
	if in.closed.Load() {
		in.mu.Unlock()
		return ErrClosed
	}
	in.subs.Add(1)
	in.mu.Unlock()
	defer in.subs.Done()
	if wait {
		select {
		case in.slots <- struct{}{}:
		case <-ctx.Done():
			return fmt.Errorf("waiting for room in the intake queue: %w", ctx.Err())
		}
	} else {
		select {
		case in.slots <- struct{}{}:
		default:
			return ErrBusy
		}
	}
	w, err := in.D.Accept(ctx, ev)
	if w == nil {
		<-in.slots
		return err
	}
	if err != nil {
		in.Log.Warn("event partly handled", "platform", ev.Platform, "channel", ev.Channel, "err", err)
	}
	if id != "" && in.Dedup != nil {
		// Marked only now that its takedowns are claimed: a crash before
		// this point leaves the redelivery unseen.
		first, err := in.Dedup.SeenEvent(ctx, ev.Platform, id)
		switch {
		case err != nil:
			in.Log.Warn("event de-duplication failed; handling it anyway", "platform", ev.Platform, "event_id", id, "err", err)
		case !first:
			in.Log.Info("duplicate delivery ignored", "platform", ev.Platform, "event_id", id, "takedowns", w.Takedowns())
			w.dropActions()
		}
	}
	if w.Empty() {
		<-in.slots
		return nil
	}
	if w.Takedowns() > 0 {
		in.high <- w
	} else {
		in.low <- w
	}
	return nil
}

// work runs queued jobs, takedowns first, until the queues are closed and
// empty.
func (in *Intake) work() {
	defer in.wg.Done()
	for {
		var w *Work
		var ok bool
		select {
		case w, ok = <-in.high:
		default:
			select {
			case w, ok = <-in.high:
			case w, ok = <-in.low:
			}
		}
		if !ok {
			// One lane is closed (both are, together): drain the other.
			for w := range in.low {
				in.run(w)
			}
			for w := range in.high {
				in.run(w)
			}
			return
		}
		in.run(w)
	}
}

func (in *Intake) run(w *Work) {
	defer func() { <-in.slots }()
	if in.closed.Load() && in.abandon.Load() {
		in.abandoned.Add(1)
		if n := w.Takedowns(); n > 0 {
			in.abandonedTakedowns.Add(int64(n))
		}
		return
	}
	if err := in.D.Run(context.Background(), w); err != nil {
		in.Log.Error("event handling failed", "platform", w.Event.Platform, "kind", w.Event.Kind, "channel", w.Event.Channel, "err", err)
	}
}

// AbandonedError says a shutdown left queued work undone. Its takedowns
// stay pending in the ledger, for the next start (or a replica) to resume.
type AbandonedError struct {
	Events, Takedowns int64
}

func (e *AbandonedError) Error() string {
	return fmt.Sprintf("shutdown abandoned %d queued events (%d takedowns left pending in the ledger)", e.Events, e.Takedowns)
}

// Close stops taking events and lets the workers finish the queue until
// ctx ends; what is still queued then is abandoned, reported as an
// *AbandonedError. Attempts already started run to their end.
func (in *Intake) Close(ctx context.Context) error {
	in.mu.Lock()
	in.closed.Store(true)
	in.abandon.Store(ctx.Err() != nil) // no time left: nothing more is started
	in.mu.Unlock()
	in.subs.Wait()
	close(in.high)
	close(in.low)
	done := make(chan struct{})
	go func() { in.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		in.abandon.Store(true)
		<-done
	}
	if n := in.abandoned.Load(); n > 0 {
		err := &AbandonedError{Events: n, Takedowns: in.abandonedTakedowns.Load()}
		in.Log.Error("shutdown abandoned work", "events", err.Events, "takedowns", err.Takedowns)
		return err
	}
	return nil
}

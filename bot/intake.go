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
	// ErrDuplicate says Handle was given a command already handled under
	// its id: nothing was done, and nothing is to be answered.
	ErrDuplicate = errors.New("duplicate delivery")
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
	// DefaultHandlers bounds the adapters' handlers under way at once
	// (Go, Try): translating an event, fetching its files, submitting it.
	DefaultHandlers = 32
)

// Intake is the one way events enter the core from a platform adapter,
// the same for every platform. It owns:
//
//   - de-duplication by the platform's delivery id (Submit, SubmitWait,
//     Handle), its takedowns claimed in the ledger before the id is marked
//     seen;
//   - a bounded pool of adapter handlers (Go waits for a slot before it
//     starts a goroutine: back-pressure on a reader; Try refuses at once,
//     for a platform that redelivers);
//   - a bounded queue with a priority lane for takedowns, run by a fixed
//     pool of workers.
//
// Whether the bot was addressed is decided by the router (Classify), and
// which attachments are scanned by Attachments, from the facts the adapter
// reports.
//
// When de-duplication itself fails (the ledger cannot say whether an id
// was seen), the event is handled anyway, on every platform. Its
// takedowns are already claimed by then, and the ledger keeps each one to
// a single run whatever the number of deliveries; the worst case is a
// question answered twice. Refusing it instead would lose the event on a
// gateway that never redelivers (Discord), and would bring Slack's
// redeliveries back to a ledger that is already failing.
type Intake struct {
	D     *Dispatcher
	Dedup Deduper // optional
	Log   *slog.Logger

	handlers chan struct{}  // one per adapter handler under way
	running  sync.WaitGroup // adapter handlers started by Go
	handled  atomic.Int64   // adapter handlers finished

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
		handlers: make(chan struct{}, DefaultHandlers),
		high:     make(chan *Work, queue), low: make(chan *Work, queue)}
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

// Handle is SubmitWait, except that a slash command (nothing to take
// down) is handled at once in the caller, once per id: an adapter such as
// Discord's answers the interaction when Handle returns. A duplicate
// delivery of the command does nothing and returns ErrDuplicate.
func (in *Intake) Handle(ctx context.Context, ev Event, id string) error {
	ev = Classify(ev)
	if !IsSlashCommand(ev) {
		return in.SubmitWait(ctx, ev, id)
	}
	if !in.first(ctx, ev, id, 0) {
		return ErrDuplicate
	}
	return in.D.Dispatch(ctx, ev)
}

// Handle is the entry point of an adapter that handles each event in the
// caller, its user waiting for the answer, with no delivery id and no
// queue (the web playground, the terminal): the core classifies ev
// (Classify) and dispatches it at once.
func (d *Dispatcher) Handle(ctx context.Context, ev Event) error {
	return d.Dispatch(ctx, ev) // Accept classifies it
}

// Go runs an adapter's handler of one platform event in a goroutine once
// a handler slot is free, waiting for it until ctx ends: a reader that
// calls Go is held back while DefaultHandlers handlers are under way,
// instead of piling up goroutines. It returns ErrClosed when the intake
// is shutting down (f is not run), and ctx's error when it ended first.
func (in *Intake) Go(ctx context.Context, f func()) error {
	if err := in.enter(ctx, true); err != nil {
		return err
	}
	go func() {
		defer in.leave()
		f()
	}()
	return nil
}

// Try runs an adapter's handler in the caller when a handler slot is
// free, and returns ErrBusy at once when none is, for a platform that
// delivers the event again (Slack's HTTP deliveries).
func (in *Intake) Try(ctx context.Context, f func() error) error {
	if err := in.enter(ctx, false); err != nil {
		return err
	}
	defer in.leave()
	return f()
}

func (in *Intake) enter(ctx context.Context, wait bool) error {
	if err := in.admit(&in.running); err != nil {
		return err
	}
	if err := acquire(ctx, in.handlers, wait, "waiting for a free event handler"); err != nil {
		in.running.Done()
		return err
	}
	return nil
}

// admit counts one more call under way in wg, unless the intake is
// closed: Close waits for them.
func (in *Intake) admit(wg *sync.WaitGroup) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed.Load() {
		return ErrClosed
	}
	wg.Add(1)
	return nil
}

// acquire takes a place in sem: at once or ErrBusy, or with wait once one
// is free, unless ctx ends first.
func acquire(ctx context.Context, sem chan struct{}, wait bool, waiting string) error {
	if !wait {
		select {
		case sem <- struct{}{}:
			return nil
		default:
			return ErrBusy
		}
	}
	select {
	case sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", waiting, ctx.Err())
	}
}

func (in *Intake) leave() {
	<-in.handlers
	in.handled.Add(1)
	in.running.Done()
}

// Progress reports how many handlers started by Go and Try have finished,
// and whether the intake is idle: no handler under way, and no work queued
// or running. A test waits on it for "everything delivered was dealt
// with" instead of waiting for time to pass.
func (in *Intake) Progress() (handled int64, idle bool) {
	handled = in.handled.Load()
	return handled, len(in.handlers) == 0 && len(in.slots) == 0
}

// first reports whether ev's delivery id is new, marking it seen; an
// event without an id, or without a Deduper, is always new. When the
// lookup fails the event is handled anyway (see Intake).
func (in *Intake) first(ctx context.Context, ev Event, id string, takedowns int) bool {
	if id == "" || in.Dedup == nil {
		return true
	}
	first, err := in.Dedup.SeenEvent(ctx, ev.Platform, id)
	switch {
	case err != nil:
		in.Log.Warn("event de-duplication failed; handling it anyway", "platform", ev.Platform, "event_id", id, "err", err)
		return true
	case !first:
		in.Log.Info("duplicate delivery ignored", "platform", ev.Platform, "event_id", id, "takedowns", takedowns)
	}
	return first
}

func (in *Intake) submit(ctx context.Context, ev Event, id string, wait bool) error {
	if err := in.admit(&in.subs); err != nil {
		return err
	}
	defer in.subs.Done()
	if err := acquire(ctx, in.slots, wait, "waiting for room in the intake queue"); err != nil {
		return err
	}
	w, err := in.D.Accept(ctx, ev)
	if w == nil {
		<-in.slots
		return err
	}
	if err != nil {
		in.Log.Warn("event partly handled", "platform", ev.Platform, "channel", ev.Channel, "err", err)
	}
	// Marked seen only now that its takedowns are claimed: a crash before
	// this point leaves the redelivery unseen.
	if !in.first(ctx, ev, id, w.Takedowns()) {
		w.dropActions()
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
	in.running.Wait() // handlers under way finish their submits
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

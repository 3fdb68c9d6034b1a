package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/metrics"
)

// A scanner that panics on a message does not let the message through:
// the panic is logged without the text, counted on /metrics, and the
// message is taken down as unscanned, once, through the real router,
// intake and dispatcher.
func TestPanickingScannerTakesTheMessageDown(t *testing.T) {
	var scannerLog bottest.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&scannerLog, nil)))
	defer slog.SetDefault(prev)

	c := bottest.New(t, bottest.Options{})
	sc := leaks.FailingScanner()
	c.Router.Scanner = sc
	c.Metrics = metrics.New(metrics.Options{Registry: prometheus.NewRegistry(), Scanner: sc})
	key := bottest.AnthropicKey(320)
	ev := leakEvent(key)

	acts, err := c.Router.Handle(context.Background(), ev)
	if err != nil || len(acts) != 1 || acts[0].Kind != bot.Takedown || acts[0].Plan.Leaks[0].Rule != leaks.UnscannedRuleID {
		t.Fatalf("Handle with a panicking scanner = %+v, %v; want one takedown of an unscanned text", acts, err)
	}
	exec := &recorder{}
	in := bot.NewIntake(c.Dispatcher(exec), c.Store, c.Log, 1, 4)
	if err := in.Submit(context.Background(), ev, "e-panic"); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if err := in.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(exec.done(bot.Delete)); n != 1 {
		t.Errorf("%d deletes of the message the scanner failed on, want 1 (actions: %s)", n, exec.all())
	}

	// Every text of the event (the message, the names shown with it) was
	// handed to the scanner, by the router and again by the intake.
	n := sc.Failures()
	if n < 2 {
		t.Fatalf("scanner counted %d failures, want one per scan, at least 2", n)
	}
	rec := httptest.NewRecorder()
	c.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if body, want := rec.Body.String(), fmt.Sprintf("tokenbot_scan_failures_total %d\n", n); !strings.Contains(body, want) {
		t.Errorf("/metrics lacks %q:\n%s", want, body)
	}
	if logs := scannerLog.String(); strings.Count(logs, "level=ERROR msg=\"leaks: scanner failed") != int(n) {
		t.Errorf("scanner log has not one error per failure (%d):\n%s", n, logs)
	}
	c.AssertNoEcho(t, key, map[string]string{"scanner log": scannerLog.String(), "platform calls": exec.all()})
}

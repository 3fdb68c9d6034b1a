package bottest

import (
	"testing"
	"time"
)

// WaitTimeout bounds how long Eventually waits: long enough for a loaded
// CI machine under -race, never reached by a passing test.
const WaitTimeout = 20 * time.Second

// Eventually polls cond until it holds, and fails the test with what when
// WaitTimeout passes first. It is the one polling helper of the tests:
// wait for a state that will come, never for "nothing happened" (signal
// that with a channel or a counter the code under test updates).
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for wait := time.Millisecond; !cond(); wait = min(2*wait, 50*time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", WaitTimeout, what)
		}
		time.Sleep(wait)
	}
}

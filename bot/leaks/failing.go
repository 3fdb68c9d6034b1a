package leaks

// FailingScanner returns a scanner whose one rule fails (panics) on every
// text, the way a bug in a rule would: for the tests of code that must
// treat a text the scanner could not read as unsafe. Like any Scanner it
// recovers, logs the failure without the text, counts it (Failures) and
// returns ErrScanFailed from ScanContext for any non-empty text; Scan
// reports the text unsafe.
func FailingScanner() *Scanner {
	// A rule without a compiled regex panics when it runs.
	s := &Scanner{rules: []*rule{{id: "broken", conf: High}}, byID: map[string]int{"broken": 0}, always: []int{0}}
	s.kw = newKwMatcher(nil)
	return s
}

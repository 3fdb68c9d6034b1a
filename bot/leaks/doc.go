// Package leaks finds leaked credentials in chat messages and decides what to
// do about them (take the message down, warn the poster, or nothing).
//
// # Rules: gitleaks' config, our matcher
//
// Detection is built on gitleaks' maintained default rule set
// (github.com/zricethezav/gitleaks/v8, v8.30.1). Only its config package is
// imported: it holds the ~220 rules with their regexes, keywords, entropy
// thresholds and allowlists, and compiles them with Go's regexp. Its detect
// package is not imported outside tests: it is built for files and git
// history (archive decoders, path and commit handling, zerolog logging on
// every rule, viper's global state) and costs about 25 µs on a clean
// 128-byte message and far more on one that merely says "key". Config files
// are parsed with BurntSushi/toml into gitleaks' config.ViperConfig and
// turned into rules with its Translate; `[extend] useDefault = true` is
// resolved here (gitleaks resolves it through viper's global state and a
// global depth counter, which is neither concurrency-safe nor free of
// side effects), with gitleaks' own merge semantics, so a security team can
// bring its existing gitleaks config and allowlists. The chat matcher is
// small: an Aho–Corasick keyword prefilter over the lower-cased message (as
// in gitleaks); then for each rule whose keyword occurs, a lazily built DFA
// of the rule's regex (prefilter.go: assertions evaluated, captures
// ignored) run once over the text from the keyword hits, which drops every
// hit no match can begin at without any regex; then the regex itself,
// anchored at the hits that are left and stopped where the DFA says a
// match there can end (or, where hits are too dense, in bounded windows
// around them, merged so each byte is handed to a rule's regex a bounded
// number of times), and gitleaks' secretGroup, entropy and allowlists on
// each match, so findings are the ones gitleaks' semantics give; a rule
// stops after 16 findings in one view of a message. A text over ScanLimit
// is not scanned, and a scan that fails is reported unsafe (see Scan);
// docs/decisions/scanner.md records the choices.
//
// # Chat is not source code
//
// Before matching, every non-ASCII rune is replaced by ASCII of the same
// byte length (a full-width colon becomes ':', other CJK punctuation
// spaces), so offsets stay those of the original text and gitleaks' ASCII
// boundary classes end a key at "，" or "。". Well-formed provider rules are
// run a second time with sentence and markup punctuation (". , ) > | &" …)
// turned into spaces, for keys at the end of a sentence, in parentheses, in
// URLs (?key=AIza…&…) and in Slack's <https://…|…> markup. Keys wrapped
// across lines or split by invisible characters (zero-width spaces and
// joiners, soft hyphens) are found in a joined view, and keys inside base64
// (a pasted .env, a Kubernetes Secret's data) in views decoded one level
// deep, with offsets mapped back to the message. Placeholders and masked
// previews are recognised by their shape (placeholder.go); documentation
// keys by allowlists (configs/leaks.toml); UUIDs, hashes and numeric ids
// by chat filters on generic findings.
//
// # Files by job
//
// Scanning (scanner.go): building a Scanner, Scan and ScanContext, the
// views of a message and the rules run over each, and the recovery that
// reports a failed scan unsafe; dedupe.go reduces overlapping findings.
//
// Matching: keywords.go (the Aho–Corasick keyword prefilter and the hit
// lists per keyword), analyze.go (what a rule's regex tells from its
// syntax tree: keyword windows, match length, literal prefixes), prefilter.go
// (a rule's lazily built DFA over match ends), match.go (windows and
// anchored attempts, rules that are a literal and a class repeat matched
// by comparison, a match turned into a candidate), required.go
// (composite rules), entropy.go (gitleaks' entropy threshold).
//
// Allowlists: allowlist.go (gitleaks' allowlists and stop words, the chat
// filters on generic findings), allowfilter.go (the allowlists' DFAs),
// placeholder.go (placeholders by shape).
//
// Normalisation: normalize.go (non-ASCII to ASCII of the same length, the
// relaxed text for a second pass), views.go (the normalised, joined and
// decoded views, with offsets back to the message).
//
// Configuration and output: config.go (gitleaks' TOML and its layers),
// providers.go, finding.go (masking, fingerprints, Redact), policy.go.
//
// # Secrets never leak
//
// A Finding keeps the secret in an unexported field; String, GoString,
// Format, MarshalJSON and LogValue show only the masked preview (provider
// prefix and last 4 characters at most). Fingerprint gives an HMAC of the
// secret for audit rows and allow lists; Redact replaces secrets by their
// previews.
package leaks

//go:generate go run ./internal/corpusgen -out testdata
//go:generate go run ./internal/gitleakssamples -out testdata/gitleaks-samples.json

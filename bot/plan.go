package bot

import (
	"time"

	"github.com/tokenbot/tokenbot/bot/leaks"
	"github.com/tokenbot/tokenbot/bot/ledger"
)

// Plan is a takedown (or, for low-confidence findings, a private warning)
// decided by the router and carried out by the Dispatcher. It holds masked
// previews and fingerprints only, never a secret.
type Plan struct {
	Key             ledger.Key
	Decision        leaks.Decision // leaks.Takedown or leaks.Warn
	Poster          string
	PosterName      string
	ChannelName     string
	ThreadID        string
	Lang            string // the poster's language, "en" or "zh"
	SecurityChannel string
	SecurityLang    string // the security notice's language; empty: DefaultSecurityLang
	Leaks           []Leak // most severe first
	// Advice is the FAQ's short key-leaked answer in the poster's language.
	Advice string
	Time   time.Time
}

// Leak is what the core keeps of one finding.
type Leak struct {
	Rule        string
	Provider    string
	Confidence  string
	Masked      string
	Fingerprint string
}

// record is the ledger row that claims this plan.
func (p *Plan) record() ledger.Record {
	rec := ledger.Record{Key: p.Key, Time: p.Time, Poster: p.Poster, Lang: p.Lang, Action: ledger.ActionTakedown}
	if p.Decision == leaks.Warn {
		rec.Action = ledger.ActionWarn
	}
	if len(p.Leaks) > 0 {
		l := p.Leaks[0]
		rec.Rule, rec.Provider, rec.Masked, rec.Fingerprint = l.Rule, l.Provider, l.Masked, l.Fingerprint
	}
	return rec
}

// planFromRecord rebuilds a plan from its ledger row, to resume a takedown
// that a crashed or restarted process left pending.
func planFromRecord(rec ledger.Record, securityChannel, securityLang string) *Plan {
	decision := leaks.Takedown
	if rec.Action == ledger.ActionWarn {
		decision = leaks.Warn
	}
	return &Plan{
		Key:             rec.Key,
		Decision:        decision,
		Poster:          rec.Poster,
		Lang:            rec.Lang,
		SecurityChannel: securityChannel,
		SecurityLang:    securityLang,
		Time:            rec.Time,
		Leaks: []Leak{{Rule: rec.Rule, Provider: rec.Provider, Masked: rec.Masked,
			Fingerprint: rec.Fingerprint}},
	}
}

package knowledge

import (
	"context"
	"testing"
)

// setFigures are one question set's routing figures.
type setFigures struct {
	n, hits           map[string]int // by language, mention mode
	passiveRight      int
	passiveWrong      int
	onTopic           int
	chatter, chatterA int // off-topic lines, and those answered in passive mode
}

func (f setFigures) mention(lang string) float64 {
	if f.n[lang] == 0 {
		return 1
	}
	return float64(f.hits[lang]) / float64(f.n[lang])
}

// measure asks every question of a set in both modes. Misses are logged only
// when verbose is set: measured sets report aggregates, not lines to tune on.
func measure(t *testing.T, ix *Index, file string, verbose bool) setFigures {
	t.Helper()
	on, off := loadQuestionFile(t, file)
	return measureLines(t, ix, file, on, off, verbose)
}

// measureLines is measure on lines already loaded; name labels the summary.
func measureLines(t *testing.T, ix *Index, name string, on, off []labelled, verbose bool) setFigures {
	t.Helper()
	f := setFigures{n: map[string]int{}, hits: map[string]int{}, onTopic: len(on), chatter: len(off)}
	ctx := context.Background()
	for _, l := range on {
		a, err := ix.Ask(ctx, l.q, Mention)
		if err != nil {
			t.Fatalf("Ask(%q, mention): %v", l.q, err)
		}
		f.n[l.lang]++
		if a.Answered && a.ID == l.id {
			f.hits[l.lang]++
		} else if verbose {
			t.Logf("miss [%s] %q: got %q (answered=%v score=%.3f)", l.id, l.q, a.ID, a.Answered, a.Score)
		}
		p, err := ix.Ask(ctx, l.q, Passive)
		if err != nil {
			t.Fatalf("Ask(%q, passive): %v", l.q, err)
		}
		switch {
		case p.Answered && p.ID == l.id:
			f.passiveRight++
		case p.Answered:
			f.passiveWrong++
			if verbose {
				t.Logf("passive wrong [%s] %q: got %s", l.id, l.q, p.ID)
			}
		case verbose:
			t.Logf("passive silent [%s] %q (score %.3f)", l.id, l.q, p.Score)
		}
	}
	for _, l := range off {
		p, err := ix.Ask(ctx, l.q, Passive)
		if err != nil {
			t.Fatalf("Ask(%q, passive): %v", l.q, err)
		}
		if p.Answered {
			f.chatterA++
			if verbose {
				t.Logf("chatter answered %q with %s", l.q, p.ID)
			}
		}
	}
	t.Logf("%s: mention top-1 en %d/%d = %.1f%%, zh %d/%d = %.1f%%; passive right %d/%d = %.1f%%, wrong %d; chatter answered %d/%d",
		name, f.hits["en"], f.n["en"], 100*f.mention("en"), f.hits["zh"], f.n["zh"], 100*f.mention("zh"),
		f.passiveRight, f.onTopic, 100*float64(f.passiveRight)/float64(max(f.onTopic, 1)), f.passiveWrong, f.chatterA, f.chatter)
	return f
}

// TestEvalSets reports every question set's figures and holds floors that a
// routing regression breaks. questions.yaml, dev*.yaml and chatter.yaml (off-
// topic lines only) are development sets (misses listed with -v); holdout,
// blind, independent and fresh* are measured sets whose misses are not listed.
func TestEvalSets(t *testing.T) {
	ix := testIndex(t)
	for _, tt := range []struct {
		file         string
		dev          bool
		mention      float64 // per language
		passiveRight float64 // share of on-topic questions
		passiveWrong int
		chatter      int // off-topic lines answered in passive mode
	}{
		{"testdata/questions.yaml", true, 0.95, 0.90, 2, 0},
		{"testdata/dev.yaml", true, 0.93, 0.84, 2, 0},
		{"testdata/dev2.yaml", true, 0.94, 0.85, 11, 0},
		// The tenth round's examples (2026-12-03) answer more in passive
		// mode and a few more with a sibling topic: dev3 and dev7 one wrong
		// more each, fresh10 one, fresh11 one Chinese miss more (94.7%).
		{"testdata/dev3.yaml", true, 0.98, 0.92, 1, 0},
		{"testdata/dev4.yaml", true, 0.96, 0.92, 2, 0},
		{"testdata/dev5.yaml", true, 0.85, 0.82, 0, 0}, // 17/20 en after the eleventh round
		// Scored once as written (2026-12-02): en 88.0%, zh 86.7%, passive
		// 76.2% right, 4 wrong; the floors are the figures reached after.
		{"testdata/dev6.yaml", true, 0.93, 0.82, 2, 0},
		{"testdata/dev7.yaml", true, 0.96, 0.93, 2, 0}, // Chinese only
		// One line since the eleventh round (2026-12-03): an app's own API
		// for invoices, answered with key-storage.
		{"testdata/chatter.yaml", true, 1, 1, 0, 1},
		// Written from topic ids only (2026-12-03) and scored once as written,
		// before the change it informed: en 97.1%, zh 96.1%, passive 90.2%
		// right, 1 wrong, 5/300 chatter answered (GitHub deploy keys, CPU
		// usage, canteen meal tokens, a subtitle company's rates). After it:
		// the same on-topic figures, 0/300 chatter. Four of its short
		// questions are also FAQ phrasings, so it is not in
		// TestEvalSetsAreHeldOut.
		{chatter12File, true, 0.96, 0.90, 1, 0},
		// Written from topic ids only (2026-12-03), scored once as written:
		// en 98.0%, zh 98.0%, passive 92.6% right, 0 wrong, 3/300 chatter
		// (OKRs' key results, KPIs, a phone's prompt to update). After the
		// senses it found: the same on-topic figures, 0/300.
		{chatter16File, true, 0.98, 0.92, 0, 0},
		// Written from topic ids only (2026-12-03), scored once as written:
		// chatter17 en 98.0%, zh 100%, passive 96.6% right, 0 wrong, 5/300
		// chatter (type-token ratio homework, 医保统筹额度, 古汉语分词,
		// 科研项目间接费用, 水電帳單); chatter18 99.0%, 97.1%, 94.1%, 0 wrong,
		// 4/300 (a game's key art, bilingual shop signs and flyers). After
		// the senses they found: the same on-topic figures, 0/300 each.
		{chatter17File, true, 0.98, 0.96, 0, 0},
		{chatter18File, true, 0.97, 0.94, 0, 0},
		{"testdata/holdout.yaml", false, 0.88, 0.60, 2, 0},
		{"testdata/blind.yaml", false, 0.90, 0.80, 2, 0},
		{independentFile, false, 0.87, 0.72, 13, 0},
		// Scored once, 2026-12: en 89.4%, zh 92.4%, passive 70.6% right,
		// 8 wrong, 1/120 chatter answered. After the richer training data
		// and the reviewed answers (2026-12-02): 94.7%, 94.1%, 85.6%, 4
		// wrong, 2/120. The floors only catch regressions.
		{freshFile, false, 0.93, 0.84, 6, 0},
		// Scored once, 2026-12-02, never seen by the work above: en 92.2%,
		// zh 89.2%, passive 79.9% right, 5 wrong, 3/140 chatter. Then used
		// once more, in aggregate, to decide between two thresholds of the
		// second routing round (docs/PERFORMANCE.md): 93.1%, 89.7%, 80.9%,
		// 5 wrong, 4/140. fresh3 is the blind figure after that.
		{fresh2File, false, 0.88, 0.78, 7, 1},
		// Scored once, 2026-12-02, after the second routing round: en 96.5%,
		// zh 98.2%, passive 89.4% right, 2 wrong, 2/100 chatter.
		{fresh3File, false, 0.94, 0.86, 4, 1},
		// Scored once, 2026-12-02, after the passive-precision round: en
		// 96.5%, zh 97.1%, passive 88.8% right, 2 wrong, 1/100 chatter.
		// TestFresh4Unseen reports its lines unlike any development line.
		// After the fifth routing round: 0/100 chatter.
		{fresh4File, false, 0.96, 0.88, 2, 0},
		// Scored once, 2026-12-02, after the fifth routing round: en 94.1%,
		// zh 95.9%, passive 86.5% right, 5 wrong, 2/100 chatter.
		// After the sixth round: 94.1%, 96.5%, 86.2%, 3 wrong, 0/100.
		{fresh5File, false, 0.94, 0.86, 5, 0},
		// Scored once, 2026-12-02, after the sixth routing round: en 97.1%,
		// zh 94.1%, passive 84.7% right, 6 wrong, 3/100 chatter.
		// After the seventh round: 0/100 chatter.
		{fresh6File, false, 0.94, 0.84, 6, 0},
		// Scored once, 2026-12-02, after the seventh routing round: en 94.7%,
		// zh 98.8%, passive 87.1% right, 2 wrong, 1/100 chatter.
		// After the tenth round (2026-12-03): 95.9%, 99.4%, 91.5%, 3 wrong,
		// 0/100.
		{fresh7File, false, 0.94, 0.87, 3, 1},
		// Scored once, 2026-12-02, on the seventh round as landed: en 95.9%,
		// zh 95.9%, passive 85.3% right, 5 wrong, 3/100 chatter.
		{fresh8File, false, 0.95, 0.85, 5, 3},
		// Scored once, 2026-12-03, after the eighth routing round: fresh9
		// en 96.5%, zh 92.9%, passive 84.7% right, 8 wrong, 0/100 chatter;
		// fresh10 95.3%, 94.1%, 83.2%, 4 wrong, 4/100; fresh11 92.4%,
		// 92.9%, 80.9%, 4 wrong, 0/100. Development sets from then on
		// (developmentFiles): the ninth round reads their misses. After it
		// (2026-12-03): fresh9 97.1%, 95.3%, 88.2%, 5 wrong, 0/100;
		// fresh10 96.5%, 96.5%, 84.1%, 2 wrong, 0/100; fresh11 97.1%,
		// 95.3%, 82.4%, 4 wrong, 0/100.
		{fresh9File, true, 0.95, 0.88, 5, 0},
		{fresh10File, true, 0.96, 0.84, 3, 0},
		{fresh11File, true, 0.94, 0.82, 5, 0},
		// Scored once, 2026-12-03, after the ninth routing round: fresh12
		// en 95.3%, zh 93.5%, passive 82.4% right, 4 wrong, 2/100 chatter;
		// fresh13 96.5%, 92.9%, 85.6%, 8 wrong, 1/100. After the tenth
		// round (its examples, 2026-12-03): fresh12 95.9%, 98.2%, 86.2%,
		// 3 wrong, 1/100; fresh13 97.1%, 95.9%, 90.6%, 5 wrong, 2/100.
		{fresh12File, false, 0.93, 0.82, 4, 2},
		{fresh13File, false, 0.92, 0.85, 8, 2},
		// Scored once, 2026-12-03, after the tenth routing round: fresh14
		// en 95.3%, zh 98.2%, passive 85.9% right, 1 wrong, 1/100 chatter;
		// fresh15 97.1%, 96.5%, 87.4%, 3 wrong, 0/100.
		// Development sets since (developmentFiles): the eleventh round
		// reads their misses.
		{fresh14File, true, 0.95, 0.85, 2, 1},
		{fresh15File, true, 0.96, 0.87, 3, 0},
		// Scored once, 2026-12-03, after the tenth round and chatter16's
		// senses: fresh16 en 96.5%, zh 96.5%, passive 81.2% right, 3
		// wrong, 1/100 chatter; fresh17 97.1%, 91.8%, 84.4%, 4 wrong, 0/100.
		// After the eleventh round (2026-12-03): fresh16 95.3%, 97.6%,
		// 82.9%, 2 wrong, 0/100; fresh17 97.1%, 93.5%, 87.4%, 5 wrong,
		// 0/100.
		{fresh16File, false, 0.95, 0.81, 3, 1},
		{fresh17File, false, 0.91, 0.84, 5, 0},
		// Scored once, 2026-12-03, after the eleventh routing round:
		// fresh18 en 98.2%, zh 98.2%, passive 90.0% right, 3 wrong, 1/100
		// chatter; fresh19 97.6%, 98.8%, 90.3%, 1 wrong, 1/100.
		// With passiveMaxOffTopic (2026-12-03): fresh18 passive 89.7% right,
		// fresh19 90.0%, chatter unchanged.
		{fresh18File, false, 0.98, 0.89, 3, 1},
		{fresh19File, false, 0.97, 0.90, 1, 1},
		// Scored once, 2026-12-03, with passiveMaxOffTopic: fresh20 en
		// 97.6%, zh 97.1%, passive 92.1% right, 2 wrong, 1/100 chatter;
		// fresh21 95.9%, 96.5%, 87.1%, 1 wrong, 0/100.
		{fresh20File, false, 0.97, 0.92, 2, 1},
		{fresh21File, false, 0.95, 0.87, 1, 0},
		// Scored once, 2026-12-03, on the routing fresh20/fresh21 were
		// scored on: fresh22 en 97.6%, zh 99.4%, passive 90.6% right, 2
		// wrong, 0/100 chatter; fresh23 95.3%, 96.5%, 86.2%, 3 wrong, 0/100.
		{fresh22File, false, 0.97, 0.90, 2, 0},
		{fresh23File, false, 0.95, 0.86, 3, 0},
		// Scored once, 2026-12-03, after chatter17/18's senses: fresh24 en
		// 97.1%, zh 98.8%, passive 90.0% right, 1 wrong, 0/100 chatter;
		// fresh25 96.5%, 97.6%, 90.3%, 1 wrong, 0/100.
		{fresh24File, false, 0.97, 0.90, 1, 0},
		{fresh25File, false, 0.96, 0.90, 1, 0},
	} {
		t.Run(tt.file, func(t *testing.T) {
			f := measure(t, ix, tt.file, tt.dev && testing.Verbose())
			for _, lang := range Languages {
				if got := f.mention(lang); got < tt.mention {
					t.Errorf("%s mention top-1 %.1f%%, want >= %.0f%%", lang, 100*got, 100*tt.mention)
				}
			}
			if got := float64(f.passiveRight) / float64(max(f.onTopic, 1)); f.onTopic > 0 && got < tt.passiveRight {
				t.Errorf("passive answered right %.1f%%, want >= %.0f%%", 100*got, 100*tt.passiveRight)
			}
			if f.passiveWrong > tt.passiveWrong {
				t.Errorf("passive answered %d questions with the wrong topic, want <= %d", f.passiveWrong, tt.passiveWrong)
			}
			if f.chatterA > tt.chatter {
				t.Errorf("passive answered %d/%d off-topic lines, want <= %d", f.chatterA, f.chatter, tt.chatter)
			}
		})
	}
}

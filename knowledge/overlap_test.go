package knowledge

import (
	"slices"
	"testing"
)

// developmentFiles are the question sets routing work may read line by line.
var developmentFiles = []string{
	"testdata/questions.yaml", "testdata/dev.yaml", "testdata/dev2.yaml",
	"testdata/dev3.yaml", "testdata/dev4.yaml", "testdata/dev5.yaml", "testdata/dev6.yaml", "testdata/dev7.yaml", "testdata/chatter.yaml",
	chatter12File, chatter16File, chatter17File, chatter18File,
	// Measured sets scored once (2026-12-03, docs/PERFORMANCE.md), then
	// opened to routing work.
	fresh9File, fresh10File, fresh11File,
	fresh14File, fresh15File,
}

// chatter12File is a development probe written from topic ids only
// (2026-12-03): 3 questions per topic and language, and 300 off-topic lines
// that use the topics' words in other senses.
const chatter12File = "testdata/chatter12.yaml"

// chatter16File is a second development probe written from topic ids only
// (2026-12-03): 3 questions per topic and language, and 300 off-topic lines
// in senses the rules were not written for (music keys, OKRs, course
// credits, a production batch, a window period…).
const chatter16File = "testdata/chatter16.yaml"

// chatter17File and chatter18File are two more development probes written
// the same way (2026-12-03), in the voices of a hospital group, a
// university and a logistics firm (17) and of a game studio, a bank and a
// retail chain (18).
const (
	chatter17File = "testdata/chatter17.yaml"
	chatter18File = "testdata/chatter18.yaml"
)

// nearDuplicateShare is the share of character trigrams two lines must have
// in common (Jaccard) to count as one line reworded.
const nearDuplicateShare = 0.5

func trigrams(s string) map[string]bool {
	r := []rune(normalizeForCompare(s))
	g := make(map[string]bool, len(r))
	for i := 0; i+3 <= len(r); i++ {
		g[string(r[i:i+3])] = true
	}
	return g
}

// seenLines holds the trigrams of every line routing could learn from: the
// FAQ phrasings and examples, the off-topic training lines and the
// development sets.
func seenLines(t *testing.T, ix *Index) []map[string]bool {
	t.Helper()
	var seen []map[string]bool
	for _, topic := range ix.Topics("en") {
		for _, lang := range Languages {
			tx, _ := ix.Entry(topic.ID, lang)
			seen = append(seen, trigrams(tx.Question))
			for _, p := range slices.Concat(tx.Phrasings, tx.Examples) {
				seen = append(seen, trigrams(p))
			}
		}
	}
	for _, q := range slices.Concat(offTopicExamples, offTopicWritten) {
		seen = append(seen, trigrams(q))
	}
	for _, file := range developmentFiles {
		on, off := loadQuestionFile(t, file)
		for _, l := range append(on, off...) {
			seen = append(seen, trigrams(l.q))
		}
	}
	return seen
}

// unseenOnly keeps the lines with no near duplicate among seen. The
// trigrams a line shares with each seen line are counted through an index
// of trigrams to lines, so only lines sharing one are looked at.
func unseenOnly(lines []labelled, seen []map[string]bool) (kept []labelled) {
	byGram := map[string][]int{}
	for i, s := range seen {
		for g := range s {
			byGram[g] = append(byGram[g], i)
		}
	}
	common := make([]int, len(seen))
	var touched []int
	for _, l := range lines {
		g := trigrams(l.q)
		for gram := range g {
			for _, i := range byGram[gram] {
				if common[i] == 0 {
					touched = append(touched, i)
				}
				common[i]++
			}
		}
		dup := false
		for _, i := range touched {
			if float64(common[i]) >= nearDuplicateShare*float64(len(g)+len(seen[i])-common[i]) {
				dup = true
			}
			common[i] = 0
		}
		touched = touched[:0]
		if !dup {
			kept = append(kept, l)
		}
	}
	return kept
}

// TestFreshUnseen reports each late measured set's figures on its lines
// that no training phrasing, example or development line resembles. The sets were
// written from the same topic list as the development sets dev4, dev5 and
// chatter.yaml at about the same time, so some of their lines resemble
// lines routing was tuned on; these are the figures free of them. fresh5
// is also compared with fresh4, whose one answered chatter line named the
// class the fifth round then covered. The floors catch regressions.
func TestFreshUnseen(t *testing.T) {
	ix := testIndex(t)
	seen := seenLines(t, ix)
	for _, tt := range []struct {
		file         string
		alsoSeen     []string
		mention      float64
		passiveRight float64
		chatter      int
	}{
		// Scored once, 2026-12-02: 237 questions and 89 off-topic lines;
		// en 95.2%, zh 96.2%, passive 85.2% right, 2 wrong, 1/89 chatter.
		// With fresh9–11 among the development files (2026-12-03): 217
		// questions and 84 lines, en 94.6%, zh 96.0%, passive 84.3% right.
		{fresh4File, nil, 0.94, 0.84, 0},
		// Scored once, 2026-12-02: 259 questions and 82 off-topic lines;
		// en 93.1%, zh 94.6%, passive 83.8% right, 4 wrong, 2/82 chatter.
		// With chatter12 among the development files (2026-12-03) two of
		// its English questions, both answered right, count as seen: en
		// 118/127 = 92.9%, under the floor by that alone (120/129 before):
		// the floor follows the smaller subset, the same nine misses.
		{fresh5File, []string{fresh4File}, 0.92, 0.83, 0},
		// Scored once, 2026-12-02: 243 questions and 83 off-topic lines;
		// en 95.4%, zh 93.3%, passive 81.5% right, 6 wrong, 3/83 chatter.
		{fresh6File, []string{fresh4File, fresh5File}, 0.93, 0.81, 0},
		// Scored once, 2026-12-02: 238 questions and 86 off-topic lines;
		// en 93.8%, zh 98.4%, passive 84.5% right, 2 wrong, 1/86 chatter.
		{fresh7File, []string{fresh4File, fresh5File, fresh6File}, 0.93, 0.84, 1},
		// Scored once, 2026-12-02: 209 questions and 90 off-topic lines;
		// en 94.9%, zh 95.5%, passive 83.3% right, 4 wrong, 3/90 chatter.
		// With fresh9–11 among the development files (2026-12-03): 202
		// questions and 85 lines, en 94.6%, zh 95.4%, passive 82.7% right.
		{fresh8File, []string{fresh4File, fresh5File, fresh6File, fresh7File}, 0.94, 0.82, 3},
		// Scored once, 2026-12-03: fresh12 196 questions and 79 off-topic
		// lines, en 93.4%, zh 92.4%, passive 76.0% right, 4 wrong, 2/79
		// chatter; fresh13 206 and 72, 94.7%, 90.1%, 80.1%, 8 wrong, 1/72.
		// With the FAQ's examples (the tenth round, 2026-12-03), lines like
		// them count as seen too: fresh12 187 questions and 77 lines, en
		// 91.7%, zh 98.1%, passive 81.8% right, 1/77 chatter; fresh13 196
		// and 71, 94.4%, 93.4%, 84.7%, 2/71.
		{fresh12File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File}, 0.91, 0.76, 2},
		{fresh13File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File}, 0.90, 0.80, 2},
		// fresh14 and fresh15, scored once after the tenth round (190 and
		// 237 such questions: en 92.1%, 96.3%; zh 98.0%, 95.4%; passive
		// 78.9%, 84.0% right; chatter 1/69, 0/66), are development sets
		// since (developmentFiles).
		// Scored once, 2026-12-03: fresh16 229 questions and 77 off-topic
		// lines, en 95.2%, zh 95.2%, passive 75.1% right, 2 wrong, 1/77
		// chatter; fresh17 216 and 80, 97.1%, 93.0%, 82.4%, 0 wrong, 0/80.
		// After the eleventh round: fresh16 227 and 75, 94.1%, 96.8%, 78.4%,
		// 0/75; fresh17 213 and 79, 97.0%, 93.9%, 85.9%, 0/79.
		{fresh16File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File, fresh12File, fresh13File}, 0.94, 0.75, 1},
		{fresh17File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File, fresh12File, fresh13File, fresh16File}, 0.92, 0.82, 0},
		// Scored once, 2026-12-03, after the eleventh round: fresh18 182
		// questions and 67 off-topic lines, en 97.4%, zh 97.2%, passive
		// 85.7% right, 2 wrong, 1/67 chatter; fresh19 181 and 58, 97.3%,
		// 99.1%, 84.5%, 0 wrong, 1/58.
		{fresh18File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File, fresh12File, fresh13File, fresh16File, fresh17File}, 0.97, 0.85, 1},
		{fresh19File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File, fresh12File, fresh13File, fresh16File, fresh17File, fresh18File}, 0.97, 0.83, 1},
		// Scored once, 2026-12-03, with passiveMaxOffTopic: fresh20 200
		// questions and 63 off-topic lines, en 98.9%, zh 95.5%, passive
		// 89.5% right, 1 wrong, 1/63 chatter; fresh21 176 and 58, 94.8%,
		// 93.9%, 81.2%, 0 wrong, 0/58.
		{fresh20File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File, fresh12File, fresh13File, fresh16File, fresh17File, fresh18File, fresh19File}, 0.95, 0.89, 1},
		{fresh21File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File, fresh12File, fresh13File, fresh16File, fresh17File, fresh18File, fresh19File, fresh20File}, 0.93, 0.81, 0},
		// Scored once, 2026-12-03: fresh22 196 questions and 64 off-topic
		// lines, en 97.9%, zh 99.0%, passive 88.8% right, 1 wrong, 0/64;
		// fresh23 195 and 67, 95.5%, 97.2%, 82.6%, 1 wrong, 0/67.
		{fresh22File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File, fresh12File, fresh13File, fresh16File, fresh17File, fresh18File, fresh19File, fresh20File, fresh21File}, 0.97, 0.88, 0},
		{fresh23File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File, fresh12File, fresh13File, fresh16File, fresh17File, fresh18File, fresh19File, fresh20File, fresh21File, fresh22File}, 0.95, 0.82, 0},
		// Scored once, 2026-12-03: fresh24 179 questions and 51 off-topic
		// lines, en 96.1%, zh 99.0%, passive 84.9% right, 0 wrong, 0/51;
		// fresh25 184 and 63, 93.7%, 96.2%, 88.0%, 0 wrong, 0/63.
		{fresh24File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File, fresh12File, fresh13File, fresh16File, fresh17File, fresh18File, fresh19File, fresh20File, fresh21File, fresh22File, fresh23File}, 0.96, 0.84, 0},
		{fresh25File, []string{fresh4File, fresh5File, fresh6File, fresh7File, fresh8File, fresh12File, fresh13File, fresh16File, fresh17File, fresh18File, fresh19File, fresh20File, fresh21File, fresh22File, fresh23File, fresh24File}, 0.93, 0.88, 0},
	} {
		t.Run(tt.file, func(t *testing.T) {
			ref := slices.Clip(seen) // appends below never write into seen
			for _, file := range tt.alsoSeen {
				on, off := loadQuestionFile(t, file)
				for _, l := range append(on, off...) {
					ref = append(ref, trigrams(l.q))
				}
			}
			on, off := loadQuestionFile(t, tt.file)
			keptOn, keptOff := unseenOnly(on, ref), unseenOnly(off, ref)
			t.Logf("%s: %d/%d questions and %d/%d off-topic lines have no near duplicate in the FAQ phrasings, the off-topic examples or the development sets",
				tt.file, len(keptOn), len(on), len(keptOff), len(off))
			f := measureLines(t, ix, tt.file+" (unseen lines)", keptOn, keptOff, false)
			for _, lang := range Languages {
				if got := f.mention(lang); got < tt.mention {
					t.Errorf("%s mention top-1 %.1f%%, want >= %.0f%%", lang, 100*got, 100*tt.mention)
				}
			}
			if got := float64(f.passiveRight) / float64(max(f.onTopic, 1)); got < tt.passiveRight {
				t.Errorf("passive answered right %.1f%%, want >= %.0f%%", 100*got, 100*tt.passiveRight)
			}
			if f.chatterA > tt.chatter {
				t.Errorf("passive answered %d/%d off-topic lines, want <= %d", f.chatterA, f.chatter, tt.chatter)
			}
		})
	}
}

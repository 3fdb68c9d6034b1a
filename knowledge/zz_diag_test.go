package knowledge

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"
)

func TestZZDiag(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	ix := testIndex(t)
	ctx := context.Background()
	counts := map[string]int{}
	for _, file := range []string{"testdata/zz_partb.yaml", "testdata/zz_partc.yaml"} {
		on, _ := loadQuestionFile(t, file)
		for _, l := range on {
			q := sanitize(l.q)
			nq := ix.normalize(q)
			reason := ""
			if !IsQuestion(nq) && !helpRequest(nq) {
				reason = "notq"
			} else if !inDomain(nq) {
				reason = "notdomain"
			} else {
				hits, _ := ix.search(ctx, nq, DetectLang(q))
				probs, _ := ix.model.predict(nq)
				ranked := ix.rank(hits, probs)
				best := ranked[0]
				pBest, pOff := 0.0, probs[len(ix.order)]
				argmax := 0
				for k, id := range ix.order {
					if id == best.id {
						pBest = probs[k]
					}
					if probs[k] > probs[argmax] {
						argmax = k
					}
				}
				margin := best.score - ranked[1].score
				switch {
				case best.id != l.id:
					reason = "wrongbest"
				case pOff >= pBest:
					reason = "off"
				case pBest < ix.passive:
					reason = "lowp"
				case ix.order[argmax] != best.id:
					reason = "argmax"
				case margin < passiveMinMargin:
					reason = fmt.Sprintf("margin")
				case !passiveDomain(nq) && (pBest < weakMinScore || pOff > weakMaxOffTopic):
					reason = "weak"
				}
				if reason != "" && os.Getenv("DIAG") == "2" {
					t.Logf("%s %s p=%.2f off=%.2f m=%.2f %q", reason, l.id, pBest, pOff, margin, l.q)
				}
			}
			if (reason == "notq" || reason == "notdomain") && os.Getenv("DIAG") == "2" {
				t.Logf("%s %s %q", reason, l.id, l.q)
			}
			counts[reason]++
		}
	}
	t.Log(counts)
}

func devScore(t *testing.T) string {
	entries, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(entries, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var tot setFigures
	tot.n, tot.hits = map[string]int{}, map[string]int{}
	out := ""
	for _, file := range []string{"testdata/questions.yaml", "testdata/dev.yaml", "testdata/dev2.yaml", "testdata/zz_partb.yaml", "testdata/zz_partc.yaml"} {
		f := measureQuiet(t, ix, file)
		out += fmt.Sprintf(" [%.1f %.1f %d/%d w%d c%d]", 100*f.mention("en"), 100*f.mention("zh"), f.passiveRight, f.onTopic, f.passiveWrong, f.chatterA)
		for _, l := range Languages {
			tot.n[l] += f.n[l]
			tot.hits[l] += f.hits[l]
		}
		tot.passiveRight += f.passiveRight
		tot.onTopic += f.onTopic
		tot.passiveWrong += f.passiveWrong
		tot.chatterA += f.chatterA
	}
	return fmt.Sprintf("ALL en %.1f zh %.1f pas %.1f w%d c%d |", 100*tot.mention("en"), 100*tot.mention("zh"), 100*float64(tot.passiveRight)/float64(tot.onTopic), tot.passiveWrong, tot.chatterA) + out
}

func TestZZSweep(t *testing.T) {
	if os.Getenv("SWEEP") == "" {
		t.Skip()
	}
	t.Log("base", devScore(t))
	f64 := func(name string, p *float64, vals ...float64) {
		old := *p
		for _, v := range vals {
			*p = v
			t.Logf("%s=%v %s", name, v, devScore(t))
		}
		*p = old
	}
	if os.Getenv("SWEEP") == "2" {
		f64("bleveWeight", &bleveWeight, 0.3, 0.7)
		f64("keywordWeight", &keywordWeight, 1)
		f64("answerWeight", &answerWeight, 0.6)
		f64("trainRate", &trainRate, 1, 3)
	}
}

func TestZZOne(t *testing.T) {
	q := os.Getenv("Q")
	if q == "" {
		t.Skip()
	}
	ix := testIndex(t)
	nq := ix.normalize(q)
	t.Logf("norm %q feats %v", nq, features(nq))
	probs, _ := ix.model.predict(nq)
	hits, _ := ix.search(context.Background(), nq, DetectLang(q))
	r := ix.rank(hits, probs)
	for _, h := range r[:4] {
		k := 0
		for i, id := range ix.order {
			if id == h.id {
				k = i
			}
		}
		t.Logf("%s %.3f p=%.3f", h.id, h.score, probs[k])
	}
	t.Logf("off %.3f", probs[len(ix.order)])
}

func TestZZLat(t *testing.T) {
	if os.Getenv("LAT") == "" {
		t.Skip()
	}
	ix := testIndex(t)
	ctx := context.Background()
	for _, q := range benchQuestions {
		best := time.Hour
		for range 200 {
			s := time.Now()
			ix.Ask(ctx, q, Mention)
			best = min(best, time.Since(s))
		}
		nq := ix.normalize(q)
		t.Logf("%8v decisive=%v %q", best, ix.decisive(first(ix.model.predict(nq))), q)
	}
}

func TestZZLatDev(t *testing.T) {
	if os.Getenv("LAT") == "" {
		t.Skip()
	}
	ix := testIndex(t)
	ctx := context.Background()
	var lat []time.Duration
	dec := 0
	n := 0
	for _, file := range []string{"testdata/questions.yaml", "testdata/dev.yaml", "testdata/dev2.yaml"} {
		on, _ := loadQuestionFile(t, file)
		for _, l := range on {
			n++
			if ix.decisive(first(ix.model.predict(ix.normalize(l.q)))) {
				dec++
			}
			for range 3 {
				s := time.Now()
				ix.Ask(ctx, l.q, Mention)
				lat = append(lat, time.Since(s))
			}
		}
	}
	slices.Sort(lat)
	t.Logf("decisive %d/%d p50 %v p90 %v p99 %v", dec, n, lat[len(lat)/2], lat[len(lat)*9/10], lat[len(lat)*99/100])
}

func first(p []float64, _ bool) []float64 { return p }

func TestZZSpellDrop(t *testing.T) {
	if os.Getenv("SPELL") == "" {
		t.Skip()
	}
	ix := testIndex(t)
	entries, _ := Load(Embedded())
	seen := map[string]int{}
	for _, e := range entries {
		for _, l := range Languages {
			for _, p := range e.Text[l].Phrasings {
				for _, w := range splitRuns(p) {
					if w[0] < 128 {
						seen[w]++
					}
				}
			}
		}
	}
	for w, n := range seen {
		if ix.spell.freq[w] == 0 && n >= 2 {
			f := ix.spell.fix(w); t.Logf("%s(%d) -> %s(%d)", w, n, f, ix.spell.freq[f])
		}
	}
}

func BenchmarkZZTrain(b *testing.B) {
	entries, _ := Load(Embedded())
	ix := &Index{}
	for b.Loop() {
		ix.trainModel(entries)
	}
}

func BenchmarkZZBleve(b *testing.B) {
	entries, _ := Load(Embedded())
	for b.Loop() {
		ix, _ := NewIndex(entries, Options{})
		ix.Close()
	}
}

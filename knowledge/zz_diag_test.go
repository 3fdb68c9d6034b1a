package knowledge

import (
	"context"
	"fmt"
	"os"
	"testing"
)

func TestZZDiag(t *testing.T) {
	if os.Getenv("DIAG") == "" {
		t.Skip()
	}
	ix := testIndex(t)
	ctx := context.Background()
	counts := map[string]int{}
	for _, file := range []string{"testdata/questions.yaml", "testdata/dev.yaml", "testdata/dev2.yaml"} {
		on, _ := loadQuestionFile(t, file)
		for _, l := range on {
			q := sanitize(l.q)
			nq := ix.normalize(q)
			reason := ""
			if !IsQuestion(nq) {
				reason = "notq"
			} else if !inDomain(nq) {
				reason = "notdomain"
			} else {
				hits, _ := ix.search(ctx, nq, DetectLang(q))
				probs := ix.model.predict(nq)
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

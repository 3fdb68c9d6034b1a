package knowledge

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestAskAnswersInTheAskersLanguage(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		q, lang, id string
	}{
		{"what's the difference between an api key and a token?", "en", "key-vs-token"},
		{"API key 和 token 有什么区别？", "zh", "key-vs-token"},
		{"I leaked my openai key in a commit, what do I do?", "en", "key-leaked"},
		{"我的密钥泄露了怎么办？", "zh", "key-leaked"},
		{"which header carries the anthropic key?", "en", "key-in-request"},
	}
	for _, tt := range tests {
		for _, mode := range []Mode{Mention, Passive} {
			a, err := ix.Ask(context.Background(), tt.q, mode)
			if err != nil {
				t.Fatalf("Ask(%q, %v): %v", tt.q, mode, err)
			}
			if !a.Answered || a.ID != tt.id {
				t.Errorf("Ask(%q, %v) = %q answered=%v, want %s", tt.q, mode, a.ID, a.Answered, tt.id)
				continue
			}
			want, _ := ix.Entry(tt.id, tt.lang)
			if a.Lang != tt.lang || a.Answer != want.Answer || a.Short != want.Short || a.Title != want.Question {
				t.Errorf("Ask(%q) answered in %s (title %q), want the %s text", tt.q, a.Lang, a.Title, tt.lang)
			}
			if len(a.Sources) == 0 || len(a.Related) == 0 {
				t.Errorf("Ask(%q): no sources or related topics", tt.q)
			}
			for _, r := range a.Related {
				rt, ok := ix.Entry(r.ID, tt.lang)
				if !ok || rt.Question != r.Title {
					t.Errorf("Ask(%q): related %s has title %q, want the %s title", tt.q, r.ID, r.Title, tt.lang)
				}
			}
		}
	}
}

func TestAskNotSure(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		q, lang, marker string
		suggestions     int
	}{
		{"", "en", "I'm not sure", 0},
		{"   \n\t ", "en", "I'm not sure", 0},
		{"what time is standup?", "en", "I'm not sure", 3},
		{"午饭吃什么？", "zh", "不太确定", 3},
		{"who has the key to the server room?", "en", "I'm not sure", 3},
		{"年假額度還剩幾天？", "zh", "不太确定", 3},
		{"\xff\xfe\xfd", "en", "I'm not sure", 0},
	}
	for _, tt := range tests {
		a, err := ix.Ask(context.Background(), tt.q, Mention)
		if err != nil {
			t.Fatalf("Ask(%q): %v", tt.q, err)
		}
		if a.Answered || a.ID != "" {
			t.Errorf("Ask(%q, mention) answered %s, want not sure", tt.q, a.ID)
		}
		if a.Lang != tt.lang || !strings.Contains(a.Answer, tt.marker) {
			t.Errorf("Ask(%q, mention) = %s %q, want a %s not-sure text", tt.q, a.Lang, a.Answer, tt.lang)
		}
		// The closest topics, not the whole list, are offered.
		if len(a.Suggestions) != tt.suggestions {
			t.Errorf("Ask(%q, mention) offers %d topics %v, want %d", tt.q, len(a.Suggestions), a.Suggestions, tt.suggestions)
		}
		if n := strings.Count(a.Answer, "• "); n != len(a.Suggestions) {
			t.Errorf("not-sure text for %q lists %d topics, want the %d suggestions:\n%s", tt.q, n, len(a.Suggestions), a.Answer)
		}
		for _, topic := range a.Suggestions {
			want, ok := ix.Entry(topic.ID, tt.lang)
			if !ok || want.Question != topic.Title || !strings.Contains(a.Answer, topic.Title) {
				t.Errorf("not-sure text for %q does not offer %s as %q", tt.q, topic.ID, want.Question)
			}
		}
		p, err := ix.Ask(context.Background(), tt.q, Passive)
		if err != nil || p.Answered || p.Answer != "" {
			t.Errorf("Ask(%q, passive) = %+v, %v; want silence", tt.q, p, err)
		}
	}
}

func TestAskPassiveNeedsAQuestion(t *testing.T) {
	ix := testIndex(t)
	for _, q := range []string{
		"cached tokens are cheaper",
		"I rotated the api key this morning",
		"我刚把 API key 轮换了",
	} {
		a, err := ix.Ask(context.Background(), q, Passive)
		if err != nil || a.Answered {
			t.Errorf("Ask(%q, passive) answered=%v err=%v; statements must stay unanswered", q, a.Answered, err)
		}
	}
}

func TestAskHugeAndBrokenInput(t *testing.T) {
	ix := testIndex(t)
	huge := "what is the difference between an api key and a token? " + strings.Repeat("x", 1<<20)
	a, err := ix.Ask(context.Background(), huge, Mention)
	if err != nil {
		t.Fatalf("Ask(huge): %v", err)
	}
	if a.ID != "key-vs-token" {
		t.Errorf("Ask(huge) = %q, want key-vs-token from the first 4 KiB", a.ID)
	}
	if len(a.Question) > MaxQuestionBytes {
		t.Errorf("Answer.Question is %d bytes, want <= %d", len(a.Question), MaxQuestionBytes)
	}
	// Only the first 4 KiB is searched: a question after it is ignored.
	late := strings.Repeat("lorem ", MaxQuestionBytes/6+1) + "how do I rotate my api key?"
	if a, _ := ix.Ask(context.Background(), late, Mention); a.ID == "key-rotation" {
		t.Errorf("question beyond %d bytes was searched", MaxQuestionBytes)
	}
	broken := "how do I rotate \xc3\x28 my api key\xff?"
	a, err = ix.Ask(context.Background(), broken, Mention)
	if err != nil {
		t.Fatalf("Ask(invalid utf-8): %v", err)
	}
	if !utf8.ValidString(a.Question) || a.ID != "key-rotation" {
		t.Errorf("Ask(invalid utf-8) = %q (question %q), want key-rotation and valid UTF-8", a.ID, a.Question)
	}
}

func TestAskCancelledContext(t *testing.T) {
	ix := testIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Ask(ctx, "what is a token?", Mention); !errors.Is(err, context.Canceled) {
		t.Errorf("Ask with a cancelled context: err = %v, want context.Canceled", err)
	}
}

func TestAskConcurrent(t *testing.T) {
	ix := testIndex(t)
	on, _ := loadQuestions(t)
	dev, _ := loadQuestionFile(t, "testdata/dev.yaml") // Traditional Chinese and typos too
	on = append(on, dev...)
	want := map[string]string{}
	for _, l := range on {
		a, err := ix.Ask(context.Background(), l.q, Mention)
		if err != nil {
			t.Fatal(err)
		}
		want[l.q] = a.ID
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(on)*4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, l := range on {
				mode := Mention
				if (i+g)%2 == 1 {
					mode = Passive
				}
				a, err := ix.Ask(context.Background(), l.q, mode)
				if err != nil {
					errs <- err.Error()
					continue
				}
				if mode == Mention && a.ID != want[l.q] {
					errs <- l.q + ": got " + a.ID + ", want " + want[l.q]
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestTopicsAndEntry(t *testing.T) {
	ix := testIndex(t)
	en, zh := ix.Topics("en"), ix.Topics("zh")
	if len(en) != len(requiredIDs) || len(zh) != len(en) {
		t.Fatalf("Topics: %d en, %d zh, want %d each", len(en), len(zh), len(requiredIDs))
	}
	for i := range en {
		if en[i].ID != zh[i].ID || en[i].Title == zh[i].Title {
			t.Errorf("topic %d: en %+v vs zh %+v", i, en[i], zh[i])
		}
	}
	if len(ix.Topics("fr")) != 0 {
		t.Error("Topics(\"fr\") is not empty")
	}
	if _, ok := ix.Entry("no-such-id", "en"); ok {
		t.Error("Entry(no-such-id) found something")
	}
}

// TestAskPassiveLongLineReadsItsQuestions: in passive mode a line longer than
// passiveFocusBytes is routed by the sentences that ask, not by the account
// around them.
func TestAskPassiveLongLineReadsItsQuestions(t *testing.T) {
	ix := testIndex(t)
	unit := "the nightly job retried after a 429 from the provider and the staging key was rotated. "
	log := strings.Repeat(unit, 20)
	logZH := strings.Repeat("夜间任务又被限流了，重试了好几次，测试环境的密钥上周刚换过。", 10)
	tests := []struct {
		name, q, want string
	}{
		{"question at the end", log + "anyway, how many tokens is one chinese character?", "chinese-vs-english"},
		{"question in the middle", strings.Repeat(unit, 10) + "quick one: what are cached tokens? " + strings.Repeat(unit, 10), "cached-tokens"},
		{"chatter question at the end", log + "who is bringing the cake on friday?", ""},
		{"chinese question at the end", logZH + "顺便问一下，缓存的 token 是什么？", "cached-tokens"},
		{"account with no question", log + logZH, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.q) <= passiveFocusBytes {
				t.Fatalf("test line is %d bytes, want more than %d", len(tt.q), passiveFocusBytes)
			}
			a, err := ix.Ask(context.Background(), tt.q, Passive)
			if err != nil {
				t.Fatalf("Ask: %v", err)
			}
			if got := a.ID; got != tt.want {
				t.Errorf("Ask(passive) = %q, want %q", got, tt.want)
			}
			if a.Question != strings.TrimSpace(tt.q) {
				t.Errorf("Answer.Question does not echo the whole line")
			}
		})
	}
}

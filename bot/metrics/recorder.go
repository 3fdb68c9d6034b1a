package metrics

import (
	"strings"
	"sync"
	"time"

	"github.com/tokenbot/tokenbot/bot"
)

// MaxQuestionBytes bounds the text kept of one unanswered question.
const MaxQuestionBytes = 280

// Question is a question the FAQ could not answer. Text is the question as
// the router passed it to the FAQ, with any credential already masked.
type Question struct {
	Text     string    `json:"text"`
	Lang     string    `json:"lang"`
	Platform string    `json:"platform"`
	Channel  string    `json:"channel"`
	Time     time.Time `json:"time"`
	// Count is how many times the same question (ignoring case and
	// spacing) was asked while it was kept.
	Count int `json:"count"`
}

// Recorder keeps the most recent unanswered questions in memory. It is
// safe for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	max  int
	list []Question // oldest first
}

// NewRecorder keeps up to max questions (default 50).
func NewRecorder(max int) *Recorder {
	if max <= 0 {
		max = 50
	}
	return &Recorder{max: max}
}

// Add records q. A question already kept is moved to the front and its
// count increased; empty questions are ignored.
func (r *Recorder) Add(q Question) {
	q.Text = bot.Clip(strings.Join(strings.Fields(strings.ToValidUTF8(q.Text, "\uFFFD")), " "), MaxQuestionBytes)
	if q.Text == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	q.Count = 1
	for i, old := range r.list {
		if strings.EqualFold(old.Text, q.Text) {
			q.Count = old.Count + 1
			r.list = append(r.list[:i], r.list[i+1:]...)
			break
		}
	}
	r.list = append(r.list, q)
	if len(r.list) > r.max {
		r.list = append(r.list[:0], r.list[len(r.list)-r.max:]...)
	}
}

// List returns the kept questions, newest first.
func (r *Recorder) List() []Question {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Question, len(r.list))
	for i, q := range r.list {
		out[len(r.list)-1-i] = q
	}
	return out
}

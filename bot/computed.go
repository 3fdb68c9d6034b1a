package bot

import (
	"context"
	"fmt"
)

// computed answers a question about a model's price or context window, or
// a text's size, with numbers from the catalog, when it is one.
func (r *Router) computed(ctx context.Context, ev Event, question string, passive bool) ([]Action, bool, error) {
	if r.Estimates == nil {
		return nil, false, nil
	}
	ans, ok, err := r.Estimates.Answer(ctx, question, passive)
	if err != nil {
		return nil, false, fmt.Errorf("computed answer: %w", err)
	}
	if !ok {
		return nil, false, nil
	}
	return []Action{replyTo(ev, "").Saying(ans.Doc)}, true, nil
}

// The tokenizer API.

package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tokenbot/tokenbot/bot/tokens"
)

// TokensRequest is the body of POST /api/tokens.
type TokensRequest struct {
	Text     string   `json:"text"`
	Encoding string   `json:"encoding,omitempty"`
	Models   []string `json:"models,omitempty"`
}

// TokensView is the answer of POST /api/tokens.
type TokensView struct {
	Report tokens.Report `json:"report"`
	// Warning is set when the text holds a credential: the boundary view
	// is then left out, since it would spell the secret out.
	Warning   string   `json:"warning,omitempty"`
	Encodings []string `json:"encodings"`
}

func (s *Server) postTokens(w http.ResponseWriter, r *http.Request) {
	var req TokensRequest
	if !s.decode(w, r, &req) {
		return
	}
	if req.Text == "" {
		fail(w, http.StatusBadRequest, "empty", "text is empty")
		return
	}
	if len(req.Models) > 16 {
		fail(w, http.StatusBadRequest, "bad_request", "at most 16 models")
		return
	}
	rep, warning, err := s.router.Tokens(r.Context(), req.Text, req.Models, req.Encoding)
	refuse := func(status int, code, msg string) {
		if warning != "" {
			// The request held a key: the answer says so first.
			msg = warning + " " + msg
		}
		fail(w, status, code, "%s", msg)
	}
	switch {
	case errors.Is(err, tokens.ErrUnknownModel):
		refuse(http.StatusBadRequest, "unknown_model", err.Error())
		return
	case errors.Is(err, tokens.ErrTooLarge):
		refuse(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("text is larger than %d bytes", s.router.Counter.MaxBytes()))
		return
	case errors.Is(err, tokens.ErrUnknownEncoding):
		refuse(http.StatusBadRequest, "unknown_encoding", "unknown encoding; use one of "+strings.Join(tokens.Encodings(), ", "))
		return
	case err != nil:
		s.log.Error("tokens report failed", "err", err)
		fail(w, http.StatusInternalServerError, "internal", "could not count the tokens")
		return
	}
	writeJSON(w, http.StatusOK, TokensView{Report: rep, Warning: warning, Encodings: tokens.Encodings()})
}

// Who the browser is: the viewer cookie, the admin login and logout, and
// GET /api/session.

package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/tokenbot/tokenbot/bot/tokens"
)

// login checks the admin token from the form and starts a session. A
// wrong token counts against the client's guesses like any other path.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.AdminRequired() {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		http.Redirect(w, r, "/login?error=bad-request", http.StatusSeeOther)
		return
	}
	ok, wait := s.guess(r, "form", func() bool { return equalSecret(strings.TrimSpace(r.PostForm.Get("token")), s.cfg.AdminToken) })
	switch {
	case wait > 0:
		tooMany(w, wait, "too many wrong admin tokens")
		return
	case !ok:
		http.Redirect(w, r, "/login?error=wrong-token", http.StatusSeeOther)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: adminCookie, Value: s.sessions.create(), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r), MaxAge: int(sessionTTL.Seconds())})
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

// logout ends the session on the server, not only in the browser.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(adminCookie); err == nil {
		s.sessions.end(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: adminCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r), MaxAge: -1})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// SessionView tells the page who it is and what it may show.
type SessionView struct {
	Channel         string   `json:"channel"`
	SecurityChannel string   `json:"security_channel,omitempty"`
	Admin           bool     `json:"admin"`
	AdminRequired   bool     `json:"admin_required"`
	Models          []string `json:"models"`
	Encodings       []string `json:"encodings"`
	MaxPieces       int      `json:"max_pieces"`
	MaxTextBytes    int      `json:"max_text_bytes"`
	// PricesAsOf dates the model price table behind cost estimates.
	PricesAsOf string `json:"prices_as_of,omitempty"`
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request) {
	s.viewer(w, r)
	v := SessionView{Channel: s.cfg.Channel, SecurityChannel: s.router.SecurityChannel, Admin: s.isAdmin(r),
		AdminRequired: s.AdminRequired(), Encodings: tokens.Encodings(), MaxPieces: s.router.MaxPieces,
		Models: []string{}, MaxTextBytes: MaxMessageBytes}
	if s.router.Catalog != nil {
		v.PricesAsOf = s.router.Catalog.PricesAsOf()
	}
	for _, m := range s.router.Models {
		v.Models = append(v.Models, m.ID)
	}
	writeJSON(w, http.StatusOK, v)
}

// viewer returns the playground user id of the browser, setting a new
// session cookie when it has none. The cookie is a random secret; the user
// id is derived from it, so that the id shown in notices and audit rows
// cannot be replayed as a cookie to read someone's private replies.
func (s *Server) viewer(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(viewerCookie); err == nil && validViewer(c.Value) {
		return userID(c.Value)
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	secret := hex.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: viewerCookie, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r), MaxAge: int((30 * 24 * time.Hour).Seconds())})
	return userID(secret)
}

// userID is the public id of a viewer session.
func userID(secret string) string {
	sum := sha256.Sum256([]byte("tokenbot web user\x00" + secret))
	return "w" + hex.EncodeToString(sum[:8])
}

func validViewer(v string) bool {
	if len(v) != 32 {
		return false
	}
	_, err := hex.DecodeString(v)
	return err == nil
}

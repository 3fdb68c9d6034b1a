package web

import (
	"net/http"

	"github.com/tokenbot/tokenbot/adapters/web/webhttp"
)

// routes is the playground's route table. A pattern names its methods: a
// wrong one gets 405 with Allow, an unknown path 404, both in the API's
// JSON shape. Every route passes the host, origin and CSRF checks (guard).
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// Pages and assets (static.go).
	mux.HandleFunc("GET /{$}", s.playgroundPage)
	mux.HandleFunc("GET /dashboard", s.dashboardPage)
	mux.HandleFunc("GET /login", servePage("login.html"))
	mux.Handle("GET /static/", assets())
	mux.Handle("GET /favicon.ico", http.RedirectHandler("/static/favicon.svg", http.StatusMovedPermanently))
	// The admin login (session.go).
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /api/session", s.getSession)
	// The pages' own labels in the browser's language (texts.go).
	mux.HandleFunc("GET /api/texts", s.getTexts)
	// The playground channel (messages.go) and the tokenizer (tokens.go).
	mux.HandleFunc("GET /api/messages", s.getMessages)
	mux.HandleFunc("POST /api/messages", s.limit(s.posts, s.budget(s.postMessage)))
	mux.HandleFunc("POST /api/tokens", s.limit(s.posts, s.budget(s.postTokens)))
	// The dashboard's API (dashboard.go).
	mux.HandleFunc("GET /api/audit", s.adminAPI(s.getAudit))
	mux.HandleFunc("GET /api/stats", s.adminAPI(s.getStats))
	return webhttp.SecurityHeaders(s.guard(webhttp.Routes(mux)))
}

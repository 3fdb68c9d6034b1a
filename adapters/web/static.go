// The pages and their embedded assets.

package web

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed static
var staticFiles embed.FS

func static() fs.FS {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic("web: embedded static files: " + err.Error())
	}
	return sub
}

// servePage serves one embedded page, never cached.
func servePage(name string) http.HandlerFunc {
	assets := static()
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFileFS(w, r, assets, name)
	}
}

// playgroundPage is the channel page; it gives a new browser its viewer
// cookie.
func (s *Server) playgroundPage(w http.ResponseWriter, r *http.Request) {
	s.viewer(w, r)
	servePage("index.html")(w, r)
}

// dashboardPage sends whoever is not admin to the login form.
func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	if !s.isAdmin(r) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	servePage("dashboard.html")(w, r)
}

// assets serves /static/: scripts, styles and images, not the pages.
func assets() http.Handler {
	fileServer := http.FileServerFS(static())
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".html") || r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			fail(w, http.StatusNotFound, "not_found", "no such asset")
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		fileServer.ServeHTTP(w, r)
	}))
}

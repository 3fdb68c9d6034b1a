package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/bot/metrics"
	"github.com/tokenbot/tokenbot/bot/tokens"
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

func (s *Server) routes() http.Handler {
	assets := static()
	page := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-store")
			http.ServeFileFS(w, r, assets, name)
		}
	}
	web := http.NewServeMux()
	web.HandleFunc("/{$}", methods(map[string]http.HandlerFunc{"GET": func(w http.ResponseWriter, r *http.Request) {
		s.viewer(w, r)
		page("index.html")(w, r)
	}}))
	web.HandleFunc("/dashboard", methods(map[string]http.HandlerFunc{"GET": func(w http.ResponseWriter, r *http.Request) {
		if !s.isAdmin(r) {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		page("dashboard.html")(w, r)
	}}))
	web.HandleFunc("/login", methods(map[string]http.HandlerFunc{"GET": page("login.html"), "POST": s.login}))
	web.HandleFunc("/logout", methods(map[string]http.HandlerFunc{"POST": s.logout}))
	fileServer := http.FileServerFS(assets)
	web.Handle("/static/", http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".html") || r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			fail(w, http.StatusNotFound, "not_found", "no such asset")
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		fileServer.ServeHTTP(w, r)
	})))
	web.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})
	web.HandleFunc("/api/session", methods(map[string]http.HandlerFunc{"GET": s.getSession}))
	web.HandleFunc("/api/messages", methods(map[string]http.HandlerFunc{"GET": s.getMessages, "POST": s.limit(s.posts, s.budget(s.postMessage))}))
	web.HandleFunc("/api/tokens", methods(map[string]http.HandlerFunc{"POST": s.limit(s.posts, s.budget(s.postTokens))}))
	web.HandleFunc("/api/audit", methods(map[string]http.HandlerFunc{"GET": s.adminAPI(s.getAudit)}))
	web.HandleFunc("/api/stats", methods(map[string]http.HandlerFunc{"GET": s.adminAPI(s.getStats)}))
	web.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusNotFound, "not_found", "no such API endpoint; see the README for the list")
	})
	web.HandleFunc("/metrics", methods(map[string]http.HandlerFunc{"GET": s.adminAPI(func(w http.ResponseWriter, r *http.Request) {
		if s.deps.Metrics == nil {
			fail(w, http.StatusNotFound, "not_found", "metrics are not enabled")
			return
		}
		s.deps.Metrics.Handler().ServeHTTP(w, r)
	})}))
	guarded := s.guard(web)

	root := http.NewServeMux()
	root.HandleFunc("/healthz", methods(map[string]http.HandlerFunc{"GET": func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}}))
	root.HandleFunc("/readyz", methods(map[string]http.HandlerFunc{"GET": s.readyz}))
	for _, p := range []string{"/{$}", "/dashboard", "/login", "/logout", "/static/", "/favicon.ico", "/api/", "/metrics"} {
		root.Handle(p, guarded)
	}
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if s.deps.Platforms != nil {
			s.deps.Platforms.ServeHTTP(w, r)
			return
		}
		fail(w, http.StatusNotFound, "not_found", "not found")
	})
	return securityHeaders(root)
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	var err error
	if s.deps.Ready != nil {
		err = s.deps.Ready(ctx)
	} else {
		err = s.deps.Store.Ping(ctx)
	}
	if err != nil {
		s.log.Warn("not ready", "err", err)
		reason := "see the server log"
		if !s.adminRequired() {
			// Loopback only: the reason helps whoever runs it locally.
			reason = err.Error()
		}
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "error": reason})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// login checks the admin token from the form and starts a session. A
// wrong token counts against the client's guesses like any other path.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.adminRequired() {
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
		AdminRequired: s.adminRequired(), Encodings: tokens.Encodings(), MaxPieces: s.router.MaxPieces,
		Models: []string{}, MaxTextBytes: MaxMessageBytes}
	if s.router.Catalog != nil {
		v.PricesAsOf = s.router.Catalog.PricesAsOf()
	}
	for _, m := range s.router.Models {
		v.Models = append(v.Models, m.ID)
	}
	writeJSON(w, http.StatusOK, v)
}

// ChannelView is a channel as one viewer sees it.
type ChannelView struct {
	Channel  string    `json:"channel"`
	Posted   string    `json:"posted,omitempty"`
	Messages []Message `json:"messages"`
}

func (s *Server) getMessages(w http.ResponseWriter, r *http.Request) {
	viewer := s.viewer(w, r)
	ch := r.URL.Query().Get("channel")
	if ch == "" {
		ch = s.cfg.Channel
	}
	if ch != s.cfg.Channel && !s.isAdmin(r) {
		// The security channel carries audit details.
		w.Header().Set("WWW-Authenticate", `Bearer realm="tokenbot"`)
		fail(w, http.StatusUnauthorized, "unauthorized", "admin token required for this channel")
		return
	}
	msgs, ok := s.chans.view(ch, viewer)
	if !ok {
		fail(w, http.StatusNotFound, "not_found", "no such channel")
		return
	}
	writeJSON(w, http.StatusOK, ChannelView{Channel: ch, Messages: msgs})
}

// PostMessage is the body of POST /api/messages.
type PostMessage struct {
	Text    string `json:"text"`
	Name    string `json:"name,omitempty"`
	Channel string `json:"channel,omitempty"`
}

// maxEchoBytes bounds the stored echo of a /tokens command.
const maxEchoBytes = 2048

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	viewer := s.viewer(w, r)
	var req PostMessage
	if !s.decode(w, r, &req) {
		return
	}
	if req.Channel != "" && req.Channel != s.cfg.Channel {
		fail(w, http.StatusNotFound, "not_found", "no such channel: post to %q", s.cfg.Channel)
		return
	}
	text := strings.ReplaceAll(req.Text, "\r\n", "\n")
	if strings.TrimSpace(text) == "" {
		fail(w, http.StatusBadRequest, "empty", "text is empty")
		return
	}
	now := time.Now().UTC()
	// Redacted before it is cut to length: a cut key is no longer found.
	name := displayName("", viewer)
	if n, found := bot.Redact(r.Context(), s.router.Scanner, req.Name); len(found) == 0 {
		name = displayName(n, viewer)
	}
	ev := bot.Event{Platform: Platform, Workspace: s.cfg.Workspace, Channel: s.cfg.Channel, ChannelName: s.cfg.Channel,
		User: viewer, UserName: name, Time: now}
	addressed, rest := addressedToBot(text)
	arg, isCommand := bot.CommandText(rest)
	// Size limits first: nothing is scanned or counted above them.
	switch {
	case isCommand && len(arg) > s.router.Counter.MaxBytes():
		fail(w, http.StatusRequestEntityTooLarge, "too_large", "text is larger than %d bytes", s.router.Counter.MaxBytes())
		return
	case !isCommand && len(text) > MaxMessageBytes:
		fail(w, http.StatusRequestEntityTooLarge, "too_large", "a chat message is limited to %d bytes; use /tokens or the tokenizer for longer texts", MaxMessageBytes)
		return
	}
	// What the page will ever see of this text: redacted from the start
	// when the scan finds anything. The core uses the same scan when it
	// handles this very text (a message not addressed to the bot, or the
	// argument of /tokens: only the argument is scanned, once, and shown
	// after the command's own words).
	shown := "…"
	scanned, before, after := text, "", ""
	if isCommand {
		if start, end := argumentAt(text, arg); start >= 0 {
			scanned, before, after = arg, text[:start], text[end:]
		}
	}
	scan, err := s.router.Scan(r.Context(), scanned)
	if err == nil {
		shown = before + scan.Redacted() + after
		ev.Scan = scan
	}
	id := s.nextID()
	msg := &stored{Message: Message{ID: id, Channel: s.cfg.Channel, Author: name, Kind: "message", Text: shown, Time: now}, user: viewer}
	if isCommand {
		// A slash command is seen by its author only, as in Slack.
		ev.Kind, ev.Command, ev.Text = bot.Command, "tokens", arg
		msg.Kind, msg.visible, msg.Text = "command", viewer, bot.Clip(shown, maxEchoBytes)
	} else {
		// Facts only: the core decides whether the bot was addressed.
		ev.MessageID, ev.Kind, ev.Text = id, bot.Message, text
		if addressed {
			ev.MentionsBot, ev.Text = true, rest
		}
	}
	if err := s.chans.add(msg); err != nil {
		fail(w, http.StatusInternalServerError, "internal", "could not store the message")
		return
	}
	if err := s.dispatch(r.Context(), ev); err != nil {
		s.log.Error("web message not fully handled", "message", id, "kind", ev.Kind, "err", err)
		fail(w, http.StatusInternalServerError, "bot_error", "the bot could not fully handle this message; see the server log")
		return
	}
	msgs, _ := s.chans.view(s.cfg.Channel, viewer)
	writeJSON(w, http.StatusCreated, ChannelView{Channel: s.cfg.Channel, Posted: id, Messages: msgs})
}

// dispatch runs one event through the core. A message others see is not
// cancelled when the client goes away: a takedown once started is finished
// and recorded, and Run waits for it on shutdown. A command (seen by its
// caller only, nothing to take down) stops with its request.
func (s *Server) dispatch(ctx context.Context, ev bot.Event) error {
	s.inflight.Add(1)
	defer s.inflight.Done()
	if ev.MessageID != "" {
		ctx = context.WithoutCancel(ctx)
	}
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return s.disp.Handle(dctx, ev)
}

// redact masks any credential in a text about to be stored or sent.
func (s *Server) redact(ctx context.Context, text string) string {
	out, _ := bot.Redact(ctx, s.router.Scanner, text)
	return out
}

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

func (s *Server) getAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := ledger.Filter{Limit: 50, Platform: q.Get("platform")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > ledger.MaxListLimit {
			fail(w, http.StatusBadRequest, "bad_request", "limit must be a number from 1 to %d", ledger.MaxListLimit)
			return
		}
		f.Limit = n
	}
	if v := q.Get("since"); v != "" {
		since, err := parseSince(v, time.Now())
		if err != nil {
			fail(w, http.StatusBadRequest, "bad_request", "since must be a duration such as 24h or 7d, or an RFC 3339 time")
			return
		}
		f.Since = since
	}
	recs, err := s.deps.Store.List(r.Context(), f)
	if err != nil {
		s.log.Error("audit list failed", "err", err)
		fail(w, http.StatusInternalServerError, "internal", "could not read the audit ledger")
		return
	}
	out := make([]ledger.Audit, 0, len(recs))
	for _, rec := range recs {
		row := rec.Audit()
		// Rows recorded before executor errors were redacted are
		// redacted here.
		row.Detail = bot.RedactError(r.Context(), s.router.Scanner, row.Detail)
		out = append(out, row)
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out})
}

// StatsView is the answer of GET /api/stats.
type StatsView struct {
	Range      string             `json:"range"`
	Since      time.Time          `json:"since"`
	Now        time.Time          `json:"now"`
	Takedowns  LedgerStats        `json:"takedowns"`
	SinceStart *metrics.Snapshot  `json:"since_start,omitempty"`
	Unanswered []metrics.Question `json:"unanswered"`
}

// LedgerStats is ledger.Stats for JSON.
type LedgerStats struct {
	Total         int            `json:"total"`
	ByOutcome     map[string]int `json:"by_outcome"`
	ByProvider    map[string]int `json:"by_provider"`
	ByPlatform    map[string]int `json:"by_platform"`
	ByChannel     []ChannelCount `json:"by_channel"`
	BucketSeconds int64          `json:"bucket_seconds"`
	Buckets       []BucketCount  `json:"buckets"`
}

// ChannelCount counts takedowns in one channel.
type ChannelCount struct {
	Platform  string `json:"platform"`
	Workspace string `json:"workspace,omitempty"`
	Channel   string `json:"channel"`
	Count     int    `json:"count"`
}

// BucketCount counts takedowns in one time bucket.
type BucketCount struct {
	Start     time.Time      `json:"start"`
	Total     int            `json:"total"`
	ByOutcome map[string]int `json:"by_outcome"`
}

func (s *Server) getStats(w http.ResponseWriter, r *http.Request) {
	rng := r.URL.Query().Get("range")
	if rng == "" {
		rng = "24h"
	}
	now := time.Now().UTC()
	since, err := parseSince(rng, now)
	if err != nil || !strings.ContainsAny(rng[len(rng)-1:], "hd") {
		fail(w, http.StatusBadRequest, "bad_request", "range must be a duration such as 24h, 7d or 30d")
		return
	}
	st, err := s.deps.Store.Stats(r.Context(), since)
	if err != nil {
		s.log.Error("audit stats failed", "err", err)
		fail(w, http.StatusInternalServerError, "internal", "could not read the audit ledger")
		return
	}
	v := StatsView{Range: rng, Since: since, Now: now, Unanswered: []metrics.Question{}, Takedowns: LedgerStats{
		Total: st.Total, ByOutcome: map[string]int{}, ByProvider: nonNil(st.ByProvider), ByPlatform: nonNil(st.ByPlatform),
		ByChannel: []ChannelCount{}, BucketSeconds: int64(st.Bucket / time.Second), Buckets: []BucketCount{}}}
	for o, n := range st.ByOutcome {
		v.Takedowns.ByOutcome[string(o)] = n
	}
	for _, c := range st.ByChannel {
		v.Takedowns.ByChannel = append(v.Takedowns.ByChannel, ChannelCount(c))
	}
	for _, b := range st.Buckets {
		bc := BucketCount{Start: b.Start.UTC(), Total: b.Total, ByOutcome: map[string]int{}}
		for o, n := range b.ByOutcome {
			bc.ByOutcome[string(o)] = n
		}
		v.Takedowns.Buckets = append(v.Takedowns.Buckets, bc)
	}
	if s.deps.Metrics != nil {
		snap := s.deps.Metrics.Snapshot()
		v.SinceStart = &snap
		v.Unanswered = s.deps.Metrics.Unanswered()
		for i := range v.Unanswered {
			v.Unanswered[i].Text = s.redact(r.Context(), v.Unanswered[i].Text)
		}
	}
	writeJSON(w, http.StatusOK, v)
}

func nonNil(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

// parseSince reads "24h", "90m", "7d" (days) or an RFC 3339 time.
func parseSince(v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if d, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 3660 {
			return time.Time{}, errors.New("bad day count")
		}
		return now.Add(-time.Duration(n) * 24 * time.Hour), nil
	}
	dur, err := time.ParseDuration(v)
	if err != nil || dur <= 0 {
		return time.Time{}, errors.New("bad duration")
	}
	return now.Add(-dur), nil
}

var addressRE = regexp.MustCompile(`(?i)^\s*@?tokenbot\b[\s,:，：]*`)

// addressedToBot reports whether text addresses the bot ("@tokenbot …",
// "tokenbot, …") and returns the text without the address.
// argumentAt returns where arg, the trimmed argument of the command that
// ends text, lies in text, or -1 when it is not there.
func argumentAt(text, arg string) (start, end int) {
	end = len(strings.TrimRightFunc(text, unicode.IsSpace))
	start = end - len(arg)
	if start < 0 || text[start:end] != arg {
		return -1, -1
	}
	return start, end
}

func addressedToBot(text string) (bool, string) {
	if loc := addressRE.FindStringIndex(text); loc != nil {
		return true, text[loc[1]:]
	}
	return false, text
}

// displayName cleans the name a viewer chose: letters, digits, spaces and
// ._- only, at most 24 characters; otherwise a name made from the viewer id.
func displayName(name, viewer string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(name) {
		if n >= 24 {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '.' || r == '_' || r == '-' {
			b.WriteRune(r)
			n++
		}
	}
	if out := strings.TrimSpace(b.String()); out != "" {
		return out
	}
	return "guest-" + strings.TrimPrefix(viewer, "w")[:4]
}

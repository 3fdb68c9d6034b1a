// Package fakeslack is a fake Slack for tests, served in the test process:
// the Web API methods tokenbot calls (auth.test, chat.*, conversations.*,
// users.info, files.*, apps.connections.open), private file downloads,
// response_url endpoints, and a Socket Mode websocket. It records every
// request it receives so that tests can assert on them, and can be told to
// fail a method (rate limits, Slack errors) a number of times.
package fakeslack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Default identities and tokens of the fake workspace.
const (
	TeamID     = "T0FAKE0001"
	BotUserID  = "U0BOT00001"
	BotID      = "B0BOT00001"
	AdminUser  = "U0ADMIN001"
	BotToken   = "xoxb-1111-2222-fakebottoken"
	AdminToken = "xoxp-1111-3333-fakeadmintoken"
	AppToken   = "xapp-1-A111-4444-fakeapptoken"
)

// Call is one request the fake received.
type Call struct {
	Method string            // API method ("chat.delete"), "file.download" or "response_url"
	Token  string            // bearer token or token form field
	Params map[string]string // form fields, or top-level JSON fields (objects as JSON)
	Body   string            // raw body
	URL    string            // request URL
}

// Failure is a scripted response to a method call.
type Failure struct {
	Status     int    // HTTP status (default 200)
	RetryAfter int    // seconds, sent as Retry-After
	Error      string // Slack error code, e.g. "cant_delete_message"
}

// User is a member of the fake workspace, as users.info describes them.
type User struct {
	ID, Name, RealName, DisplayName string
}

// File is a file the fake serves.
type File struct {
	ID, Name, Mimetype, Filetype, Mode string
	Content                            string
}

// Server is a fake Slack.
type Server struct {
	*httptest.Server
	t testing.TB

	mu          sync.Mutex
	socketURL   string // what apps.connections.open hands out; "" = the fake's own
	calls       []Call
	failures    map[string][]Failure
	holds       map[string]chan struct{} // method → closed when released
	channels    map[string]string        // id → name
	users       map[string]string        // id → name
	people      map[string]User          // users.info answers, over users
	files       map[string]File
	messages    map[string]string   // channel/ts → poster
	msgFiles    map[string][]string // channel/ts → ids of the files shared with it
	notInChan   map[string]bool     // channel/user pairs that are not members
	postedTS    int
	acks        []string
	sockets     []*websocket.Conn
	connections int
	socketCh    chan *websocket.Conn
	envelopes   int
}

// New starts a fake Slack, closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{
		t: t, failures: map[string][]Failure{}, holds: map[string]chan struct{}{},
		channels:  map[string]string{"C0GENERAL1": "general", "C0SECURITY": "security", "C0RANDOM01": "random"},
		users:     map[string]string{"U0ALICE001": "alice", "U0BOB00001": "bob", AdminUser: "admin", BotUserID: "tokenbot"},
		people:    map[string]User{},
		files:     map[string]File{},
		messages:  map[string]string{},
		msgFiles:  map[string][]string{},
		notInChan: map[string]bool{},
		socketCh:  make(chan *websocket.Conn, 8),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.api)
	mux.HandleFunc("GET /files/{id}", s.download)
	mux.HandleFunc("POST /response/{id}", s.response)
	mux.HandleFunc("GET /socket", s.socket)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(func() {
		s.mu.Lock()
		for _, c := range s.sockets {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.Server.Close()
	})
	return s
}

// APIURL is the Web API base URL to configure the adapter with.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// ResponseURL returns a response_url for a slash command.
func (s *Server) ResponseURL(id string) string { return s.URL + "/response/" + id }

// AddMessage records a message posted by user, with the ids of the files
// shared with it, so that chat.delete and conversations.replies find it.
func (s *Server) AddMessage(channel, ts, user string, files ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages[channel+"/"+ts] = user
	s.msgFiles[channel+"/"+ts] = files
}

// HasMessage reports whether a message still exists.
func (s *Server) HasMessage(channel, ts string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.messages[channel+"/"+ts]
	return ok
}

// AddFile makes a file available to files.info and download.
func (s *Server) AddFile(f File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[f.ID] = f
}

// HasFile reports whether a file still exists.
func (s *Server) HasFile(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.files[id]
	return ok
}

// AddUser adds or replaces a member, names and all.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.people[u.ID] = u
}

// NotInChannel makes user a non-member of channel (chat.postEphemeral
// fails with user_not_in_channel).
func (s *Server) NotInChannel(channel, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notInChan[channel+"/"+user] = true
}

// Fail scripts the next calls of method to fail, in order.
func (s *Server) Fail(method string, f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], f...)
}

// Hold makes calls of method wait (recorded, unanswered) until release
// is called or the caller gives up, as a Slack that stopped answering.
func (s *Server) Hold(method string) (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.holds[method] = ch
	s.mu.Unlock()
	var once sync.Once
	release = func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.holds, method)
			s.mu.Unlock()
			close(ch)
		})
	}
	s.t.Cleanup(release)
	return release
}

// Calls returns the calls of one method ("" for all), in order.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Requests returns everything the fake received, URLs and bodies, for
// searching planted secrets.
func (s *Server) Requests() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, c := range s.calls {
		fmt.Fprintf(&b, "%s %s\n%s\n", c.Method, c.URL, c.Body)
	}
	return b.String()
}

// Acks returns the envelope ids the Socket Mode client acknowledged.
func (s *Server) Acks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acks...)
}

// SetSocketURL makes apps.connections.open hand out u instead of the
// fake's own Socket Mode endpoint (Slack's carries a ticket in its query).
func (s *Server) SetSocketURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.socketURL = u
}

// Connections counts Socket Mode connections opened so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

func (s *Server) failure(method string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.failures[method]
	if len(q) == 0 {
		return Failure{}, false
	}
	s.failures[method] = q[1:]
	return q[0], true
}

func bearer(r *http.Request) string {
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	body, _ := io.ReadAll(r.Body)
	params := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		params = jsonParams(body)
	} else {
		vals, _ := url.ParseQuery(string(body))
		for k := range vals {
			params[k] = vals.Get(k)
		}
		for k := range r.URL.Query() {
			params[k] = r.URL.Query().Get(k)
		}
	}
	token := bearer(r)
	if token == "" {
		token = params["token"]
	}
	s.record(Call{Method: method, Token: token, Params: params, Body: string(body), URL: r.URL.String()})
	s.mu.Lock()
	hold := s.holds[method]
	s.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	if f, ok := s.failure(method); ok {
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		if f.Status != 0 && f.Status != http.StatusOK {
			w.WriteHeader(f.Status)
			return
		}
		writeJSON(w, map[string]any{"ok": false, "error": f.Error})
		return
	}
	if method == "apps.connections.open" {
		if token != AppToken {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		s.mu.Lock()
		u := s.socketURL
		s.mu.Unlock()
		if u == "" {
			u = "ws" + strings.TrimPrefix(s.URL, "http") + "/socket"
		}
		writeJSON(w, map[string]any{"ok": true, "url": u})
		return
	}
	if token != BotToken && token != AdminToken {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	s.mu.Lock()
	resp, status := s.method(method, token, params)
	s.mu.Unlock()
	if status != 0 {
		w.WriteHeader(status)
	}
	writeJSON(w, resp)
}

func fail(code string) map[string]any { return map[string]any{"ok": false, "error": code} }

// method answers one Web API call; s.mu is held.
func (s *Server) method(method, token string, p map[string]string) (map[string]any, int) {
	switch method {
	case "auth.test":
		if token == AdminToken {
			return map[string]any{"ok": true, "team_id": TeamID, "user_id": AdminUser, "user": "admin"}, 0
		}
		return map[string]any{"ok": true, "team_id": TeamID, "user_id": BotUserID, "bot_id": BotID, "user": "tokenbot"}, 0
	case "chat.postMessage":
		ch := p["channel"]
		if strings.HasPrefix(ch, "#") {
			for id, name := range s.channels {
				if name == ch[1:] {
					ch = id
				}
			}
		}
		if _, ok := s.channels[ch]; !ok && !strings.HasPrefix(ch, "D") {
			return fail("channel_not_found"), 0
		}
		s.postedTS++
		ts := fmt.Sprintf("1700000000.%06d", s.postedTS)
		s.messages[ch+"/"+ts] = BotUserID
		return map[string]any{"ok": true, "channel": ch, "ts": ts}, 0
	case "chat.postEphemeral":
		if s.notInChan[p["channel"]+"/"+p["user"]] {
			return fail("user_not_in_channel"), 0
		}
		return map[string]any{"ok": true, "message_ts": "1700000000.999999"}, 0
	case "chat.delete":
		key := p["channel"] + "/" + p["ts"]
		poster, ok := s.messages[key]
		if !ok {
			return fail("message_not_found"), 0
		}
		if token == BotToken && poster != BotUserID {
			return fail("cant_delete_message"), 0
		}
		delete(s.messages, key)
		return map[string]any{"ok": true, "channel": p["channel"], "ts": p["ts"]}, 0
	case "conversations.replies":
		key := p["channel"] + "/" + p["ts"]
		poster, ok := s.messages[key]
		if !ok {
			return fail("thread_not_found"), 0
		}
		files := []map[string]any{}
		for _, id := range s.msgFiles[key] {
			files = append(files, map[string]any{"id": id})
		}
		return map[string]any{"ok": true, "has_more": false, "messages": []map[string]any{
			{"type": "message", "ts": p["ts"], "user": poster, "files": files}}}, 0
	case "files.delete":
		if token != AdminToken {
			return fail("cant_delete_file"), 0
		}
		if _, ok := s.files[p["file"]]; !ok {
			return fail("file_not_found"), 0
		}
		delete(s.files, p["file"])
		return map[string]any{"ok": true}, 0
	case "conversations.open":
		return map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(p["users"], "U")}}, 0
	case "conversations.info":
		name, ok := s.channels[p["channel"]]
		if !ok {
			return fail("channel_not_found"), 0
		}
		return map[string]any{"ok": true, "channel": map[string]any{"id": p["channel"], "name": name, "is_channel": true}}, 0
	case "conversations.list":
		var chans []map[string]any
		for id, name := range s.channels {
			chans = append(chans, map[string]any{"id": id, "name": name, "is_channel": true})
		}
		return map[string]any{"ok": true, "channels": chans, "response_metadata": map[string]any{"next_cursor": ""}}, 0
	case "users.info":
		if u, ok := s.people[p["user"]]; ok {
			return map[string]any{"ok": true, "user": map[string]any{"id": u.ID, "name": u.Name, "real_name": u.RealName,
				"profile": map[string]any{"display_name": u.DisplayName, "real_name": u.RealName}}}, 0
		}
		name, ok := s.users[p["user"]]
		if !ok {
			return fail("user_not_found"), 0
		}
		return map[string]any{"ok": true, "user": map[string]any{"id": p["user"], "name": name, "real_name": strings.ToUpper(name[:1]) + name[1:],
			"profile": map[string]any{"display_name": name}}}, 0
	case "files.info":
		f, ok := s.files[p["file"]]
		if !ok {
			return fail("file_not_found"), 0
		}
		return map[string]any{"ok": true, "file": map[string]any{
			"id": f.ID, "name": f.Name, "title": f.Name, "mimetype": f.Mimetype, "filetype": f.Filetype, "mode": f.Mode,
			"size": len(f.Content), "url_private": s.URL + "/files/" + f.ID, "url_private_download": s.URL + "/files/" + f.ID + "?download=1",
		}}, 0
	}
	return fail("unknown_method"), http.StatusNotFound
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.record(Call{Method: "file.download", Token: bearer(r), URL: r.URL.String()})
	if f, ok := s.failure("file.download"); ok {
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		w.WriteHeader(max(f.Status, 400))
		return
	}
	if bearer(r) != BotToken {
		// Slack answers an unauthenticated download with its login page.
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html>sign in</html>")
		return
	}
	s.mu.Lock()
	f, ok := s.files[id]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.Mimetype)
	_, _ = io.WriteString(w, f.Content)
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	params := jsonParams(body)
	s.record(Call{Method: "response_url", Token: bearer(r), Params: params, Body: string(body), URL: r.URL.String()})
	if f, ok := s.failure("response_url"); ok {
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		w.WriteHeader(max(f.Status, 400))
		return
	}
	_, _ = io.WriteString(w, "ok")
}

// jsonParams reads a JSON object's top-level fields: strings as they are,
// anything else as its JSON.
func jsonParams(body []byte) map[string]string {
	params := map[string]string{}
	var m map[string]json.RawMessage
	_ = json.Unmarshal(body, &m)
	for k, v := range m {
		var str string
		if json.Unmarshal(v, &str) == nil {
			params[k] = str
		} else {
			params[k] = string(v)
		}
	}
	return params
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) socket(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.connections++
	s.sockets = append(s.sockets, conn)
	s.mu.Unlock()
	// Writes happen under s.mu (one writer at a time).
	s.mu.Lock()
	err = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A111"}})
	s.mu.Unlock()
	if err != nil {
		return
	}
	s.socketCh <- conn
	go func() {
		for {
			var ack struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			s.mu.Lock()
			s.acks = append(s.acks, ack.EnvelopeID)
			s.mu.Unlock()
		}
	}()
}

// Socket is the server side of one Socket Mode connection.
type Socket struct {
	s    *Server
	conn *websocket.Conn
}

// WaitSocket waits for the next Socket Mode connection.
func (s *Server) WaitSocket(timeout time.Duration) *Socket {
	s.t.Helper()
	select {
	case c := <-s.socketCh:
		return &Socket{s: s, conn: c}
	case <-time.After(timeout):
		s.t.Fatalf("no socket mode connection within %s", timeout)
		return nil
	}
}

// Send sends an envelope (type "events_api" or "slash_commands") and
// returns its envelope id.
func (k *Socket) Send(typ string, payload any, retryAttempt int) string {
	k.s.mu.Lock()
	defer k.s.mu.Unlock()
	k.s.envelopes++
	id := fmt.Sprintf("env-%04d", k.s.envelopes)
	err := k.conn.WriteJSON(map[string]any{"type": typ, "envelope_id": id, "payload": payload,
		"accepts_response_payload": typ != "events_api", "retry_attempt": retryAttempt, "retry_reason": retryReason(retryAttempt)})
	if err != nil {
		k.s.t.Errorf("socket send: %v", err)
	}
	return id
}

func retryReason(n int) string {
	if n > 0 {
		return "timeout"
	}
	return ""
}

// Disconnect asks the client to reconnect, as Slack does before it
// rotates a connection, then drops the connection.
func (k *Socket) Disconnect() {
	k.s.mu.Lock()
	_ = k.conn.WriteJSON(map[string]any{"type": "disconnect", "reason": "refresh_requested"})
	k.s.mu.Unlock()
	time.Sleep(10 * time.Millisecond)
	_ = k.conn.Close()
}

// Drop closes the connection abruptly.
func (k *Socket) Drop() { _ = k.conn.Close() }

// Sign returns the X-Slack-Request-Timestamp and X-Slack-Signature headers
// Slack would send with body.
func Sign(secret string, ts time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", timestamp)
	mac.Write(body)
	return timestamp, "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignRequest sets the signature headers Slack would send with body at ts.
func SignRequest(req *http.Request, secret string, ts time.Time, body []byte) {
	stamp, sig := Sign(secret, ts, body)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", sig)
}

// Package discordtest is a fake Discord for tests: the REST API routes a
// bot uses, served over httptest, and a gateway websocket that speaks the
// real protocol (HELLO, IDENTIFY, READY, heartbeats, RESUME, dispatches).
// Every request and gateway frame it receives is recorded, so that tests
// can assert on what a bot sent, and faults (errors, 429s, dropped
// connections) can be injected.
package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Fixed identities of the fake.
const (
	Token   = "fake-bot-token"
	AppID   = "100000000000000001"
	BotID   = "100000000000000002"
	BotName = "tokenbot"
	// APIPrefix is where the REST API is served; APIURL() includes it.
	APIPrefix = "/api/v9"
)

// Application flags telling that the message content intent is enabled.
const (
	FlagGatewayMessageContent        = 1 << 19
	FlagGatewayMessageContentLimited = 1 << 18
)

// Request is one HTTP request the fake received.
type Request struct {
	Method string
	Path   string // without APIPrefix
	Header http.Header
	Body   string
}

// Frame is one gateway frame the fake received from the bot.
type Frame struct {
	Op   int             `json:"op"`
	D    json.RawMessage `json:"d"`
	Seq  *int64          `json:"s,omitempty"`
	Type string          `json:"t,omitempty"`
}

// Fault answers the next Times requests matching Method and Path (a
// regular expression on the path without APIPrefix) with an error.
type Fault struct {
	Method string
	Path   string
	Times  int
	Status int
	// Code is Discord's JSON error code (50013, 10008…); for Status 429,
	// RetryAfter is sent instead.
	Code       int
	Message    string
	RetryAfter time.Duration
	re         *regexp.Regexp
}

// Channel is a guild channel the fake knows.
type Channel struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	GuildID string `json:"guild_id,omitempty"`
	Type    int    `json:"type"`
}

// Sent is a message the bot posted through REST (channel message, DM,
// interaction response or follow-up).
type Sent struct {
	Via       string // "channel", "callback", "original", "followup"
	ChannelID string
	Content   string
	Flags     int
	Type      int // interaction callback type
	Reference string
	Raw       map[string]any
}

// AutoModRule is a stored auto-moderation rule.
type AutoModRule struct {
	ID              string         `json:"id"`
	GuildID         string         `json:"guild_id"`
	Name            string         `json:"name"`
	CreatorID       string         `json:"creator_id"`
	EventType       int            `json:"event_type"`
	TriggerType     int            `json:"trigger_type"`
	TriggerMetadata map[string]any `json:"trigger_metadata"`
	Actions         []any          `json:"actions"`
	Enabled         bool           `json:"enabled"`
}

// Server is a fake Discord.
type Server struct {
	HTTP *httptest.Server
	// HeartbeatInterval is sent in HELLO (default 200ms).
	HeartbeatInterval time.Duration

	mu          sync.Mutex
	flags       int
	requests    []Request
	frames      []Frame
	faults      []*Fault
	messages    map[string]string // message id → channel id, existing messages
	deleted     []string
	sent        []Sent
	attachments map[string]string
	channels    map[string][]Channel // guild → channels
	closedDMs   map[string]bool
	commands    map[string][]map[string]any // scope ("global" or guild) → commands
	rules       map[string][]*AutoModRule
	guilds      []string
	identifies  int
	resumes     int
	heartbeats  int
	nextID      atomic.Int64
	hold        chan struct{} // closed to release held deletions
	deleting    int           // deletions being answered now
	maxDeleting int

	// gateway state
	sessionID string
	seq       int64
	sent0     []json.RawMessage // every dispatch, index seq-1
	written   map[string]int    // dispatches written to the bot, by type (replays included)
	conn      *websocket.Conn
	connWMu   sync.Mutex
	ready     chan struct{}
	connected chan struct{}
}

// New starts a fake Discord; it stops when the test ends (call Close).
func New(guilds ...string) *Server {
	s := &Server{
		HeartbeatInterval: 200 * time.Millisecond,
		flags:             FlagGatewayMessageContentLimited,
		messages:          map[string]string{},
		attachments:       map[string]string{},
		channels:          map[string][]Channel{},
		closedDMs:         map[string]bool{},
		commands:          map[string][]map[string]any{},
		rules:             map[string][]*AutoModRule{},
		guilds:            guilds,
		sessionID:         "fake-session-1",
		connected:         make(chan struct{}),
	}
	s.nextID.Store(900000000000000000)
	s.HTTP = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops the server and closes the gateway connection.
func (s *Server) Close() {
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c != nil {
		c.Close()
	}
	s.HTTP.CloseClientConnections()
	s.HTTP.Close()
}

// APIURL is the REST base URL to give the bot (DISCORD_API_URL).
func (s *Server) APIURL() string { return s.HTTP.URL + APIPrefix }

// SetAppFlags sets the application flags (GET /applications/@me, READY).
func (s *Server) SetAppFlags(f int) {
	s.mu.Lock()
	s.flags = f
	s.mu.Unlock()
}

// AddChannel makes a guild channel known (GET /guilds/{id}/channels).
func (s *Server) AddChannel(guild, id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[guild] = append(s.channels[guild], Channel{ID: id, Name: name, GuildID: guild})
}

// CloseDMs makes messages to the user's DM channel fail with 50007.
func (s *Server) CloseDMs(user string) {
	s.mu.Lock()
	s.closedDMs["dm-"+user] = true
	s.mu.Unlock()
}

// AddAttachment serves content and returns its URL.
func (s *Server) AddAttachment(name, content string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attachments[name] = content
	return s.HTTP.URL + "/attachments/" + url.PathEscape(name)
}

// AddRule stores a rule as if another bot or a moderator had created it.
func (s *Server) AddRule(guild string, r AutoModRule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.ID = s.id()
	r.GuildID = guild
	s.rules[guild] = append(s.rules[guild], &r)
}

// Inject queues a fault.
func (s *Server) Inject(f Fault) {
	f.re = regexp.MustCompile("^" + f.Path + "$")
	if f.Times == 0 {
		f.Times = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &f)
	s.mu.Unlock()
}

// HoldDeletes makes message deletions wait, unanswered, until release is
// called (once), so that a test can count how many a bot has under way
// at the same time (Deleting).
func (s *Server) HoldDeletes() (release func()) {
	hold := make(chan struct{})
	s.mu.Lock()
	s.hold = hold
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.hold = nil
		s.mu.Unlock()
		close(hold)
	}
}

// Deleting reports how many message deletions are under way now and the
// most that were under way at once.
func (s *Server) Deleting() (now, most int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleting, s.maxDeleting
}

// Requests returns every REST request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Frames returns every gateway frame the bot sent.
func (s *Server) Frames() []Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Frame(nil), s.frames...)
}

// Deleted returns the ids of deleted messages, in order.
func (s *Server) Deleted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.deleted...)
}

// Sent returns the messages the bot posted.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Commands returns the application commands registered in scope
// ("global" or a guild id).
func (s *Server) Commands(scope string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands[scope]
}

// Rules returns a guild's auto-moderation rules.
func (s *Server) Rules(guild string) []AutoModRule {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AutoModRule, len(s.rules[guild]))
	for i, r := range s.rules[guild] {
		out[i] = *r
	}
	return out
}

// Counts returns how many IDENTIFY, RESUME and heartbeat frames arrived.
func (s *Server) Counts() (identifies, resumes, heartbeats int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identifies, s.resumes, s.heartbeats
}

// Connected is closed once the bot has identified or resumed on the
// current connection.
func (s *Server) Connected() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

func (s *Server) id() string { return strconv.FormatInt(s.nextID.Add(1), 10) }

// NewID returns a fresh snowflake.
func (s *Server) NewID() string { return s.id() }

// ---- gateway ----

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) gateway(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.conn = c
	s.mu.Unlock()
	s.write(c, map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": s.HeartbeatInterval.Milliseconds()}})
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			s.mu.Lock()
			if s.conn == c {
				s.conn = nil
			}
			s.mu.Unlock()
			return
		}
		var f Frame
		if json.Unmarshal(data, &f) != nil {
			continue
		}
		s.mu.Lock()
		s.frames = append(s.frames, f)
		s.mu.Unlock()
		switch f.Op {
		case 1:
			s.mu.Lock()
			s.heartbeats++
			s.mu.Unlock()
			s.write(c, map[string]any{"op": 11})
		case 2:
			s.identify(c)
		case 6:
			s.resume(c, f.D)
		}
	}
}

func (s *Server) identify(c *websocket.Conn) {
	s.mu.Lock()
	s.identifies++
	s.sessionID = fmt.Sprintf("fake-session-%d", s.identifies)
	guilds := make([]map[string]any, len(s.guilds))
	for i, g := range s.guilds {
		guilds[i] = map[string]any{"id": g, "unavailable": true}
	}
	ready := map[string]any{"v": 9, "session_id": s.sessionID, "resume_gateway_url": s.wsURL(),
		"user":        map[string]any{"id": BotID, "username": BotName, "bot": true},
		"application": map[string]any{"id": AppID, "flags": s.flags},
		"guilds":      guilds}
	s.mu.Unlock()
	s.dispatch(c, "READY", ready, false)
	for _, g := range s.guilds {
		s.mu.Lock()
		chans := append([]Channel(nil), s.channels[g]...)
		s.mu.Unlock()
		s.dispatch(c, "GUILD_CREATE", map[string]any{"id": g, "name": "guild " + g, "channels": chans}, false)
	}
	s.markConnected()
}

func (s *Server) resume(c *websocket.Conn, d json.RawMessage) {
	var p struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	_ = json.Unmarshal(d, &p)
	s.mu.Lock()
	s.resumes++
	ok := p.SessionID == s.sessionID && p.Token == "Bot "+Token
	var replay []json.RawMessage
	if ok && p.Seq >= 0 && p.Seq <= s.seq {
		replay = append(replay, s.sent0[p.Seq:]...)
	}
	s.mu.Unlock()
	if !ok {
		s.write(c, map[string]any{"op": 9, "d": false})
		return
	}
	for _, m := range replay {
		s.writeRaw(c, m)
	}
	s.dispatch(c, "RESUMED", map[string]any{}, false)
	s.markConnected()
}

func (s *Server) markConnected() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.connected:
	default:
		close(s.connected)
	}
}

// dispatch sends an op 0 event; replayable events get a sequence number
// and are replayed on RESUME.
func (s *Server) dispatch(c *websocket.Conn, typ string, d any, replayable bool) {
	s.mu.Lock()
	s.seq++
	msg, _ := json.Marshal(map[string]any{"op": 0, "s": s.seq, "t": typ, "d": d})
	s.sent0 = append(s.sent0, msg)
	if !replayable {
		// Handshake events are not replayed: store a heartbeat ACK in
		// their place, which a client ignores.
		s.sent0[len(s.sent0)-1] = json.RawMessage(`{"op":11}`)
	}
	s.mu.Unlock()
	if c != nil {
		s.writeRaw(c, msg)
	}
}

// Written counts the dispatches of the given types written to the bot's
// connection, replays included: the events it is to handle.
func (s *Server) Written(types ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range types {
		n += s.written[t]
	}
	return n
}

// Dispatch sends an event to the bot (MESSAGE_CREATE…). When the bot is
// not connected, the event waits for its RESUME.
func (s *Server) Dispatch(typ string, d any) {
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	s.dispatch(c, typ, d, true)
}

// Drop closes the gateway connection abruptly, as a network failure would;
// the bot is expected to reconnect and RESUME.
func (s *Server) Drop() {
	s.mu.Lock()
	c := s.conn
	s.conn = nil
	s.connected = make(chan struct{})
	s.mu.Unlock()
	if c != nil {
		c.UnderlyingConn().Close()
	}
}

func (s *Server) write(c *websocket.Conn, v any) {
	b, _ := json.Marshal(v)
	s.writeRaw(c, b)
}

func (s *Server) writeRaw(c *websocket.Conn, b []byte) {
	var f struct {
		Op int    `json:"op"`
		T  string `json:"t"`
	}
	if json.Unmarshal(b, &f) == nil && f.Op == 0 {
		s.mu.Lock()
		if s.written == nil {
			s.written = map[string]int{}
		}
		s.written[f.T]++
		s.mu.Unlock()
	}
	s.connWMu.Lock()
	defer s.connWMu.Unlock()
	_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_ = c.WriteMessage(websocket.TextMessage, b)
}

func (s *Server) wsURL() string { return "ws" + strings.TrimPrefix(s.HTTP.URL, "http") + "/gateway-ws" }

// ---- events ----

// User is a message author.
type User struct {
	ID         string `json:"id"`
	Username   string `json:"username"`
	GlobalName string `json:"global_name,omitempty"`
	Bot        bool   `json:"bot,omitempty"`
}

// Attachment is a message attachment.
type Attachment struct {
	ID       string `json:"id"`
	Filename string `json:"filename"`
	Size     int    `json:"size"`
	URL      string `json:"url"`
}

// Message builds a MESSAGE_CREATE payload and registers the message as
// existing (so that it can be deleted once).
func (s *Server) Message(guild, channel string, author User, content string, atts ...Attachment) map[string]any {
	id := s.id()
	s.mu.Lock()
	s.messages[id] = channel
	s.mu.Unlock()
	m := map[string]any{"id": id, "channel_id": channel, "author": author, "content": content, "type": 0,
		"timestamp": time.Now().UTC().Format(time.RFC3339Nano), "attachments": atts, "mentions": mentions(content)}
	if guild != "" {
		m["guild_id"] = guild
	}
	return m
}

// Edit builds a MESSAGE_UPDATE payload for msg with new content.
func (s *Server) Edit(msg map[string]any, content string, at time.Time) map[string]any {
	m := map[string]any{}
	for k, v := range msg {
		m[k] = v
	}
	m["content"] = content
	m["edited_timestamp"] = at.UTC().Format(time.RFC3339Nano)
	m["mentions"] = mentions(content)
	return m
}

func mentions(content string) []User {
	if strings.Contains(content, "<@"+BotID+">") || strings.Contains(content, "<@!"+BotID+">") {
		return []User{{ID: BotID, Username: BotName, Bot: true}}
	}
	return []User{}
}

// Interaction builds an INTERACTION_CREATE payload for /tokens.
func (s *Server) Interaction(guild, channel string, user User, options map[string]string) map[string]any {
	var opts []map[string]any
	for _, k := range []string{"text", "model"} {
		if v, ok := options[k]; ok {
			opts = append(opts, map[string]any{"name": k, "type": 3, "value": v})
		}
	}
	id := s.id()
	return map[string]any{"id": id, "application_id": AppID, "type": 2, "token": "itoken-" + id,
		"guild_id": guild, "channel_id": channel, "member": map[string]any{"user": user},
		"data": map[string]any{"id": "cmd-tokens", "name": "tokens", "type": 1, "options": opts}}
}

// ---- REST ----

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.TrimSuffix(r.URL.Path, "/") == "/gateway-ws" {
		s.gateway(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if name, ok := strings.CutPrefix(r.URL.Path, "/attachments/"); ok {
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()})
		content, found := s.attachments[name]
		s.mu.Unlock()
		if !found {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, content)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, APIPrefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: path, Header: r.Header.Clone(), Body: string(body)})
	var fault *Fault
	for _, f := range s.faults {
		if f.Times > 0 && (f.Method == "" || f.Method == r.Method) && f.re.MatchString(path) {
			f.Times--
			fault = f
			break
		}
	}
	s.mu.Unlock()
	// Interaction callbacks and webhooks authenticate with their token.
	if r.Header.Get("Authorization") != "Bot "+Token && !strings.HasPrefix(path, "/interactions/") && !strings.HasPrefix(path, "/webhooks/") {
		apiError(w, 401, 0, "401: Unauthorized")
		return
	}
	if fault != nil {
		if fault.Status == 429 {
			w.Header().Set("Retry-After", strconv.Itoa(int(fault.RetryAfter.Seconds()+0.999)))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(429)
			json.NewEncoder(w).Encode(map[string]any{"message": "You are being rate limited.",
				"retry_after": fault.RetryAfter.Seconds(), "global": false})
			return
		}
		apiError(w, fault.Status, fault.Code, fault.Message)
		return
	}
	s.route(w, r.Method, path, body)
}

func apiError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

var (
	reMessage  = regexp.MustCompile(`^/channels/([^/]+)/messages/([^/]+)$`)
	reMessages = regexp.MustCompile(`^/channels/([^/]+)/messages$`)
	reCallback = regexp.MustCompile(`^/interactions/([^/]+)/([^/]+)/callback$`)
	reOriginal = regexp.MustCompile(`^/webhooks/([^/]+)/([^/]+)/messages/@original$`)
	reFollowup = regexp.MustCompile(`^/webhooks/([^/]+)/([^/]+)$`)
	reCommands = regexp.MustCompile(`^/applications/([^/]+)(?:/guilds/([^/]+))?/commands$`)
	reRules    = regexp.MustCompile(`^/guilds/([^/]+)/auto-moderation/rules(?:/([^/]+))?$`)
	reChannels = regexp.MustCompile(`^/guilds/([^/]+)/channels$`)
)

func (s *Server) route(w http.ResponseWriter, method, path string, body []byte) {
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	ws := "ws" + strings.TrimPrefix(s.HTTP.URL, "http") + "/gateway-ws"
	switch {
	case method == "GET" && path == "/gateway":
		writeJSON(w, 200, map[string]any{"url": ws})
	case method == "GET" && path == "/gateway/bot":
		writeJSON(w, 200, map[string]any{"url": ws, "shards": 1,
			"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})
	case method == "GET" && path == "/applications/@me":
		s.mu.Lock()
		f := s.flags
		s.mu.Unlock()
		writeJSON(w, 200, map[string]any{"id": AppID, "name": BotName, "flags": f, "bot": map[string]any{"id": BotID}})
	case method == "GET" && path == "/users/@me":
		writeJSON(w, 200, map[string]any{"id": BotID, "username": BotName, "bot": true})
	case method == "POST" && path == "/users/@me/channels":
		writeJSON(w, 200, map[string]any{"id": fmt.Sprint("dm-", in["recipient_id"]), "type": 1})
	case reMessage.MatchString(path) && method == "DELETE":
		m := reMessage.FindStringSubmatch(path)
		s.mu.Lock()
		s.deleting++
		s.maxDeleting = max(s.maxDeleting, s.deleting)
		hold := s.hold
		s.mu.Unlock()
		if hold != nil {
			<-hold
		}
		s.mu.Lock()
		s.deleting--
		ch, ok := s.messages[m[2]]
		if ok && ch == m[1] {
			delete(s.messages, m[2])
			s.deleted = append(s.deleted, m[2])
		}
		s.mu.Unlock()
		if !ok {
			apiError(w, 404, 10008, "Unknown Message")
			return
		}
		w.WriteHeader(204)
	case reMessages.MatchString(path) && method == "POST":
		ch := reMessages.FindStringSubmatch(path)[1]
		s.mu.Lock()
		closed := s.closedDMs[ch]
		s.mu.Unlock()
		if closed {
			apiError(w, 403, 50007, "Cannot send messages to this user")
			return
		}
		ref := ""
		if mr, ok := in["message_reference"].(map[string]any); ok {
			ref, _ = mr["message_id"].(string)
		}
		id := s.record(Sent{Via: "channel", ChannelID: ch, Content: str(in["content"]), Flags: num(in["flags"]), Reference: ref, Raw: in})
		writeJSON(w, 200, map[string]any{"id": id, "channel_id": ch, "content": in["content"],
			"author": map[string]any{"id": BotID, "username": BotName, "bot": true}})
	case reCallback.MatchString(path) && method == "POST":
		d, _ := in["data"].(map[string]any)
		s.record(Sent{Via: "callback", Content: str(d["content"]), Flags: num(d["flags"]), Type: num(in["type"]), Raw: in})
		w.WriteHeader(204)
	case reOriginal.MatchString(path) && method == "PATCH":
		id := s.record(Sent{Via: "original", Content: str(in["content"]), Flags: num(in["flags"]), Raw: in})
		writeJSON(w, 200, map[string]any{"id": id, "content": in["content"]})
	case reFollowup.MatchString(path) && method == "POST":
		id := s.record(Sent{Via: "followup", Content: str(in["content"]), Flags: num(in["flags"]), Raw: in})
		writeJSON(w, 200, map[string]any{"id": id, "content": in["content"]})
	case reCommands.MatchString(path) && method == "PUT":
		m := reCommands.FindStringSubmatch(path)
		scope := "global"
		if m[2] != "" {
			scope = m[2]
		}
		var cmds []map[string]any
		if err := json.Unmarshal(body, &cmds); err != nil {
			apiError(w, 400, 50035, "Invalid Form Body")
			return
		}
		for _, c := range cmds {
			c["id"] = s.id()
			c["application_id"] = m[1]
		}
		s.mu.Lock()
		s.commands[scope] = cmds
		s.mu.Unlock()
		writeJSON(w, 200, cmds)
	case reChannels.MatchString(path) && method == "GET":
		g := reChannels.FindStringSubmatch(path)[1]
		s.mu.Lock()
		chans := append([]Channel{}, s.channels[g]...)
		s.mu.Unlock()
		writeJSON(w, 200, chans)
	case reRules.MatchString(path):
		s.rulesRoute(w, method, reRules.FindStringSubmatch(path), body)
	default:
		apiError(w, 404, 0, "404: Not Found")
	}
}

func (s *Server) record(m Sent) string {
	id := s.id()
	s.mu.Lock()
	s.sent = append(s.sent, m)
	s.mu.Unlock()
	return id
}

// Discord's limits on keyword rules.
const (
	MaxKeywordRules     = 6
	MaxRegexPatterns    = 10
	MaxRegexPatternSize = 260
)

func (s *Server) rulesRoute(w http.ResponseWriter, method string, m []string, body []byte) {
	guild, id := m[1], m[2]
	var in AutoModRule
	if method != "GET" {
		if err := json.Unmarshal(body, &in); err != nil {
			apiError(w, 400, 50035, "Invalid Form Body")
			return
		}
		if msg := validRule(in); msg != "" {
			apiError(w, 400, 50035, "Invalid Form Body: "+msg)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rules := s.rules[guild]
	switch {
	case method == "GET" && id == "":
		out := rules
		if out == nil {
			out = []*AutoModRule{}
		}
		writeJSON(w, 200, out)
	case method == "POST" && id == "":
		n := 0
		for _, r := range rules {
			if r.TriggerType == 1 {
				n++
			}
		}
		if in.TriggerType == 1 && n >= MaxKeywordRules {
			apiError(w, 400, 30035, "Maximum number of rules of this type reached")
			return
		}
		in.ID, in.GuildID, in.CreatorID = s.id(), guild, BotID
		s.rules[guild] = append(rules, &in)
		writeJSON(w, 200, in)
	case method == "PATCH" && id != "":
		for _, r := range rules {
			if r.ID == id {
				if in.Name != "" {
					r.Name = in.Name
				}
				if in.TriggerMetadata != nil {
					r.TriggerMetadata = in.TriggerMetadata
				}
				if in.Actions != nil {
					r.Actions = in.Actions
				}
				r.Enabled = in.Enabled
				writeJSON(w, 200, r)
				return
			}
		}
		apiError(w, 404, 10066, "Unknown Auto Moderation Rule")
	default:
		apiError(w, 405, 0, "405: Method Not Allowed")
	}
}

func validRule(r AutoModRule) string {
	if r.TriggerType != 1 {
		return ""
	}
	pats, _ := r.TriggerMetadata["regex_patterns"].([]any)
	if len(pats) > MaxRegexPatterns {
		return "too many regex patterns"
	}
	for _, p := range pats {
		if len(str(p)) > MaxRegexPatternSize {
			return "regex pattern too long"
		}
	}
	return ""
}

func str(v any) string { s, _ := v.(string); return s }

func num(v any) int { f, _ := v.(float64); return int(f) }

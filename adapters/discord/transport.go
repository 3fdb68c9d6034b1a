package discord

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// rewriter sends requests for Discord's REST API to another base URL
// (a proxy or a test server). discordgo builds its endpoint URLs from
// package variables set at init, so the rewrite happens in the transport.
type rewriter struct {
	from string   // discordgo.EndpointAPI, e.g. "https://discord.com/api/v9/"
	to   *url.URL // the configured base, e.g. "http://127.0.0.1:4000/api/v9"
	next http.RoundTripper
}

func newRewriter(base string, next http.RoundTripper) (*rewriter, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("DISCORD_API_URL %q: want an http(s) URL such as https://proxy.example/api/v9", base)
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return &rewriter{from: discordgo.EndpointAPI, to: u, next: next}, nil
}

func (rw *rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	full := req.URL.String()
	rest, ok := strings.CutPrefix(full, rw.from)
	if !ok {
		return rw.next.RoundTrip(req)
	}
	target, err := url.Parse(rw.to.String() + "/" + rest)
	if err != nil {
		return nil, fmt.Errorf("rewrite discord url: %w", err)
	}
	r := req.Clone(req.Context())
	r.URL = target
	r.Host = target.Host
	return rw.next.RoundTrip(r)
}

package slack

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/tokenbot/tokenbot/bot"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvBotToken      = "SLACK_BOT_TOKEN"
	EnvAppToken      = "SLACK_APP_TOKEN"
	EnvSigningSecret = "SLACK_SIGNING_SECRET"
	EnvAdminToken    = "SLACK_ADMIN_TOKEN"
	EnvAPIURL        = "SLACK_API_URL"
)

// Defaults.
const (
	DefaultAPIURL       = "https://slack.com/api/"
	DefaultMaxFileBytes = bot.DefaultMaxFileBytes // the core's one size limit
	// DefaultMaxBodyBytes caps an HTTP request from Slack. Events and
	// slash commands are a few kilobytes; Slack's own limit on a message
	// is 40,000 characters.
	DefaultMaxBodyBytes = 1 << 20
)

// Config holds everything the adapter needs. Tokens come from the
// environment (see ConfigFromEnv) and are never logged.
type Config struct {
	// BotToken (xoxb-) calls the Web API as the bot. Required.
	BotToken string
	// AppToken (xapp-, scope connections:write) enables Socket Mode.
	AppToken string
	// SigningSecret enables the HTTP endpoints /slack/events and
	// /slack/commands.
	SigningSecret string
	// AdminToken (xoxp-) is the user token of a workspace Owner or Admin
	// with chat:write, used to delete other people's messages. Without
	// it, takedowns are escalated: a bot token can delete only the bot's
	// own messages.
	AdminToken string
	// APIURL is the Web API base URL (default https://slack.com/api/).
	APIURL string
	// MaxFileBytes caps a shared text file or snippet that is scanned
	// (config slack.max_file_bytes; default 256 KiB).
	MaxFileBytes int
	// MaxBodyBytes caps an HTTP request body (default 1 MiB); a larger
	// request gets 413.
	MaxBodyBytes int64
	// HTTPClient makes every outgoing request (default: a client with a
	// 30 s timeout).
	HTTPClient *http.Client
}

// ConfigFromEnv reads the Slack variables. enabled is false when
// SLACK_BOT_TOKEN is not set. An error names the malformed variable,
// never its value.
func ConfigFromEnv(getenv func(string) string) (cfg Config, enabled bool, err error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	cfg = Config{
		BotToken:      get(EnvBotToken),
		AppToken:      get(EnvAppToken),
		SigningSecret: get(EnvSigningSecret),
		AdminToken:    get(EnvAdminToken),
		APIURL:        get(EnvAPIURL),
	}
	if cfg.BotToken == "" {
		for _, k := range []string{EnvAppToken, EnvSigningSecret, EnvAdminToken} {
			if get(k) != "" {
				return Config{}, false, fmt.Errorf("%s is set but %s is not: the Slack adapter needs the bot token", k, EnvBotToken)
			}
		}
		return Config{}, false, nil
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, true, err
	}
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return Config{}, true, fmt.Errorf("set %s (Socket Mode) or %s (HTTP events): with neither, Slack cannot reach the bot", EnvAppToken, EnvSigningSecret)
	}
	return cfg, true, nil
}

// Validate checks the token prefixes and the API URL. Errors name the
// environment variable, never its value.
func (c Config) Validate() error {
	checks := []struct {
		name, val, prefix, what string
		required                bool
	}{
		{EnvBotToken, c.BotToken, "xoxb-", "a bot token", true},
		{EnvAppToken, c.AppToken, "xapp-", "an app-level token (Socket Mode)", false},
		{EnvAdminToken, c.AdminToken, "xoxp-", "a user token of a workspace Owner or Admin", false},
	}
	for _, k := range checks {
		if k.val == "" {
			if k.required {
				return fmt.Errorf("%s is not set", k.name)
			}
			continue
		}
		if !strings.HasPrefix(k.val, k.prefix) || len(k.val) <= len(k.prefix) || strings.ContainsAny(k.val, " \t\r\n") {
			return fmt.Errorf("%s is malformed: expected %s starting with %q", k.name, k.what, k.prefix)
		}
	}
	if c.SigningSecret != "" && (len(c.SigningSecret) < 16 || strings.ContainsAny(c.SigningSecret, " \t\r\n")) {
		return fmt.Errorf("%s is malformed: expected the app's signing secret (Basic Information page)", EnvSigningSecret)
	}
	if c.APIURL != "" && !strings.HasPrefix(c.APIURL, "https://") && !strings.HasPrefix(c.APIURL, "http://") {
		return fmt.Errorf("%s is malformed: expected an http(s) URL", EnvAPIURL)
	}
	if c.MaxFileBytes < 0 {
		return fmt.Errorf("slack.max_file_bytes must not be negative, got %s", strconv.Itoa(c.MaxFileBytes))
	}
	if c.MaxBodyBytes < 0 {
		return fmt.Errorf("slack max body bytes must not be negative, got %d", c.MaxBodyBytes)
	}
	return nil
}

func (c Config) apiURL() string {
	u := c.APIURL
	if u == "" {
		u = DefaultAPIURL
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

package main

import (
	"context"
	"log/slog"
	"strings"

	"github.com/tokenbot/tokenbot/adapters/terminal"
	"github.com/tokenbot/tokenbot/bot/config"
)

func runChat(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags(e, "chat", "",
		"Chats with the bot in the terminal: each line is a message in a pretend channel. Questions are\n"+
			"answered, /tokens <text> counts tokens, and a message holding a key is taken down.\n"+
			"End a line with \\ to continue the message on the next line.")
	cfg, err := parseConfig(e, fs, cfgPath, args)
	if err != nil {
		return err
	}
	return chat(ctx, e, cfg)
}

func chat(ctx context.Context, e *env, cfg *config.Config) error {
	c, err := newCore(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	// The encoders load while the first line is typed.
	go c.counter.Warm(ctx)
	term := &terminal.Chat{In: e.stdin, Out: e.stdout, Lang: localeLang(e.getenv)}
	d := c.dispatcher(newLogger(e, slog.LevelWarn), term)
	return term.Run(ctx, d.Handle)
}

// localeLang is the language of the terminal's locale (LC_ALL, then
// LC_MESSAGES, then LANG, as POSIX orders them): "zh" for a Chinese
// locale (zh_CN.UTF-8), else "en".
func localeLang(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "zh") {
				return "zh"
			}
			return "en"
		}
	}
	return "en"
}

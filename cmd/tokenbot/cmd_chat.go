package main

import (
	"context"
	"log/slog"

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
	term := &terminal.Chat{In: e.stdin, Out: e.stdout}
	d := c.dispatcher(newLogger(e, slog.LevelWarn), term)
	return term.Run(ctx, d.Handle)
}

package main

import (
	"context"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags(e, "serve", "",
		"Runs every platform whose environment variables are set. With none set, starts the terminal chat.")
	addr := fs.String("addr", "", "listen `address` for the web server (default: serve.addr, env TOKENBOT_ADDR)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Serve.Addr = *addr
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	return chat(ctx, e, cfg)
}

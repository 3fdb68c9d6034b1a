package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/tokenbot/tokenbot/adapters/discord"
	"github.com/tokenbot/tokenbot/adapters/slack"
	"github.com/tokenbot/tokenbot/adapters/web"
	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/config"
	"github.com/tokenbot/tokenbot/bot/metrics"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags(e, "serve", "",
		"Runs every platform whose environment variables are set (Slack: SLACK_BOT_TOKEN with\n"+
			"SLACK_APP_TOKEN or SLACK_SIGNING_SECRET; Discord: DISCORD_BOT_TOKEN), and serves the web\n"+
			"playground, dashboard, /healthz, /readyz and /metrics. With no platform set, only the\n"+
			"playground runs: open the URL it prints.")
	addr := fs.String("addr", "", "listen `address` of the web server (default: serve.addr, env TOKENBOT_ADDR)")
	cfg, err := parseConfig(e, fs, cfgPath, args)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Serve.Addr = *addr
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	// The platforms' variables are checked before anything slow is built.
	scfg, slackOn, err := slack.ConfigFromEnv(e.getenv)
	if err != nil {
		return err
	}
	dcfg, discordOn, err := discord.ConfigFromEnv(e.getenv)
	if err != nil {
		return err
	}
	log := newLogger(e, slog.LevelInfo)
	c, err := newCore(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	// The encoders are loaded before any port listens or any platform
	// connects: the first /tokens does not pay for it, and /readyz is true
	// from the first request.
	c.counter.Warm(ctx)
	if ctx.Err() != nil {
		return nil
	}
	sc, _ := c.router.Scanner.(metrics.ScanFailures)
	obs := metrics.New(metrics.Options{Scanner: sc})
	dispatcher := func(exec bot.Executor) *bot.Dispatcher {
		d := c.dispatcher(log, exec)
		d.Observer = obs
		return d
	}

	var (
		runs     []func(context.Context) error
		resumes  = map[string]*bot.Dispatcher{}
		intakes  []*bot.Intake
		finish   []func(context.Context) error
		webhooks = map[string]http.Handler{}
	)
	intake := func(d *bot.Dispatcher) *bot.Intake {
		in := bot.NewIntake(d, c.store, log, cfg.Takedowns.Workers, cfg.Takedowns.Queue)
		intakes = append(intakes, in)
		return in
	}

	if slackOn {
		scfg.MaxFileBytes = cfg.Slack.MaxFileBytes
		sa, err := slack.New(scfg, log)
		if err != nil {
			return err
		}
		if err := sa.Check(ctx); err != nil {
			return fmt.Errorf("slack: %w", err)
		}
		d := dispatcher(sa)
		in := intake(d)
		if scfg.AppToken != "" {
			runs = append(runs, func(ctx context.Context) error { return sa.RunSocketModeIntake(ctx, in) })
		}
		if scfg.SigningSecret != "" {
			webhooks["/slack/"] = sa.IntakeHandler(in)
		}
		resumes[slack.Platform] = d
		finish = append(finish, d.Wait)
		log.Info("slack enabled", "socket_mode", scfg.AppToken != "", "http", scfg.SigningSecret != "", "admin_token", scfg.AdminToken != "")
	}

	if discordOn {
		d := cfg.Discord
		dcfg.ShardID, dcfg.ShardCount, dcfg.DevGuild, dcfg.AutoMod, dcfg.MaxFileBytes = d.ShardID, d.ShardCount, d.DevGuild, d.AutoMod, d.MaxFileBytes
		dcfg.SecurityChannel, dcfg.Models = cfg.SecurityChannel, cfg.Tokens.Models
		da, err := discord.New(dcfg, log)
		if err != nil {
			return err
		}
		dd := dispatcher(da)
		din := intake(dd)
		runs = append(runs, func(ctx context.Context) error { return da.Run(ctx, din) })
		resumes[discord.Platform] = dd
		finish = append(finish, dd.Wait)
		log.Info("discord enabled", "shard", dcfg.ShardID, "shards", dcfg.ShardCount, "automod", dcfg.AutoMod)
	}

	proxies, err := config.ParseProxies(cfg.Serve.TrustedProxies)
	if err != nil {
		return fmt.Errorf("serve.trusted_proxies: %w", err)
	}
	// One HTTP server for the process: /healthz, /readyz, /metrics, the
	// platforms' webhooks and the playground (httpserver.go).
	_, loopback, err := listenHost(cfg.Serve.Addr)
	if err != nil {
		return err
	}
	pg, err := web.New(web.Config{Loopback: loopback, AdminToken: e.getenv("TOKENBOT_ADMIN_TOKEN"), TrustedProxies: proxies},
		web.Deps{Router: c.router, Store: c.store, Metrics: obs, Log: log, Owner: c.owner + "/web"})
	if err != nil {
		return err
	}
	routes := httpRoutes{Playground: pg, Webhooks: webhooks, Metrics: obs, Log: log, Explain: !pg.AdminRequired(),
		Ready: func(ctx context.Context) error {
			if !c.counter.Ready() {
				return errors.New("encoders loading")
			}
			return c.store.Ping(ctx)
		}}
	hs, err := newHTTPServer(cfg.Serve.Addr, routes.handler(), log, pg.Wait)
	if err != nil {
		return err
	}
	pg.Resume(ctx)
	runs = append(runs, hs.Run, func(ctx context.Context) error { return resumeLoop(ctx, log, resumes, cfg.Takedowns.SweepEvery) })
	if len(resumes) == 0 {
		fmt.Fprintf(e.stdout, "tokenbot playground: %s  (no Slack or Discord configured; Ctrl-C stops)\n", hs.URL())
	} else {
		fmt.Fprintf(e.stdout, "tokenbot is running; playground and dashboard: %s\n", hs.URL())
	}
	err = runAll(ctx, runs)
	// Let queued work finish before the ledger closes; what is left stays
	// pending in the ledger and makes the exit status 1.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.Takedowns.ShutdownGrace)
	defer cancel()
	abandoned := false
	for _, in := range intakes {
		var ab *bot.AbandonedError
		if cerr := in.Close(wctx); errors.As(cerr, &ab) {
			abandoned = true
			fmt.Fprintf(e.stderr, "tokenbot serve: %v; the next start resumes them\n", ab)
		}
	}
	for _, f := range finish {
		if werr := f(wctx); werr != nil {
			abandoned = true
			log.Error("shutdown: in-flight work left pending in the ledger", "err", werr)
		}
	}
	if err == nil && abandoned {
		return exitError{code: 1}
	}
	return err
}

// runAll runs fns until ctx ends or one fails; the first failure stops the
// others. A run that ends because ctx ended is not a failure.
func runAll(ctx context.Context, fns []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				once.Do(func() { first = err })
				cancel()
			}
		}()
	}
	wg.Wait()
	return first
}

// resumeLoop takes up at once the pending takedowns an earlier run of
// this instance left, then every sweep takedowns that are due (rescheduled
// ones, and those of replicas whose lease expired).
func resumeLoop(ctx context.Context, log *slog.Logger, resumes map[string]*bot.Dispatcher, every time.Duration) error {
	for platform, d := range resumes {
		if n, err := d.Recover(ctx, platform); err != nil {
			log.Error("recovering pending takedowns", "platform", platform, "err", err)
		} else if n > 0 {
			log.Info("recovered pending takedowns", "platform", platform, "count", n)
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		for platform, d := range resumes {
			if n, err := d.Resume(ctx, platform); err != nil {
				log.Error("resuming pending takedowns", "platform", platform, "err", err)
			} else if n > 0 {
				log.Info("resumed pending takedowns", "platform", platform, "count", n)
			}
		}
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// runHealthcheck asks the local server's /healthz, for the container's
// HEALTHCHECK (the image has no shell and no curl). An unhealthy server
// exits 1: Docker reserves 2.
func runHealthcheck(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags(e, "healthcheck", "",
		"Exits 0 when the server on serve.addr (env TOKENBOT_ADDR) answers GET /healthz with 200, else 1.")
	cfg, err := parseConfig(e, fs, cfgPath, args)
	if err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(cfg.Serve.Addr)
	if err != nil {
		return fmt.Errorf("serve.addr %q: %w", cfg.Serve.Addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			err = errors.New(res.Status)
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "tokenbot healthcheck: %s: %v\n", url, err)
		return exitError{1}
	}
	fmt.Fprintln(e.stdout, "ok")
	return nil
}

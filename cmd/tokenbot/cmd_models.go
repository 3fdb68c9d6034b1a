package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokenbot/tokenbot/bot/tokens"
)

func runModels(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags(e, "models", "",
		"Lists the model catalog (configs/models.json, generated from a public price dataset): prices in USD\n"+
			"per 1M tokens, context window, maximum output and how tokens are counted. Shut-down models are left out\n"+
			"unless --all is given.")
	provider := fs.String("provider", "", "only models of this `provider` (openai, anthropic, google, deepseek, mistral, xai, groq)")
	all := fs.Bool("all", false, "include shut-down models")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (see tokenbot models --help)", fs.Arg(0))
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return err
	}
	var providers []string
	for _, m := range cat.Models() {
		if !slices.Contains(providers, m.Provider) {
			providers = append(providers, m.Provider)
		}
	}
	if *provider != "" && !slices.Contains(providers, *provider) {
		return fmt.Errorf("unknown provider %q (known: %s)", *provider, strings.Join(providers, ", "))
	}
	now := time.Now()
	var models []tokens.Model
	for _, m := range cat.Models() {
		if (*provider == "" || m.Provider == *provider) && (*all || m.StatusAt(now) != tokens.ShutDown) {
			models = append(models, m)
		}
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(struct {
			PricesAsOf string         `json:"prices_as_of"`
			Dataset    tokens.Dataset `json:"dataset"`
			Models     []tokens.Model `json:"models"`
		}{cat.PricesAsOf(), cat.Dataset(), models})
	}
	return writeModels(e.stdout, cat, models, now)
}

// writeModels prints the catalog as an aligned table.
func writeModels(w io.Writer, cat *tokens.Catalog, models []tokens.Model, now time.Time) error {
	d := cat.Dataset()
	fmt.Fprintf(w, "Prices in USD per 1M tokens as of %s (%s %s). ~ marks estimated token counts.\n\n", cat.PricesAsOf(), d.Name, d.Version)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tprovider\tinput\tcached\tcache write\toutput\tlong context\tcontext\tmax output\tstatus")
	price := func(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }
	size := func(n int) string {
		if n == 0 {
			return "?"
		}
		return tokens.Group(n)
	}
	for _, m := range models {
		id := m.ID
		if !m.Exact {
			id = "~" + id
		}
		write, long := "-", "-"
		if m.CacheWritePerMTok > 0 {
			write = price(m.CacheWritePerMTok)
		}
		if t := m.LongContext; t != nil {
			long = fmt.Sprintf(">%s: %s/%s", tokens.Group(t.AboveTokens), price(t.InputPerMTok), price(t.OutputPerMTok))
		}
		status := "active"
		switch s := m.ServedByAt(now); {
		case s != "":
			status = "retired, served by " + s
		case m.StatusAt(now) == tokens.ShutDown:
			status = "shut down " + m.Shutdown
		case m.StatusAt(now) == tokens.Deprecated:
			status = "deprecated"
			if m.Shutdown != "" {
				status += ", ends " + m.Shutdown
			}
		case m.Legacy:
			// The same models the /tokens note recommends.
			status = "legacy"
			if s := cat.Successors(m, 3); len(s) > 0 {
				status += ", use " + strings.Join(s, ", ")
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, m.Provider, price(m.InputPerMTok), price(m.CachedInputPerMTok),
			write, price(m.OutputPerMTok), long, size(m.ContextWindow), size(m.MaxOutput), status)
	}
	return tw.Flush()
}

package leaks

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/zricethezav/gitleaks/v8/config"

	"github.com/tokenbot/tokenbot/configs"
)

// maxConfigBytes bounds a user-supplied rules file.
const maxConfigBytes = 4 << 20

// loadConfig assembles the rule set: gitleaks' embedded default config,
// then configs/leaks.toml on top of it, then the user's config (if any).
//
// A layer whose [extend] has useDefault = true is merged onto the layers
// below it with gitleaks' own semantics (same rule id: the layer's
// non-empty fields win, keywords/tags/allowlists are appended; new rules are
// added; extend.disabledRules drops rules; global allowlists are appended).
// A layer without it replaces everything below it, as in gitleaks.
// extend.path and extend.url are refused: the bot reads no files or URLs
// named inside a config.
func loadConfig(userTOML []byte) (config.Config, error) {
	defaults, err := translateLayer("gitleaks default config", []byte(config.DefaultConfig))
	if err != nil {
		return config.Config{}, err
	}
	ours, err := configs.FS.ReadFile("leaks.toml")
	if err != nil {
		return config.Config{}, fmt.Errorf("read embedded leaks.toml: %w", err)
	}
	base, err := applyLayer("configs/leaks.toml", ours, defaults.cfg)
	if err != nil {
		return config.Config{}, err
	}
	if len(strings.TrimSpace(string(userTOML))) > 0 {
		if len(userTOML) > maxConfigBytes {
			return config.Config{}, fmt.Errorf("user leak rules: %d bytes is over the %d-byte limit", len(userTOML), maxConfigBytes)
		}
		base, err = applyLayer("user leak rules", userTOML, base)
		if err != nil {
			return config.Config{}, err
		}
	}
	for _, id := range base.OrderedRules {
		r := base.Rules[id]
		if err := r.Validate(); err != nil {
			return config.Config{}, fmt.Errorf("leak rules: %w", err)
		}
	}
	return base, nil
}

type layer struct {
	cfg      config.Config
	extend   config.Extend
	targeted map[string][]*config.Allowlist
}

func applyLayer(name string, data []byte, base config.Config) (config.Config, error) {
	l, err := translateLayer(name, data)
	if err != nil {
		return config.Config{}, err
	}
	cfg := l.cfg
	if l.extend.UseDefault {
		cfg, err = mergeOnto(l.cfg, base, l.extend.DisabledRules, name)
		if err != nil {
			return config.Config{}, err
		}
	} else if len(l.extend.DisabledRules) > 0 {
		return config.Config{}, fmt.Errorf("%s: [extend] disabledRules needs useDefault = true", name)
	}
	// Allowlists that target rules by id apply once every layer is merged.
	ids := make([]string, 0, len(l.targeted))
	for id := range l.targeted {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r, ok := cfg.Rules[id]
		if !ok {
			return config.Config{}, fmt.Errorf("%s: [[allowlists]] target rule id %q does not exist", name, id)
		}
		r.Allowlists = append(append([]*config.Allowlist(nil), r.Allowlists...), l.targeted[id]...)
		cfg.Rules[id] = r
	}
	return cfg, nil
}

// translateLayer parses one gitleaks TOML config without viper and without
// touching gitleaks' global extend state: the [extend] table is taken out
// before config.ViperConfig.Translate runs, and merged here instead.
func translateLayer(name string, data []byte) (l layer, err error) {
	var vc config.ViperConfig
	md, err := toml.Decode(string(data), &vc)
	if err != nil {
		return l, fmt.Errorf("%s: parse toml: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, 0, len(und))
		for _, k := range und {
			keys = append(keys, k.String())
		}
		return l, fmt.Errorf("%s: unknown keys: %s", name, strings.Join(keys, ", "))
	}
	if vc.Extend.Path != "" || vc.Extend.URL != "" {
		return l, fmt.Errorf("%s: [extend] path/url is not supported; inline the rules or use useDefault = true", name)
	}
	if err := checkRegexes(&vc); err != nil {
		return l, fmt.Errorf("%s: %w", name, err)
	}
	l.extend = vc.Extend
	vc.Extend = config.Extend{}

	// A rule that only overrides a rule of a lower layer (same id, no regex
	// or path) is valid in gitleaks once extended; Translate validates
	// before that, so give it a placeholder regex and drop it afterwards.
	overrideOnly := map[string]bool{}
	if l.extend.UseDefault {
		for i := range vc.Rules {
			r := &vc.Rules[i]
			if r.Regex == "" && r.Path == "" && r.ID != "" {
				overrideOnly[r.ID] = true
				r.Regex = `\A` + strings.Repeat("()", max(r.SecretGroup, 0)) + `\z\A`
			}
		}
	}

	// Pull out allowlists that target rules by id: the target may live in a
	// layer below, which Translate cannot see.
	targetedVC := vc
	targetedVC.Rules = nil
	targetedVC.AllowList = nil
	targetedVC.Allowlists = nil
	targetedVC.Title, targetedVC.Description, targetedVC.MinVersion = "", "", ""
	var targets [][]string
	kept := vc.Allowlists[:0:0]
	if vc.AllowList != nil && len(vc.AllowList.TargetRules) > 0 {
		if len(vc.Allowlists) > 0 {
			return l, fmt.Errorf("%s: [allowlist] is deprecated, it cannot be used alongside [[allowlists]]", name)
		}
		vc.Allowlists = append(vc.Allowlists, vc.AllowList)
		vc.AllowList = nil
	}
	for _, a := range vc.Allowlists {
		if a == nil {
			continue
		}
		if len(a.TargetRules) > 0 {
			targets = append(targets, a.TargetRules)
			a.TargetRules = nil
			targetedVC.Allowlists = append(targetedVC.Allowlists, a)
			continue
		}
		kept = append(kept, a)
	}
	vc.Allowlists = kept

	cfg, err := safeTranslate(&vc)
	if err != nil {
		return l, fmt.Errorf("%s: %w", name, err)
	}
	for id := range overrideOnly {
		r := cfg.Rules[id]
		r.Regex = nil
		cfg.Rules[id] = r
	}
	l.cfg = cfg
	if len(targets) > 0 {
		tc, err := safeTranslate(&targetedVC)
		if err != nil {
			return l, fmt.Errorf("%s: %w", name, err)
		}
		if len(tc.Allowlists) != len(targets) {
			return l, fmt.Errorf("%s: targeted allowlists: parsed %d of %d", name, len(tc.Allowlists), len(targets))
		}
		l.targeted = map[string][]*config.Allowlist{}
		for i, ids := range targets {
			for _, id := range ids {
				l.targeted[id] = append(l.targeted[id], tc.Allowlists[i])
			}
		}
	}
	return l, nil
}

// safeTranslate runs gitleaks' Translate, turning a panic (its regexes are
// compiled with MustCompile) into an error.
func safeTranslate(vc *config.ViperConfig) (cfg config.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid config: %v", r)
		}
	}()
	return vc.Translate()
}

// checkRegexes compiles every regular expression of the config first, so a
// bad one is reported with its rule id instead of panicking in Translate.
func checkRegexes(vc *config.ViperConfig) error {
	var errs []error
	check := func(where, expr string) {
		if expr == "" {
			return
		}
		if _, err := regexp.Compile(expr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		}
	}
	for i, r := range vc.Rules {
		id := r.ID
		if id == "" {
			id = fmt.Sprintf("#%d", i+1)
		}
		check(fmt.Sprintf("rule %q regex", id), r.Regex)
		check(fmt.Sprintf("rule %q path", id), r.Path)
		if r.AllowList != nil {
			for _, re := range r.AllowList.Regexes {
				check(fmt.Sprintf("rule %q allowlist regex", id), re)
			}
			for _, re := range r.AllowList.Paths {
				check(fmt.Sprintf("rule %q allowlist path", id), re)
			}
		}
		for _, a := range r.Allowlists {
			if a == nil {
				continue
			}
			for _, re := range a.Regexes {
				check(fmt.Sprintf("rule %q allowlist regex", id), re)
			}
			for _, re := range a.Paths {
				check(fmt.Sprintf("rule %q allowlist path", id), re)
			}
		}
	}
	globals := vc.Allowlists
	if vc.AllowList != nil {
		globals = append(globals[:len(globals):len(globals)], vc.AllowList)
	}
	for _, a := range globals {
		if a == nil {
			continue
		}
		for _, re := range a.Regexes {
			check("allowlist regex", re)
		}
		for _, re := range a.Paths {
			check("allowlist path", re)
		}
	}
	return errors.Join(errs...)
}

// mergeOnto merges child onto base the way gitleaks' Config.extend does.
func mergeOnto(child, base config.Config, disabled []string, _ string) (config.Config, error) {
	out := config.Config{
		Title:       child.Title,
		Description: child.Description,
		Rules:       make(map[string]config.Rule, len(base.Rules)+len(child.Rules)),
		Keywords:    make(map[string]struct{}),
		MinVersion:  child.MinVersion,
	}
	// As in gitleaks, disabling a rule that does not exist is not an error
	// (configs outlive rule renames).
	off := map[string]bool{}
	for _, id := range disabled {
		off[id] = true
	}
	for _, id := range child.OrderedRules {
		if off[id] {
			continue
		}
		out.Rules[id] = child.Rules[id]
		out.OrderedRules = append(out.OrderedRules, id)
	}
	for _, id := range base.OrderedRules {
		if off[id] {
			continue
		}
		b := base.Rules[id]
		c, ok := out.Rules[id]
		if !ok {
			out.Rules[id] = b
			out.OrderedRules = append(out.OrderedRules, id)
			continue
		}
		if c.Description != "" {
			b.Description = c.Description
		}
		if c.Entropy != 0 {
			b.Entropy = c.Entropy
		}
		if c.SecretGroup != 0 {
			b.SecretGroup = c.SecretGroup
		}
		if c.Regex != nil {
			b.Regex = c.Regex
		}
		if c.Path != nil {
			b.Path = c.Path
		}
		b.Tags = append(append([]string(nil), b.Tags...), c.Tags...)
		b.Keywords = append(append([]string(nil), b.Keywords...), c.Keywords...)
		b.Allowlists = append(append([]*config.Allowlist(nil), b.Allowlists...), c.Allowlists...)
		b.RequiredRules = append(append([]*config.Required(nil), b.RequiredRules...), c.RequiredRules...)
		b.SkipReport = b.SkipReport || c.SkipReport
		out.Rules[id] = b
	}
	sort.Strings(out.OrderedRules)
	for _, r := range out.Rules {
		for _, k := range r.Keywords {
			out.Keywords[strings.ToLower(k)] = struct{}{}
		}
	}
	out.Allowlists = append(append([]*config.Allowlist(nil), child.Allowlists...), base.Allowlists...)
	return out, nil
}

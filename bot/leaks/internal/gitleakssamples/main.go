// Command gitleakssamples writes the true and false positives that
// gitleaks validates each of its default rules with (the tps/fps passed to
// utils.Validate in github.com/zricethezav/gitleaks/v8/cmd/generate/config/rules,
// at the gitleaks version of go.mod) to a JSON fixture.
//
// utils.Validate runs gitleaks' detector and exits on a failure; it does
// not return the samples. So this command copies the rules and utils
// packages from the module cache into a temporary module (with gitleaks'
// generator dependencies, which tokenbot does not need), replaces Validate and ValidateWithPaths with functions that
// record their arguments, calls every rule constructor listed in gitleaks'
// own cmd/generate/config/main.go, and writes what was recorded.
//
// Some samples are random (gitleaks generates them from the rule's regex);
// regenerating changes those values, not what they test. Run with
// `go generate ./bot/leaks`.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

const gitleaksModule = "github.com/zricethezav/gitleaks/v8"

const recorder = `
// Sample is one rule's validation samples.
type Sample struct {
	RuleID         string            ` + "`json:\"rule_id\"`" + `
	TruePositives  []string          ` + "`json:\"true_positives\"`" + `
	FalsePositives []string          ` + "`json:\"false_positives\"`" + `
	PathTrue       map[string]string ` + "`json:\"path_true_positives,omitempty\"`" + `
	PathFalse      map[string]string ` + "`json:\"path_false_positives,omitempty\"`" + `
}

// Recorded holds every sample passed to Validate and ValidateWithPaths.
var Recorded []Sample

func Validate(rule config.Rule, truePositives []string, falsePositives []string) *config.Rule {
	Recorded = append(Recorded, Sample{RuleID: rule.RuleID, TruePositives: truePositives, FalsePositives: falsePositives})
	return &rule
}

func ValidateWithPaths(rule config.Rule, truePositives map[string]string, falsePositives map[string]string) *config.Rule {
	Recorded = append(Recorded, Sample{RuleID: rule.RuleID, PathTrue: truePositives, PathFalse: falsePositives})
	return &rule
}
`

func main() {
	out := flag.String("out", "testdata/gitleaks-samples.json", "fixture to write")
	flag.Parse()
	if err := run(*out); err != nil {
		log.Fatalf("gitleakssamples: %v", err)
	}
}

func goList(args ...string) (string, error) {
	b, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		return "", fmt.Errorf("go list %v: %w", args, err)
	}
	return strings.TrimSpace(string(b)), nil
}

func run(out string) error {
	src, err := goList("-m", "-f", "{{.Dir}}", gitleaksModule)
	if err != nil {
		return err
	}
	version, err := goList("-m", "-f", "{{.Version}}", gitleaksModule)
	if err != nil {
		return err
	}
	// A module of its own, outside this one: the samples need gitleaks'
	// generator dependencies (reggen), which tokenbot does not.
	tmp, err := os.MkdirTemp("", "gitleakssamples-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	const pkg = "gitleakssamples"
	gomod := fmt.Sprintf("module %s\n\ngo 1.24\n\nrequire %s %s\n", pkg, gitleaksModule, version)
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte(gomod), 0o644); err != nil {
		return err
	}
	gen := filepath.Join(src, "cmd", "generate", "config")

	utilsImport := `"` + gitleaksModule + `/cmd/generate/config/utils"`
	for _, dir := range []string{"utils", "rules"} {
		files, err := filepath.Glob(filepath.Join(gen, dir, "*.go"))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(tmp, dir), 0o755); err != nil {
			return err
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			s := strings.ReplaceAll(string(b), utilsImport, `"`+pkg+`/utils"`)
			if dir == "utils" && filepath.Base(f) == "validate.go" {
				// Keep the file's imports in use, replace the two functions.
				s = strings.Replace(s, "func Validate(", "func validateWithDetector(", 1)
				s = strings.Replace(s, "func ValidateWithPaths(", "func validateWithPathsDetector(", 1)
				s += recorder + "\nvar _, _ = validateWithDetector, validateWithPathsDetector\n"
			}
			if err := os.WriteFile(filepath.Join(tmp, dir, filepath.Base(f)), []byte(s), 0o644); err != nil {
				return err
			}
		}
	}

	mainSrc, err := os.ReadFile(filepath.Join(gen, "main.go"))
	if err != nil {
		return err
	}
	var calls []string
	for _, m := range regexp.MustCompile(`rules\.(\w+)\(\)`).FindAllStringSubmatch(string(mainSrc), -1) {
		calls = append(calls, "\trules."+m[1]+"()")
	}
	if len(calls) == 0 {
		return fmt.Errorf("no rule constructors found in %s", filepath.Join(gen, "main.go"))
	}
	prog := fmt.Sprintf(`package main

import (
	"encoding/json"
	"os"

	"%[1]s/rules"
	"%[1]s/utils"
)

func main() {
%[2]s
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"gitleaks_version": %[3]q, "rules": utils.Recorded}); err != nil {
		panic(err)
	}
}
`, pkg, strings.Join(calls, "\n"), version)
	if err := os.MkdirAll(filepath.Join(tmp, "main"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "main", "main.go"), []byte(prog), 0o644); err != nil {
		return err
	}
	var stdout, stderr bytes.Buffer
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir, tidy.Stderr = tmp, &stderr
	if err := tidy.Run(); err != nil {
		return fmt.Errorf("go mod tidy: %w\n%s", err, stderr.String())
	}
	cmd := exec.Command("go", "run", "./main")
	cmd.Dir, cmd.Stdout, cmd.Stderr = tmp, &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("run the recorder: %w\n%s", err, stderr.String())
	}
	return os.WriteFile(out, stdout.Bytes(), 0o644)
}

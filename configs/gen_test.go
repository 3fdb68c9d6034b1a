package configs

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestModelsJSONIsGenerated checks that configs/models.json is what
// configs/gen/gen.mjs makes of the pinned dataset: byte for byte when node
// and the script's packages are installed (CI runs npm ci), and otherwise
// that the file names the dataset version package-lock.json pins.
func TestModelsJSONIsGenerated(t *testing.T) {
	committed, err := os.ReadFile("models.json")
	if err != nil {
		t.Fatal(err)
	}
	var head struct {
		Generated string `json:"generated"`
		Dataset   struct {
			Name, Version, Date string
		} `json:"dataset"`
		PricesAsOf string `json:"prices_as_of"`
	}
	if err := json.Unmarshal(committed, &head); err != nil {
		t.Fatalf("models.json: %v", err)
	}
	lock, err := os.ReadFile(filepath.Join("gen", "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	var l struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	if err := json.Unmarshal(lock, &l); err != nil {
		t.Fatalf("package-lock.json: %v", err)
	}
	pinned := l.Packages["node_modules/"+head.Dataset.Name].Version
	if head.Generated == "" || pinned == "" || head.Dataset.Version != pinned || head.PricesAsOf != head.Dataset.Date {
		t.Errorf("models.json says %+v, prices_as_of %q; package-lock.json pins %s %q", head.Dataset, head.PricesAsOf, head.Dataset.Name, pinned)
	}

	node, err := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join("gen", "node_modules", head.Dataset.Name))
	if err != nil || modErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must run the generator: node %v, packages %v (run npm ci in configs/gen)", err, modErr)
		}
		t.Logf("node or configs/gen/node_modules missing: checked the pinned version only")
		return
	}
	out := filepath.Join(t.TempDir(), "models.json")
	cmd := exec.Command(node, "gen.mjs", "--out", out)
	cmd.Dir = "gen"
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen.mjs: %v\n%s", err, msg)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Errorf("configs/models.json differs from what gen.mjs generates (%d vs %d bytes): run `cd configs/gen && npm ci && node gen.mjs`", len(committed), len(fresh))
	}
}

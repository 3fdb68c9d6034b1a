package knowledge

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// measuredSets are the sets whose lines must stay unseen: TestProbe refuses
// them.
var measuredSets = []string{"fresh", "independent", "holdout", "blind"}

// TestProbe scores one development file, named by TOKENBOT_PROBE, with its
// misses listed (-v): the way a new probe is scored once as written before
// the change it informs. Without the variable it does nothing.
func TestProbe(t *testing.T) {
	file := os.Getenv("TOKENBOT_PROBE")
	if file == "" {
		t.Skip("TOKENBOT_PROBE names the development file to score")
	}
	base := strings.ToLower(filepath.Base(file))
	for _, m := range measuredSets {
		if strings.HasPrefix(base, m) {
			t.Fatalf("%s is a measured set: its lines are not listed", file)
		}
	}
	measure(t, testIndex(t), file, true)
}

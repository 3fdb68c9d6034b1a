package bot_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/tokenbot/tokenbot/bot/bottest"
	"github.com/tokenbot/tokenbot/bot/tokens"
	"github.com/tokenbot/tokenbot/configs"
)

// A catalog refreshed after start prices /tokens' default models with the
// new table, though the router resolved them at start.
func TestTokensUseRefreshedCatalog(t *testing.T) {
	c := bottest.New(t, bottest.Options{})
	cat, err := tokens.DefaultCatalog() // this test's own: the shared one stays as it is
	if err != nil {
		t.Fatal(err)
	}
	m, err := cat.Lookup("gpt-5.5")
	if err != nil {
		t.Fatal(err)
	}
	c.Router.Catalog, c.Router.Models = cat, []tokens.Model{m}
	price := func() float64 {
		rep, _, err := c.Router.Tokens(context.Background(), "hello world", nil, "")
		if err != nil || len(rep.Models) != 1 {
			t.Fatalf("tokens: %v %+v", err, rep.Models)
		}
		return rep.Models[0].InputCostUSD
	}
	before := price()
	data, err := configs.FS.ReadFile(tokens.DefaultFile)
	if err != nil {
		t.Fatal(err)
	}
	// gpt-5.5's input price doubled, from $5 to $10 per 1M tokens.
	i := bytes.Index(data, []byte(`"id": "gpt-5.5",`))
	j := i + bytes.Index(data[max(i, 0):], []byte(`"input_per_mtok": 5,`))
	if i < 0 || j < i {
		t.Fatal("gpt-5.5 row not found in the embedded catalog")
	}
	data = append(data[:j:j], append([]byte(`"input_per_mtok": 10,`), data[j+len(`"input_per_mtok": 5,`):]...)...)
	next, err := tokens.LoadCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	cat.Replace(next)
	if after := price(); after != 2*before {
		t.Errorf("input cost after the refresh = %v; want %v (twice %v)", after, 2*before, before)
	}
}

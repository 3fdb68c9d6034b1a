package tokens

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	neturl "net/url"
	"time"

	"github.com/tokenbot/tokenbot/bot/safeurl"
)

// Refresh settings. The download is the generated catalog format
// (configs/models.json as gen.mjs writes it), not the upstream dataset:
// the dataset's transform lives in one place, the generator.
const (
	// MaxCatalogBytes caps a downloaded catalog; the embedded one is ~90 KB.
	MaxCatalogBytes = 4 << 20
	// RefreshTimeout bounds one download, connection to last byte.
	RefreshTimeout = 30 * time.Second
	// RefreshEvery is how often the catalog is downloaded again.
	RefreshEvery = 24 * time.Hour
)

// ErrCatalogTooLarge is returned by Fetch for a body over MaxCatalogBytes.
var ErrCatalogTooLarge = errors.New("catalog download too large")

// Fetch downloads a catalog in the configs/models.json format from url and
// validates it: at most MaxCatalogBytes, within RefreshTimeout (or ctx's
// deadline), a table LoadCatalog accepts that names its dataset.
func Fetch(ctx context.Context, client *http.Client, url string) (*Catalog, error) {
	ctx, cancel := context.WithTimeout(ctx, RefreshTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch catalog: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		// net/http's error quotes the whole URL, which may carry a
		// credential: keep only its cause.
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("fetch catalog from %s: %w", safeurl.String(url), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch catalog: HTTP %d", resp.StatusCode)
	}
	if resp.ContentLength > MaxCatalogBytes {
		return nil, fmt.Errorf("fetch catalog: %w (%d bytes, limit %d)", ErrCatalogTooLarge, resp.ContentLength, MaxCatalogBytes)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxCatalogBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch catalog: %w", err)
	}
	if len(data) > MaxCatalogBytes {
		return nil, fmt.Errorf("fetch catalog: %w (limit %d bytes)", ErrCatalogTooLarge, MaxCatalogBytes)
	}
	cat, err := LoadCatalog(data)
	if err != nil {
		return nil, fmt.Errorf("fetch catalog: %w", err)
	}
	if d := cat.Dataset(); d.Name == "" || d.Version == "" {
		return nil, errors.New("fetch catalog: not a generated catalog: field dataset names no dataset")
	}
	return cat, nil
}

// Refresh downloads the catalog at url and, when it is valid and not older
// than c's, makes it c's table. On any failure c keeps its table. It logs
// which table is in use.
func (c *Catalog) Refresh(ctx context.Context, client *http.Client, url string, log *slog.Logger) error {
	next, err := Fetch(ctx, client, url)
	if err == nil && next.PricesAsOf() < c.PricesAsOf() {
		err = fmt.Errorf("fetch catalog: prices as of %s are older than the %s in use", next.PricesAsOf(), c.PricesAsOf())
	}
	if err != nil {
		d := c.Dataset()
		log.Warn("model catalog: keeping the one in use", "err", err, "dataset", d.Name, "version", d.Version, "prices_as_of", c.PricesAsOf())
		return err
	}
	c.Replace(next)
	d := next.Dataset()
	log.Info("model catalog: using the downloaded one", "url", safeurl.String(url), "dataset", d.Name, "version", d.Version,
		"prices_as_of", next.PricesAsOf(), "models", len(next.t().models))
	return nil
}

// KeepFresh refreshes c from url now and then every RefreshEvery until ctx
// is done.
func (c *Catalog) KeepFresh(ctx context.Context, client *http.Client, url string, log *slog.Logger) {
	t := time.NewTicker(RefreshEvery)
	defer t.Stop()
	for {
		_ = c.Refresh(ctx, client, url, log) // logged; the table in use stays
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

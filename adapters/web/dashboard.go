// The dashboard's API: the audit trail and the takedown statistics.

package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tokenbot/tokenbot/bot"
	"github.com/tokenbot/tokenbot/bot/ledger"
	"github.com/tokenbot/tokenbot/bot/metrics"
)

func (s *Server) getAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := ledger.Filter{Limit: 50, Platform: q.Get("platform")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > ledger.MaxListLimit {
			fail(w, http.StatusBadRequest, "bad_request", "limit must be a number from 1 to %d", ledger.MaxListLimit)
			return
		}
		f.Limit = n
	}
	if v := q.Get("since"); v != "" {
		since, err := parseSince(v, time.Now())
		if err != nil {
			fail(w, http.StatusBadRequest, "bad_request", "since must be a duration such as 24h or 7d, or an RFC 3339 time")
			return
		}
		f.Since = since
	}
	recs, err := s.deps.Store.List(r.Context(), f)
	if err != nil {
		s.log.Error("audit list failed", "err", err)
		fail(w, http.StatusInternalServerError, "internal", "could not read the audit ledger")
		return
	}
	out := make([]ledger.Audit, 0, len(recs))
	for _, rec := range recs {
		row := rec.Audit()
		// Rows recorded before executor errors were redacted are
		// redacted here.
		row.Detail = bot.RedactError(r.Context(), s.router.Scanner, row.Detail)
		out = append(out, row)
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out})
}

// StatsView is the answer of GET /api/stats.
type StatsView struct {
	Range      string             `json:"range"`
	Since      time.Time          `json:"since"`
	Now        time.Time          `json:"now"`
	Takedowns  LedgerStats        `json:"takedowns"`
	SinceStart *metrics.Snapshot  `json:"since_start,omitempty"`
	Unanswered []metrics.Question `json:"unanswered"`
}

// LedgerStats is ledger.Stats for JSON.
type LedgerStats struct {
	Total         int            `json:"total"`
	ByOutcome     map[string]int `json:"by_outcome"`
	ByProvider    map[string]int `json:"by_provider"`
	ByPlatform    map[string]int `json:"by_platform"`
	ByChannel     []ChannelCount `json:"by_channel"`
	BucketSeconds int64          `json:"bucket_seconds"`
	Buckets       []BucketCount  `json:"buckets"`
}

// ChannelCount counts takedowns in one channel.
type ChannelCount struct {
	Platform  string `json:"platform"`
	Workspace string `json:"workspace,omitempty"`
	Channel   string `json:"channel"`
	Count     int    `json:"count"`
}

// BucketCount counts takedowns in one time bucket.
type BucketCount struct {
	Start     time.Time      `json:"start"`
	Total     int            `json:"total"`
	ByOutcome map[string]int `json:"by_outcome"`
}

func (s *Server) getStats(w http.ResponseWriter, r *http.Request) {
	rng := r.URL.Query().Get("range")
	if rng == "" {
		rng = "24h"
	}
	now := time.Now().UTC()
	since, err := parseSince(rng, now)
	if err != nil || !strings.ContainsAny(rng[len(rng)-1:], "hd") {
		fail(w, http.StatusBadRequest, "bad_request", "range must be a duration such as 24h, 7d or 30d")
		return
	}
	st, err := s.deps.Store.Stats(r.Context(), since)
	if err != nil {
		s.log.Error("audit stats failed", "err", err)
		fail(w, http.StatusInternalServerError, "internal", "could not read the audit ledger")
		return
	}
	v := StatsView{Range: rng, Since: since, Now: now, Unanswered: []metrics.Question{}, Takedowns: LedgerStats{
		Total: st.Total, ByOutcome: map[string]int{}, ByProvider: nonNil(st.ByProvider), ByPlatform: nonNil(st.ByPlatform),
		ByChannel: []ChannelCount{}, BucketSeconds: int64(st.Bucket / time.Second), Buckets: []BucketCount{}}}
	for o, n := range st.ByOutcome {
		v.Takedowns.ByOutcome[string(o)] = n
	}
	for _, c := range st.ByChannel {
		v.Takedowns.ByChannel = append(v.Takedowns.ByChannel, ChannelCount(c))
	}
	for _, b := range st.Buckets {
		bc := BucketCount{Start: b.Start.UTC(), Total: b.Total, ByOutcome: map[string]int{}}
		for o, n := range b.ByOutcome {
			bc.ByOutcome[string(o)] = n
		}
		v.Takedowns.Buckets = append(v.Takedowns.Buckets, bc)
	}
	if s.deps.Metrics != nil {
		snap := s.deps.Metrics.Snapshot()
		v.SinceStart = &snap
		v.Unanswered = s.deps.Metrics.Unanswered()
		for i := range v.Unanswered {
			v.Unanswered[i].Text = s.redact(r.Context(), v.Unanswered[i].Text)
		}
	}
	writeJSON(w, http.StatusOK, v)
}

func nonNil(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

// parseSince reads "24h", "90m", "7d" (days) or an RFC 3339 time.
func parseSince(v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if d, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 3660 {
			return time.Time{}, errors.New("bad day count")
		}
		return now.Add(-time.Duration(n) * 24 * time.Hour), nil
	}
	dur, err := time.ParseDuration(v)
	if err != nil || dur <= 0 {
		return time.Time{}, errors.New("bad duration")
	}
	return now.Add(-dur), nil
}

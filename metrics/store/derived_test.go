package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// A derived measure is computed from its inputs' current values when it
// is read, by every read: its series, the latest values, the headline
// and whole series of the overview and the board pack. A revision of an
// input changes it. An input the viewer may not see leaves it empty,
// and it cannot be opened while an input is sensitive.
func TestDerivedMeasures(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		jan, feb := metrics.MonthOf(2021, time.January), metrics.MonthOf(2021, time.February)
		granted := metrics.Metric{ID: "granted", Name: "DVPOs granted", Direction: metrics.HigherIsBetter, Classification: metrics.Open}
		apps := metrics.Metric{ID: "apps", Name: "DVPN applications", Direction: metrics.HigherIsBetter, Classification: metrics.Open}
		rate := metrics.Metric{ID: "rate", Name: "DVPOs per DVPN", Direction: metrics.HigherIsBetter, Classification: metrics.Open,
			Derivation: "ratio(granted, apps)"}
		ingest(t, s, file{name: "one.xlsx", metrics: []metrics.Metric{granted, apps, rate}, obs: []metrics.Observation{
			ob("granted", "Force", jan, 18, "S", "C3"), ob("granted", "Force", feb, 19, "S", "D3"),
			ob("apps", "Force", jan, 20, "S", "C2"), ob("apps", "Force", feb, 19, "S", "D2"),
		}})
		read := func(scope metrics.Scope) string {
			t.Helper()
			obs, err := s.Series(ctx, scope, "rate")
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, o := range obs {
				parts = append(parts, fmt.Sprintf("%s=%g", o.Period.Key(), o.Value))
			}
			return strings.Join(parts, " ")
		}
		// 18/20 = 0.9, 19/19 = 1.
		if got := read(metrics.Everything); got != "2021-01=0.9 2021-02=1" {
			t.Errorf("derived = %s", got)
		}
		obs, _ := s.Series(ctx, metrics.Everything, "rate")
		if src := obs[0].Source; !strings.Contains(src.File, "granted 18 (one.xlsx, S!C3) ÷ apps 20 (one.xlsx, S!C2)") || src.UploadedAt.IsZero() {
			t.Errorf("trace = %+v", src)
		}
		// A revision of February's applications (19 to 38) halves it.
		ingest(t, s, file{name: "two.xlsx", obs: []metrics.Observation{ob("apps", "Force", feb, 38, "S", "D2")}})
		if got := read(metrics.Everything); got != "2021-01=0.9 2021-02=0.5" {
			t.Errorf("after the revision = %s", got)
		}
		// The bulk reads hold it too.
		lvs, err := s.Latest(ctx, metrics.Everything)
		if err != nil {
			t.Fatal(err)
		}
		for _, lv := range lvs {
			if lv.Metric.ID == "rate" && (lv.Period.Key() != "2021-02" || len(lv.Values) != 1 || lv.Values[0].Value != 0.5) {
				t.Errorf("Latest(rate) = %+v", lv)
			}
		}
		for name, read := range map[string]func() (map[string][]metrics.Observation, error){
			"current": func() (map[string][]metrics.Observation, error) { return s.CurrentSeries(ctx, metrics.Everything) },
			"headline": func() (map[string][]metrics.Observation, error) {
				return s.HeadlineSeries(ctx, metrics.Everything, []string{"Force"}, time.Time{})
			},
			"ended before March": func() (map[string][]metrics.Observation, error) {
				return s.HeadlineSeries(ctx, metrics.Everything, []string{"Force"}, time.Date(2021, 2, 28, 0, 0, 0, 0, time.UTC))
			},
		} {
			m, err := read()
			if err != nil {
				t.Fatal(err)
			}
			want := 2
			if name == "ended before March" {
				want = 1 // February ends on the 28th, not before it
			}
			if len(m["rate"]) != want {
				t.Errorf("%s: rate has %d values, want %d", name, len(m["rate"]), want)
			}
		}

		// Made sensitive, an input takes the derived measure's figures
		// from the public; and the measure cannot be opened again while
		// the input is sensitive.
		if _, _, err := s.ProposeClassification(ctx, "apps", metrics.Sensitive, "test", "ana"); err != nil {
			t.Fatal(err)
		}
		if got := read(metrics.Public); got != "" {
			t.Errorf("public sees the derived values of a sensitive input: %s", got)
		}
		if got := read(metrics.Everything); got == "" {
			t.Errorf("the board lost the derived values")
		}
		if _, _, err := s.ProposeClassification(ctx, "rate", metrics.Sensitive, "test", "ana"); err != nil {
			t.Fatal(err)
		}
		id, _, err := s.ProposeClassification(ctx, "rate", metrics.Open, "test", "ana")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DecideProposal(ctx, id, store.Decision{Approve: true, By: "bob"}); metrics.ErrorCode(err) != metrics.ECONFLICT {
			t.Errorf("opening a measure derived from a sensitive one: %v", err)
		}
		m, _ := s.GetMetric(ctx, metrics.Everything, "rate")
		m.Classification = metrics.Open
		if _, err := s.UpdateMetric(ctx, m); metrics.ErrorCode(err) != metrics.ECONFLICT {
			t.Errorf("opening it on the catalogue page: %v", err)
		}
	})
}

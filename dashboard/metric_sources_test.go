package dashboard

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
)

// sourceLines are the rows of a sources table: period, area, value,
// file, sheet, cell and when it was uploaded.
var sourceLines = regexp.MustCompile(`<tr><td>([^<]+)</td><td>([^<]+)</td><td class="num">([^<]+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>`)

// A measure's page shows where the newest period's figures came from and
// links to a page of every figure's source, for the period and area
// chosen.
func TestMetricSources(t *testing.T) {
	ts := demoServer(t)
	public := newClient(t, ts)
	get := func(path string) string {
		t.Helper()
		resp, body := public.get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s = %d", path, resp.StatusCode)
		}
		return body
	}
	sources := func(body string) [][]string {
		var out [][]string
		for _, m := range sourceLines.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1:])
		}
		return out
	}
	all := sources(get("/metrics/neighbourhood-crime/sources"))
	periods := map[string]bool{}
	areas := map[string]bool{}
	for _, r := range all {
		periods[r[0]], areas[r[1]] = true, true
		if r[3] == "" || r[4] == "" || r[5] == "" || r[6] == "" {
			t.Errorf("a source without its file, sheet, cell or upload: %q", r)
		}
	}
	if len(periods) < 13 || len(areas) < 2 {
		t.Fatalf("the sources page lists %d figures of %d periods and %d areas: want every figure of the series", len(all), len(periods), len(areas))
	}

	t.Run("the page shows the newest period's", func(t *testing.T) {
		body := get("/metrics/neighbourhood-crime")
		_, section, _ := strings.Cut(body, `id="sources-heading"`)
		shown := sources(section)
		newest := all[0][0]
		n := 0
		for _, r := range all {
			if r[0] == newest {
				n++
			}
		}
		if len(shown) != n {
			t.Errorf("the page lists %d sources, want the %d of %s", len(shown), n, newest)
		}
		for i, r := range shown {
			if strings.Join(r, "|") != strings.Join(all[i], "|") {
				t.Errorf("source %d on the page: %q, want %q as on the sources page", i, r, all[i])
			}
		}
		for _, want := range []string{
			"Where the figures of " + newest + " came from",
			`<a href="/metrics/neighbourhood-crime/sources">Where each figure shown came from</a>`,
		} {
			if !strings.Contains(section, want) {
				t.Errorf("the page's sources lack %q", want)
			}
		}
	})

	t.Run("a measure with no values yet", func(t *testing.T) {
		ctx := context.Background()
		st := ts.Config.Handler.(*Server).store
		tx, err := st.BeginIngest(ctx, metrics.Upload{FileName: "catalogue.xlsx"}, []byte("catalogue"))
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.UpsertMetric(ctx, metrics.Metric{ID: "empty", Name: "Nothing yet", Unit: "cases", Direction: metrics.NoDirection, Classification: metrics.Open, Category: "Test"}); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		body := get("/metrics/empty/sources")
		if !strings.Contains(body, "No values have been loaded for this measure yet.") || strings.Contains(body, "Showing") {
			t.Errorf("the sources page of a measure with no values does not say so plainly")
		}
	})

	t.Run("the choice is carried", func(t *testing.T) {
		body := html.UnescapeString(get("/metrics/neighbourhood-crime?period=last12&area=North"))
		if !strings.Contains(body, `href="/metrics/neighbourhood-crime/sources?area=North&period=last12"`) {
			t.Error("the page's link to the sources does not carry the choice")
		}
		chosen := get("/metrics/neighbourhood-crime/sources?period=last12&area=North")
		got := sources(chosen)
		months := map[string]bool{}
		for _, r := range got {
			months[r[0]] = true
			if r[1] != "North" {
				t.Errorf("a source of %s in North's: %q", r[1], r)
			}
		}
		if len(months) != 12 || len(got) != 12 {
			t.Errorf("last 12 months in North: %d sources of %d months, want 12 of 12", len(got), len(months))
		}
		for _, want := range []string{"Showing " + got[11][0] + " to " + got[0][0] + " of ", ": 12 figures, newest first", `<option selected>North</option>`} {
			if !strings.Contains(chosen, want) {
				t.Errorf("the chosen sources page lacks %q", want)
			}
		}
	})
}

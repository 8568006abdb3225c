package dashboard

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// On the demo: a derived measure has the charts and analysis of any
// measure, says how it is computed, traces each value to its inputs'
// cells, and changes when an input is revised; a benchmark is judged
// beside the target; a derived measure of open inputs is published.
func TestDerivedMeasuresAndBenchmarkOnTheDemo(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st, boardToken, _ := sampleServer(t, d)
			c := newClient(t, ts)
			c.login("board", boardPassword)
			_, page := c.get("/metrics/dvpo-per-dvpn")
			for _, want := range []string{
				"DVPOs granted ÷ DVPN applications: computed by Assure from",
				`<a href="/metrics/dvpo-granted">DVPOs granted</a> and <a href="/metrics/dvpn-applications">DVPN applications</a>`,
				`data-chart="chart-spc"`, "Latest figure from its inputs, dvpo-granted ",
			} {
				if !pageHas(page, want) {
					t.Errorf("/metrics/dvpo-per-dvpn lacks %q", want)
				}
			}
			_, page = c.get("/metrics/weapons-outcome-rate")
			if !pageHas(page, "below the national average of 60%: worse") || !pageHas(page, "National average (60%)") {
				t.Errorf("the weapons outcome rate is not judged against its benchmark")
			}

			// March 2022: DVPOs granted ÷ applications, from the API.
			rate := func() (float64, string) {
				t.Helper()
				resp, body := bearer(t, http.MethodGet, ts.URL+"/api/v1/metrics/dvpo-per-dvpn/series", boardToken, "")
				var got struct {
					Observations []struct {
						Period string  `json:"period"`
						Value  float64 `json:"value"`
						Source struct {
							File string `json:"file"`
						} `json:"source"`
					} `json:"observations"`
				}
				if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &got) != nil || len(got.Observations) == 0 {
					t.Fatalf("series = %d %s", resp.StatusCode, body[:min(len(body), 200)])
				}
				last := got.Observations[len(got.Observations)-1]
				if last.Period != "2022-03" {
					t.Fatalf("latest derived period %s", last.Period)
				}
				return last.Value, last.Source.File
			}
			before, trace := rate()
			if !strings.HasPrefix(trace, "Derived: dvpo-granted ") || !strings.Contains(trace, " ÷ dvpn-applications ") || !strings.Contains(trace, "Safeguarding!") {
				t.Errorf("trace = %q", trace)
			}
			// A revision: 40 applications in March 2022, granted unchanged.
			in := ingest.New(st, nil)
			book := ingesttest.Book(t, ingesttest.Sheet{Name: "Data", Rows: [][]any{
				{"Metric", "Area", "Period", "Value"}, {"dvpn-applications", "Force", "2022-03", 40},
			}})
			if rep, err := in.Ingest(context.Background(), "revision.xlsx", book, ingest.Options{}); err != nil || rep.Status != ingest.StatusStored {
				t.Fatalf("revision: %v %+v", err, rep.Errors)
			}
			after, trace := rate()
			if after == before || !strings.Contains(trace, "dvpn-applications 40 (revision.xlsx, Data!D2)") {
				t.Errorf("after the revision: %v (was %v), %q", after, before, trace)
			}
			// The demo grants 18 to 22 orders a month: the new ratio is
			// a whole number of orders over the revised 40 applications.
			if granted := after * 40; granted < 17 || granted > 23 || math.Abs(granted-math.Round(granted)) > 1e-9 {
				t.Errorf("the revised ratio %v is not a count of orders over 40", after)
			}

			// Open inputs, open rate: published.
			pub := newClient(t, ts)
			if resp, page := pub.get("/public/metrics/neighbourhood-crime-rate"); resp.StatusCode != 200 || !pageHas(page, "Neighbourhood crime per 1,000 residents") {
				t.Errorf("the public rate = %d", resp.StatusCode)
			}
			if resp, _ := pub.get("/metrics/dvpo-per-dvpn"); resp.StatusCode != 404 {
				t.Errorf("the public sees a sensitive derived measure: %d", resp.StatusCode)
			}
		})
	}
}

package dashboard

import (
	"context"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// One answer per question: the response times page leads with the share
// of incidents within target (not a "median within target" badge), takes
// its targets from the catalogue, and sets the monthly measure beside
// the incidents of the same month; the measure's page does the same.
func TestResponseTimesOneAnswer(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st, _, _ := sampleServer(t, d)
			c := newClient(t, ts)
			c.login("board", boardPassword)
			_, page := c.get("/response-times")
			for _, want := range []string{
				"attended within target",
				"Urban incidents have a target of 15 minutes (the target of Immediate response time, urban in the catalogue).",
				"Rural incidents have a target of 20 minutes (the target of Immediate response time, rural in the catalogue).",
				"Beside the monthly measures", "Mar 2022, North: the monthly measure is ", "urban incidents of that month: mean ",
				"Urban within 15 minutes", "Waited longer", "Why they may differ:",
			} {
				if !pageHas(page, want) {
					t.Errorf("/response-times lacks %q", want)
				}
			}
			if pageHas(page, "Median within target") || pageHas(page, "Median over target") {
				t.Errorf("/response-times still judges the target by the median")
			}
			if i, j := pageIndex(page, "attended within target"), pageIndex(page, "Median (half waited less)"); i < 0 || j < 0 || i > j {
				t.Errorf("the share within target (%d) does not lead the median (%d)", i, j)
			}
			_, page = c.get("/metrics/response-urban")
			if !pageHas(page, "Beside the incidents:") || !pageHas(page, "Mar 2022, North: the monthly measure is ") || !pageHas(page, "Why they may differ:") {
				t.Errorf("the measure's page does not set it beside the incidents")
			}

			// The targets follow the catalogue.
			m, err := st.GetMetric(context.Background(), metrics.Everything, "response-urban")
			if err != nil {
				t.Fatal(err)
			}
			twelve := 12.0
			m.Target = &twelve
			if _, err := st.UpdateMetric(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			_, page = c.get("/response-times")
			if !pageHas(page, "Urban incidents have a target of 12 minutes") || !pageHas(page, "Urban within 12 minutes") {
				t.Errorf("the urban target did not follow the catalogue to 12 minutes")
			}
		})
	}
}

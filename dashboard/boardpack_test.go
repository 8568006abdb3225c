package dashboard

import (
	"net/http"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics/store/storetest"
)

func TestBoardPack(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := holdServer(t, d)
			c := newClient(t, ts)
			// The public is asked to sign in, and sees nothing of the pack.
			resp, body := c.get("/boardpack?meeting=2021-12-10")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") || strings.Contains(body, "Response time") {
				t.Fatalf("public GET /boardpack = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if resp := c.login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login = %d", resp.StatusCode)
			}
			// A meeting on 10 December 2021 sees November's figures, not
			// December's: resp is 17 in November 2021 against 13.2 in
			// November 2019; late (to October) is behind the others; the
			// sensitive measure, with a figure for December only, has none
			// yet and is listed by name.
			resp, body = c.get("/boardpack?meeting=2021-12-10")
			if resp.StatusCode != 200 {
				t.Fatalf("GET /boardpack = %d", resp.StatusCode)
			}
			at := -1
			for _, s := range []string{
				"Board pack for the meeting of 10 December 2021", "measures by month to Nov 2021",
				`id="part-open-heading"`, `id="open-exceptions-heading"`, `<th scope="row"><a href="#m-resp">`, "Off target; Unusual change, a concern", `<th scope="row"><a href="#m-late">`, "Not up to date",
				`id="m-resp"`, "Force, Nov 2021: 17.0 minutes", "+3.8 minutes (+28.8%)", `data-chart="bpo-`, "Upper process limit",
				`id="m-late"`, `id="m-calls"`, `id="m-few"`,
				`id="part-confidential-heading"`, `id="pack-exceptions-heading"`,
				`id="pack-finance-heading"`, "No finance monitoring month that ended before the meeting has been loaded.",
				"Sensitive measures with no figures before the meeting", "Secret measure",
			} {
				i := pageIndex(body, s)
				if i <= at {
					t.Errorf("board pack: %q missing or out of order", s)
				}
				at = i
			}
			for _, s := range []string{"Dec 2021", "15.5 minutes"} {
				if strings.Contains(body, s) {
					t.Errorf("the pack for 10 December 2021 shows %q, from after the meeting", s)
				}
			}
			// The pack names a sensitive measure: it is marked, on every
			// printed page too; in January the measure has a figure.
			if !strings.Contains(body, "OFFICIAL-SENSITIVE") {
				t.Error("the pack names a sensitive measure without the marking")
			}
			_, body = c.get("/boardpack?meeting=2022-01-10")
			if !strings.Contains(body, "OFFICIAL-SENSITIVE") || !strings.Contains(body, `class="official-sensitive"`) || !strings.Contains(body, `id="m-hidden"`) {
				t.Error("the board pack with a sensitive measure carries no OFFICIAL-SENSITIVE marking")
			}
			if resp, _ := c.get("/boardpack?meeting=10/12/2021"); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("a badly written date gives %d, want 400", resp.StatusCode)
			}
			// Before any figures: every measure is listed as having none.
			if _, body := c.get("/boardpack?meeting=2000-01-01"); !strings.Contains(body, "No exceptions") || !strings.Contains(body, "Response time</li>") {
				t.Error("a pack before any figures does not say so")
			}
		})
	}
}

// The demo's sample workbooks, through the real ingest: the pack for the
// February 2022 meeting carries Month 9's revenue monitoring, whose
// underspend of £1,319k the minutes of that meeting record.
func TestBoardPackFinance(t *testing.T) {
	ts := demoServer(t)
	c := newClient(t, ts)
	if resp := c.login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	for _, tt := range []struct {
		meeting string
		has     []string
	}{
		{"2022-02-10", []string{"Revenue monitoring, M9 2021/22 (Dec 2021)", "£1,319k underspend", `data-chart="bp-finance"`, `href="/finance?year=2021-22&amp;month=9"`, "measures by quarter to 2021/22 Q3"}},
		{"2021-10-12", []string{"Revenue monitoring, M5 2021/22 (Aug 2021)", "measures by month to Sep 2021"}},
	} {
		resp, body := c.get("/boardpack?meeting=" + tt.meeting)
		if resp.StatusCode != 200 {
			t.Fatalf("GET /boardpack?meeting=%s = %d", tt.meeting, resp.StatusCode)
		}
		for _, s := range tt.has {
			if !pageHas(body, s) {
				t.Errorf("pack for %s: no %q", tt.meeting, s)
			}
		}
	}
}

package dashboard

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/cmd/assure/sample"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// hostileArea is a business area that would run as script if a finance
// page or chart let it through as markup.
const hostileArea = `</script><script>alert("area")</script>`

// financeServer serves the sample monitoring workbooks of 2021/22 (M3,
// M5, a revised M5, M7, M9), ingested through the real ingest, plus
// the performance test workbook, and a board user.
func financeServer(t *testing.T, dialect string) (*httptest.Server, *store.Store) {
	t.Helper()
	ts, st := authServer(t, dialect)
	in := ingest.New(st, nil)
	paths, err := sample.WriteFinance(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		rep, err := in.IngestFile(context.Background(), p, ingest.Options{UploadedBy: "fin"})
		if err != nil || rep.Status != ingest.StatusStored {
			t.Fatalf("ingest %s: %v %+v", p, err, rep.Errors)
		}
		storetest.ApproveAll(t, st)
	}
	return ts, st
}

func TestFinanceIsInvisibleToThePublic(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := financeServer(t, d)
			c := newClient(t, ts)
			for _, path := range []string{
				"/finance", "/finance?year=2021-22&month=5", "/finance?year=nonsense",
				"/api/v1/finance/months", "/api/v1/finance/months?year=2021-22",
				"/api/v1/finance/revenue?year=2021-22&month=5", "/api/v1/finance/capital", "/api/v1/finance/reserves",
				"/api/v1/finance/revenue?year=2021&month=13",
			} {
				resp, body := c.get(path)
				if resp.StatusCode != 404 {
					t.Errorf("public GET %s = %d, want 404", path, resp.StatusCode)
				}
				for _, leak := range []string{"Local Policing", "404k", "404000", "1,319", "Mutual Aid", "OFFICIAL-SENSITIVE"} {
					if strings.Contains(body, leak) {
						t.Errorf("public GET %s leaks %q", path, leak)
					}
				}
			}
			if _, body := c.get("/"); strings.Contains(body, `href="/finance"`) {
				t.Errorf("the public's navigation links to the finance page")
			}
		})
	}
}

func TestFinancePageSignedIn(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := financeServer(t, d)
			c := newClient(t, ts)
			c.login("board", boardPassword)
			tests := []struct {
				path string
				has  []string
			}{
				{"/finance", []string{
					"OFFICIAL-SENSITIVE", metrics.SignConvention, `href="/finance"`,
					"revenue and capital monitoring M9 2021/22", "Dec 2021",
					// Revenue: the M9 forecast of the minutes, with its status and thresholds.
					"£1,319k underspend", `class="status-green">Green`, "any overspend of less than 1% of budget",
					"Mutual Aid", `<td class="num">-300</td>`, "COP26",
					// Charts, each with its table.
					`data-chart="chart-variance"`, `data-chart="chart-trend"`, `data-chart="chart-funding"`,
					"M3 2021/22", "M7 2021/22",
					// Capital additions and their funding.
					"Oracle project", "£57k", "RCCO", `<td class="num">126</td>`, "POCA", `<td class="num">40</td>`,
					// Reserves: the Prevention reserve created at M9.
					"Prevention reserve", "&#43;330", // html/template writes + as &#43;
					// Revision history and sources.
					"M5 2021/22, revised", "was £386k underspend", "Revised by upload",
					"Illustrative sample - Revenue and Capital Monitoring M9 2021-22.xlsx", "Revenue!B9, E9, F9",
				}},
				{"/finance?year=2021-22&month=5", []string{
					"M5 2021/22", "Aug 2021", "£404k underspend", "OPCC", `<td class="num">-90</td>`, `class="status-red">overspend`,
					"Local Policing", "£512k", `class="status-green">underspend`, "1 earlier upload of this month replaced",
				}},
				{"/finance?month=M3", []string{"M3 2021/22", "£180k underspend"}},
			}
			for _, tt := range tests {
				resp, body := c.get(tt.path)
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s = %d\n%s", tt.path, resp.StatusCode, body)
				}
				for _, s := range tt.has {
					if !strings.Contains(body, s) {
						t.Errorf("GET %s: body lacks %q", tt.path, s)
					}
				}
			}
			// Sorted by variance: the overspend first, the largest underspend last.
			_, body := c.get("/finance?year=2021-22&month=5")
			lp, is := strings.Index(body, `<th scope="row">Local Policing`), strings.Index(body, `<th scope="row">Investigations and Safeguarding`)
			opcc := strings.Index(body, `<th scope="row">OPCC`)
			if lp < 0 || is < 0 || opcc < 0 || !(lp < opcc && opcc < is) {
				t.Errorf("revenue rows are not sorted by variance: Local Policing at %d, OPCC at %d, Investigations at %d", lp, opcc, is)
			}
		})
	}
}

func TestFinanceAPI(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := financeServer(t, d)
			c := newClient(t, ts)
			c.login("board", boardPassword)
			getJSON := func(path string, v any) {
				t.Helper()
				resp, body := c.get(path)
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
				}
				if err := json.Unmarshal([]byte(body), v); err != nil {
					t.Fatalf("GET %s: %v\n%s", path, err, body)
				}
			}

			var months struct {
				Year   string `json:"year"`
				Months []struct {
					Month     int    `json:"month"`
					Label     string `json:"label"`
					Revisions int    `json:"revisions"`
					Uploaded  string `json:"uploaded_at"`
				} `json:"months"`
			}
			getJSON("/api/v1/finance/months?year=2021-22", &months)
			if months.Year != "2021-22" || len(months.Months) != 4 || months.Months[1].Label != "M5 2021/22" ||
				months.Months[1].Revisions != 1 || months.Months[0].Revisions != 0 || months.Months[3].Uploaded == "" {
				t.Errorf("months = %+v", months)
			}

			var rev struct {
				Label          string `json:"label"`
				SignConvention string `json:"sign_convention"`
				Source         struct {
					File      string `json:"file"`
					Revisions int    `json:"revisions"`
				} `json:"source"`
				Lines []struct {
					BusinessArea string            `json:"business_area"`
					BudgetGBP    int64             `json:"budget_gbp"`
					ForecastGBP  int64             `json:"forecast_gbp"`
					VarianceGBP  int64             `json:"variance_gbp"`
					Commentary   string            `json:"commentary"`
					Sheet        string            `json:"sheet"`
					Cells        map[string]string `json:"cells"`
				} `json:"lines"`
				Total struct {
					BudgetGBP   int64 `json:"budget_gbp"`
					ForecastGBP int64 `json:"forecast_gbp"`
					VarianceGBP int64 `json:"variance_gbp"`
				} `json:"total"`
				RAG struct {
					Status string `json:"status"`
				} `json:"rag"`
			}
			getJSON("/api/v1/finance/revenue?year=2021-22&month=5", &rev)
			if rev.Label != "M5 2021/22" || rev.Total.VarianceGBP != -404000 || rev.Total.BudgetGBP != 164742000 || rev.RAG.Status != "green" ||
				rev.SignConvention != metrics.SignConvention || rev.Source.Revisions != 1 || !strings.Contains(rev.Source.File, "revised") {
				t.Errorf("revenue = %+v", rev)
			}
			var opcc bool
			for _, l := range rev.Lines {
				if l.BusinessArea == "OPCC" {
					opcc = l.VarianceGBP == -90000 && l.ForecastGBP-l.BudgetGBP == l.VarianceGBP && l.Sheet == "Revenue" &&
						l.Cells["forecast"] == "E8" && l.Commentary != ""
				}
			}
			if !opcc || len(rev.Lines) != 6 {
				t.Errorf("revenue lines = %+v", rev.Lines)
			}

			// Without year and month: the latest held, M9.
			getJSON("/api/v1/finance/revenue", &rev)
			if rev.Label != "M9 2021/22" || rev.Total.VarianceGBP != -1319000 {
				t.Errorf("latest revenue = %s %d", rev.Label, rev.Total.VarianceGBP)
			}

			var capital struct {
				AdditionsByFunding []struct {
					FundingSource string `json:"funding_source"`
					AdditionsGBP  int64  `json:"additions_gbp"`
				} `json:"additions_by_funding"`
				Lines []struct {
					Scheme string `json:"scheme"`
				} `json:"lines"`
			}
			getJSON("/api/v1/finance/capital?year=2021-22&month=9", &capital)
			got := map[string]int64{}
			for _, f := range capital.AdditionsByFunding {
				got[f.FundingSource] = f.AdditionsGBP
			}
			if got["RCCO"] != 126000 || got["POCA"] != 40000 || len(got) != 2 {
				t.Errorf("additions by funding = %v", got)
			}

			var reserves struct {
				Lines []struct {
					Reserve      string `json:"reserve"`
					TransfersGBP int64  `json:"transfers_gbp"`
					ClosingGBP   int64  `json:"closing_gbp"`
				} `json:"lines"`
			}
			getJSON("/api/v1/finance/reserves?year=2021-22&month=9", &reserves)
			last := reserves.Lines[len(reserves.Lines)-1]
			if last.Reserve != "Prevention reserve" || last.TransfersGBP != 330000 || last.ClosingGBP != 330000 {
				t.Errorf("reserves = %+v", reserves.Lines)
			}
		})
	}
}

func TestFinanceBadQueries(t *testing.T) {
	ts, _ := financeServer(t, store.SQLite)
	c := newClient(t, ts)
	c.login("board", boardPassword)
	tests := []struct {
		path   string
		status int
		has    string
	}{
		{"/api/v1/finance/revenue?year=2021&month=5", 400, "2021-22"},
		{"/api/v1/finance/revenue?year=2021-22&month=13", 400, "1 (April) to 12 (March)"},
		{"/api/v1/finance/capital?year=2021-22&month=five", 400, "month=5"},
		{"/api/v1/finance/months?year=21", 400, "financial year"},
		{"/api/v1/finance/reserves?year=2021-22&month=6", 404, "M6 2021/22"},
		{"/api/v1/finance/revenue?year=2019-20", 404, "2019/20"},
		{"/finance?year=2021-22&month=0", 400, "month"},
		{"/finance?year=2021-22&month=6", 404, "M6 2021/22"},
		{"/finance?year=2020-21", 404, "2020/21"},
	}
	for _, tt := range tests {
		resp, body := c.get(tt.path)
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.has) {
			t.Errorf("GET %s = %d %q; want %d with %q", tt.path, resp.StatusCode, body, tt.status, tt.has)
		}
		if strings.HasPrefix(tt.path, "/api/") && !strings.Contains(body, `"error"`) {
			t.Errorf("GET %s: no JSON error: %s", tt.path, body)
		}
	}
}

func TestFinanceWithNothingStored(t *testing.T) {
	ts, _ := authServer(t, store.SQLite)
	c := newClient(t, ts)
	c.login("board", boardPassword)
	if resp, body := c.get("/finance"); resp.StatusCode != 200 || !strings.Contains(body, "No monitoring workbook has been stored yet") {
		t.Errorf("empty finance page = %d", resp.StatusCode)
	}
	if resp, _ := c.get("/api/v1/finance/revenue"); resp.StatusCode != 404 {
		t.Errorf("empty revenue API = %d, want 404", resp.StatusCode)
	}
}

func TestFinanceLabelsAreText(t *testing.T) {
	book := ingesttest.Book(t, ingesttest.Sheet{Name: "Revenue", Rows: [][]any{
		{"Revenue monitoring M2 2021/22"},
		{"Business area", "Budget", "Forecast outturn", "Commentary"},
		{hostileArea, 1000, 1200, `<img src=x onerror=alert(3)>`},
		{"OPCC", 1000, 900},
	}})
	ts, st := financeServer(t, store.SQLite)
	rep, err := ingest.New(st, nil).Ingest(context.Background(), "hostile.xlsx", book, ingest.Options{})
	if err != nil || rep.Status != ingest.StatusStored {
		t.Fatalf("ingest: %v %+v", err, rep.Errors)
	}
	storetest.ApproveAll(t, st)
	c := newClient(t, ts)
	c.login("board", boardPassword)
	resp, body := c.get("/finance?year=2021-22&month=2")
	if resp.StatusCode != 200 {
		t.Fatalf("GET = %d", resp.StatusCode)
	}
	for _, raw := range []string{`<script>alert("area")`, `<img src=x`} {
		if strings.Contains(body, raw) {
			t.Errorf("a label reached the finance page as markup: %q", raw)
		}
	}
	if !strings.Contains(body, `&lt;img src=x onerror=alert(3)&gt;`) {
		t.Errorf("the commentary should be shown as text")
	}
}

func TestBudgetThresholdsConfig(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	if _, err := New(Config{Store: st, BudgetThresholds: metrics.BudgetThresholds{AmberOverspendPct: 2, RedOverspendPct: 1}}); err == nil {
		t.Error("New accepted a red threshold below the amber one")
	}
	srv, err := New(Config{Store: st, BudgetThresholds: metrics.BudgetThresholds{AmberOverspendPct: 0.5, RedOverspendPct: 2, AmberUnderspendPct: 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		variance, budget int64
		word             string
		has              string
	}{
		// M9 2021/22: -£1,319k on £164.7m is -0.8%, beyond a 0.5% underspend limit.
		{-1319000, 164742000, "Amber", "An underspend of more than 0.5% of budget (£824k) is amber too."},
		{-404000, 164742000, "Green", "over it by no more than 0.5% of budget (£824k)"},
		{3300000, 164742000, "Red", "an overspend of 2% of budget (£3,295k) or more"},
	}
	for _, tt := range tests {
		r := srv.ragView(metrics.RevenueTotals{BudgetGBP: tt.budget, ForecastGBP: tt.budget + tt.variance})
		all := strings.Join([]string{r.Word, r.Green, r.Amber, r.Red, r.UnderspendAmberNote}, " | ")
		if r.Word != tt.word || !strings.Contains(all, tt.has) {
			t.Errorf("ragView(%d on %d) = %s", tt.variance, tt.budget, all)
		}
	}
}

func TestFinanceHelpers(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{{"5", 5, true}, {"M5", 5, true}, {"m12", 12, true}, {"05", 5, true}, {"0", 0, false}, {"13", 0, false}, {"M", 0, false}, {"5.0", 0, false}, {"100", 0, false}} {
		got, err := financeMonthParam(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("financeMonthParam(%q) = %d, %v", tt.in, got, err)
		}
	}
	for _, tt := range []struct {
		v, base int64
		want    string
	}{{-404000, 164742000, "-0.2%"}, {512000, 71240000, "+0.7%"}, {0, 100, "0.0%"}, {10, 0, "–"}, {-1, 1000000, "0.0%"}} {
		if got := percentOf(tt.v, tt.base); got != tt.want {
			t.Errorf("percentOf(%d, %d) = %q, want %q", tt.v, tt.base, got, tt.want)
		}
	}
}

// The finance page is kept between readers until the figures change: a
// rolled-back month is gone from it at once.
func TestFinancePageFollowsTheFigures(t *testing.T) {
	ts, st := financeServer(t, store.SQLite)
	c := newClient(t, ts)
	c.login("board", boardPassword)
	if _, body := c.get("/finance"); !strings.Contains(body, "revenue and capital monitoring M9 2021/22") {
		t.Fatal("the finance page does not show M9")
	}
	ups, err := st.ListUploads(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var m9 int64
	for _, u := range ups {
		if strings.Contains(u.FileName, "M9") {
			m9 = u.ID
		}
	}
	if _, err := st.RollbackUpload(context.Background(), m9, "tester"); err != nil {
		t.Fatal(err)
	}
	_, body := c.get("/finance")
	if strings.Contains(body, "revenue and capital monitoring M9 2021/22") || !strings.Contains(body, "M7 2021/22") {
		t.Error("after M9 was rolled back the finance page still shows it, or not M7")
	}
}

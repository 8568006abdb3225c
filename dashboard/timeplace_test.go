package dashboard

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// figureRows are the periods of a metric page's figures table, in order.
var figureRows = regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td class="num">`)

// monthOrder is a month label ("Dec 2021") as a number that sorts.
func monthOrder(label string) int {
	tm, err := time.Parse("Jan 2006", label)
	if err != nil {
		return -1
	}
	return tm.Year()*12 + int(tm.Month())
}

func TestTimeAndPlace(t *testing.T) {
	ts := demoServer(t)
	public := newClient(t, ts)
	board := newClient(t, ts)
	if resp := board.login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", resp.StatusCode)
	}

	periods := func(path string) []string {
		t.Helper()
		resp, body := public.get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s = %d", path, resp.StatusCode)
		}
		// The figures table alone: the process limits' table has rows too.
		_, body, _ = strings.Cut(body, `id="table-heading"`)
		body, _, _ = strings.Cut(body, `id="sources-heading"`)
		var out []string
		for _, m := range figureRows.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	all := periods("/metrics/neighbourhood-crime")
	if len(all) < 13 {
		t.Fatalf("neighbourhood-crime has %d periods, want more than a year's: %v", len(all), all)
	}
	t.Run("newest first", func(t *testing.T) {
		for i := 1; i < len(all); i++ {
			if monthOrder(all[i]) >= monthOrder(all[i-1]) {
				t.Fatalf("row %d, %s, comes after %s: want the newest first (rows %v)", i, all[i], all[i-1], all)
			}
		}
	})
	t.Run("last 12 months", func(t *testing.T) {
		got := periods("/metrics/neighbourhood-crime?period=last12")
		if strings.Join(got, ",") != strings.Join(all[:12], ",") {
			t.Errorf("last12: %v, want %v", got, all[:12])
		}
		_, body := public.get("/metrics/neighbourhood-crime?period=last12&area=North")
		text := html.UnescapeString(body)
		for _, want := range []string{
			"Showing " + all[11] + " to " + all[0] + " of",
			"worked out from every figure of the series",
			`href="/metrics/neighbourhood-crime/export/neighbourhood-crime.csv?area=North&period=last12"`,
			`<option selected>North</option>`,
			`<option value="last12" selected>Last 12 months</option>`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("last12 in North: page lacks %q", want)
			}
		}
	})
	t.Run("from to", func(t *testing.T) {
		got := periods("/metrics/neighbourhood-crime?period=range&from=2020-04&to=2020-06")
		if strings.Join(got, ",") != "Jun 2020,May 2020,Apr 2020" {
			t.Errorf("Apr to Jun 2020: %v", got)
		}
	})
	t.Run("exports carry the choice", func(t *testing.T) {
		_, whole := public.get("/metrics/neighbourhood-crime/export/neighbourhood-crime.csv")
		_, year := public.get("/metrics/neighbourhood-crime/export/neighbourhood-crime.csv?period=last12&area=North")
		if strings.Contains(year, "South") || !strings.Contains(year, "North") {
			t.Errorf("the North's last 12 months export names another area:\n%s", year)
		}
		if lines := strings.Count(strings.TrimSpace(year), "\n"); lines > 13 {
			t.Errorf("the North's last 12 months export has %d lines:\n%s", lines, year)
		}
		if len(year) >= len(whole) {
			t.Errorf("the last 12 months export is %d bytes, the whole %d", len(year), len(whole))
		}
	})
	t.Run("refused with a reason", func(t *testing.T) {
		for _, tc := range []struct {
			c        *client
			path     string
			sentence string
		}{
			{public, "/metrics/neighbourhood-crime?period=fortnight", "is not one this page shows"},
			{public, "/metrics/neighbourhood-crime?period=range&from=2021-13", "is not a month"},
			{public, "/metrics/neighbourhood-crime?period=range&from=2021-06&to=2021-01", "the start must come before the end"},
			{public, "/metrics/neighbourhood-crime/export/neighbourhood-crime.csv?area=Atlantis", "no figures for the area"},
			{board, "/response-times?area=Atlantis", "no figures for the area"},
			{board, "/response-times/export/monthly.csv?period=last99", "is not one this page shows"},
		} {
			resp, body := tc.c.get(tc.path)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), tc.sentence) {
				t.Errorf("%s = %d, want 400 saying %q; body %.300s", tc.path, resp.StatusCode, tc.sentence, body)
			}
		}
	})
	t.Run("response times", func(t *testing.T) {
		resp, body := board.get("/response-times?period=last12")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("response times = %d", resp.StatusCode)
		}
		text := html.UnescapeString(body)
		for _, want := range []string{
			`<option value="last12" selected>`,
			`/response-times/export/monthly.csv?period=last12&priority=`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("response times, last 12 months: page lacks %q", want)
			}
		}
	})
}

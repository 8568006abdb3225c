package dashboard

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
)

// signInAs signs in through the form, in the browser.
func signInAs(t *testing.T, ctx context.Context, base, user, password string) {
	t.Helper()
	err := chromedp.Run(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", user), chromedp.SendKeys("#password", password),
		chromedp.Submit("#password"), chromedp.WaitNotPresent("#password"), chromedp.WaitVisible(".site-header__user form"))
	if err != nil {
		t.Fatalf("signing in as %s: %v", user, err)
	}
}

// signOut signs out through the header's form.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Run(ctx, chromedp.Submit(".site-header__user form"), chromedp.WaitVisible("body")); err != nil {
		t.Fatalf("signing out: %v", err)
	}
}

// uploadInBrowser checks a file through the upload form and waits for
// its report.
func uploadInBrowser(t *testing.T, ctx context.Context, base, path string) {
	t.Helper()
	err := chromedp.Run(ctx, chromedp.Navigate(base+"/uploads"), chromedp.WaitVisible("#file"),
		chromedp.SetUploadFiles("#file", []string{path}),
		chromedp.Click("form.upload-form button[type=submit]"), chromedp.WaitVisible("#report-heading"))
	if err != nil {
		t.Fatalf("uploading %s: %v", path, err)
	}
}

// screenshots keeps the page as its reader sees it: at a desktop's
// width, at a phone's, and printed to A4 (PDF).
func screenshots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := t.ArtifactDir()
	for _, w := range []int64{1400, 390} {
		var shot []byte
		if err := chromedp.Run(ctx, emulation.SetDeviceMetricsOverride(w, 900, 1, w < 600),
			chromedp.Sleep(100*time.Millisecond), chromedp.FullScreenshot(&shot, 100)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+strconv.Itoa(int(w))+".png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
		checkReflow(t, ctx, name+" at "+strconv.Itoa(int(w))+" px")
	}
	var pdf []byte
	err := chromedp.Run(ctx, emulation.ClearDeviceMetricsOverride(), chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		pdf, _, err = page.PrintToPDF().WithPaperWidth(8.27).WithPaperHeight(11.69).Do(ctx)
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fetch gets a page as an anonymous reader with no browser.
func fetch(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestUploadPreviewInABrowser: a finance officer checks a monitoring
// workbook in the browser; before anything is stored the page names the
// month and the revenue variance in words, and the unit read from a
// band merged across the money columns; storing it links to the month;
// a rollback says what it will revert before it does.
func TestUploadPreviewInABrowser(t *testing.T) {
	ctx := browser(t)
	ts, st := demoServerAndStore(t)
	addUser(t, st, "fin", metrics.RoleFinance, boardPassword)
	dir := t.TempDir()
	file := filepath.Join(dir, "Monitoring M10 2021-22.xlsx")
	book := ingesttest.Book(t, ingesttest.Sheet{Name: "Revenue", Merge: []string{"B2:D2"}, Rows: [][]any{
		{"Revenue and Capital Monitoring Report Month 10 2021/22"},
		{nil, "£'000", nil, nil},
		{"Business area", "Annual budget", "Forecast outturn", "Variance"},
		{"Local Policing", 71240, 70820, -420},
		{"OPCC", 1412, 1330, -82},
	}})
	if err := os.WriteFile(file, book, 0o644); err != nil {
		t.Fatal(err)
	}
	signInAs(t, ctx, ts.URL, "fin", boardPassword)
	uploadInBrowser(t, ctx, ts.URL, file)
	var report string
	if err := chromedp.Run(ctx, chromedp.Text("section.report", &report)); err != nil {
		t.Fatal(err)
	}
	checkInOrder(t, "the checked finance file", report, []string{
		"checked, not yet stored",
		"M10 2021/22",
		"budget £72,652k, forecast outturn £72,150k",
		"£502k underspend",
		"M9 2021/22 was £1,319k underspend",
		"Store this file",
	})
	if !strings.Contains(report, "Annual budget, Forecast outturn, Variance: £000 from the merged cell B2:D2") {
		// The units are folded away: open them and look again.
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll('details').forEach(d => { d.open = true })`, nil),
			chromedp.Text("section.report", &report)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(report, "Annual budget, Forecast outturn, Variance: £000 from the merged cell B2:D2") {
			t.Errorf("the preview does not say the unit of the money columns:\n%s", report)
		}
	}
	checkAxe(t, ctx, "/uploads (finance preview)")
	screenshots(t, ctx, "upload-preview-finance")

	if _, err := st.FinanceMonthFigures(context.Background(), metrics.Everything, metrics.FinancePeriod{FYStart: 2021, Month: 10}); metrics.ErrorCode(err) != metrics.ENOTFOUND {
		t.Fatalf("the month was stored before it was confirmed: %v", err)
	}
	// The stored page has no confirmation form: wait for it to go, or the
	// page read may still be the checked one.
	if err := chromedp.Run(ctx, chromedp.Click(`form[action="/uploads/confirm"] button`), chromedp.WaitNotPresent(`form[action="/uploads/confirm"]`),
		chromedp.WaitVisible("#report-heading"), chromedp.Text("section.report", &report)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(report, "Monitoring M10 2021-22.xlsx: stored") || !strings.Contains(report, "Finance, M10 2021/22") {
		t.Errorf("after storing:\n%s", report)
	}
	screenshots(t, ctx, "upload-stored-finance")

	ups, err := st.ListUploads(context.Background())
	if err != nil || len(ups) == 0 {
		t.Fatal(err)
	}
	var confirm string
	if err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+"/uploads/"+strconv.FormatInt(ups[0].ID, 10)+"/rollback"), chromedp.WaitVisible("h1"),
		chromedp.Text("main", &confirm)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(confirm, "M10 2021/22 will have no figures") {
		t.Errorf("the rollback page does not say what reverts:\n%s", confirm)
	}
	checkAxe(t, ctx, "/uploads/:id/rollback")
	screenshots(t, ctx, "rollback-confirm")
}

// TestProposalKeepsAMeasureHiddenUntilApproved: an analyst's upload says
// a sensitive measure is open; an anonymous reader still gets 404 for it
// and no value of it anywhere, until an administrator approves it on
// the proposals page; then it is public.
func TestProposalKeepsAMeasureHiddenUntilApproved(t *testing.T) {
	ctx := browser(t)
	ts, st := demoServerAndStore(t)
	addUser(t, st, "root", metrics.RoleAdmin, boardPassword)
	const value = "23.7"
	dir := t.TempDir()
	file := filepath.Join(dir, "open it.xlsx")
	book := ingesttest.Book(t,
		ingesttest.Sheet{Name: "Metrics", Rows: [][]any{{"Id", "Name", "Classification"}, {"response-urban", "Immediate response time, urban", "open"}}},
		ingesttest.Sheet{Name: "Data", Rows: [][]any{{"Metric", "Area", "Period", "Value"}, {"response-urban", "Force", "2022-01", 23.7}}},
	)
	if err := os.WriteFile(file, book, 0o644); err != nil {
		t.Fatal(err)
	}
	signInAs(t, ctx, ts.URL, "analyst", boardPassword)
	uploadInBrowser(t, ctx, ts.URL, file)
	var report string
	if err := chromedp.Run(ctx, chromedp.Text("section.report", &report)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(report, "classification to go from sensitive to open, which waits for approval") {
		t.Errorf("the preview does not say the opening waits for approval:\n%s", report)
	}
	if err := chromedp.Run(ctx, chromedp.Click(`form[action="/uploads/confirm"] button`), chromedp.WaitNotPresent(`form[action="/uploads/confirm"]`),
		chromedp.WaitVisible("#report-heading")); err != nil {
		t.Fatal(err)
	}
	screenshots(t, ctx, "upload-proposes-open")
	signOut(t, ctx)

	anonymous := func(wantOpen bool) {
		t.Helper()
		for _, path := range []string{"/metrics/response-urban", "/public/metrics/response-urban", "/api/v1/metrics/response-urban/series"} {
			resp, body := fetch(t, ts.URL+path)
			if want := map[bool]int{false: 404, true: 200}[wantOpen]; resp.StatusCode != want {
				t.Errorf("anonymous GET %s = %d, want %d", path, resp.StatusCode, want)
			}
			if !wantOpen && strings.Contains(body, value) {
				t.Errorf("anonymous GET %s shows the value %s", path, value)
			}
		}
		for _, path := range []string{"/", "/public", "/api/v1/metrics", "/boardpack/open?meeting=2022-02-10"} {
			_, body := fetch(t, ts.URL+path)
			if shown := strings.Contains(body, "Immediate response time, urban"); shown != wantOpen && path != "/boardpack/open?meeting=2022-02-10" {
				t.Errorf("anonymous GET %s names the measure: %t, want %t", path, shown, wantOpen)
			}
			if !wantOpen && strings.Contains(body, value) {
				t.Errorf("anonymous GET %s shows the value %s", path, value)
			}
		}
		// And in the browser, as a reader would meet it.
		var title string
		if err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+"/metrics/response-urban"), chromedp.WaitVisible("h1"), chromedp.Text("h1", &title)); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(title, "Immediate response time"); got != wantOpen {
			t.Errorf("the browser shows the measure's page to the public: %t, want %t (%q)", got, wantOpen, title)
		}
	}
	anonymous(false)

	// The analyst cannot approve; the administrator can, on the page.
	signInAs(t, ctx, ts.URL, "analyst", boardPassword)
	var buttons int
	if err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+"/catalogue/proposals"), chromedp.WaitVisible("h1"),
		chromedp.Evaluate(`document.querySelectorAll('button[value=approve]').length`, &buttons)); err != nil {
		t.Fatal(err)
	}
	if buttons != 0 {
		t.Errorf("the analyst is offered %d approve buttons", buttons)
	}
	signOut(t, ctx)
	anonymous(false)

	signInAs(t, ctx, ts.URL, "root", boardPassword)
	var page string
	if err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+"/catalogue/proposals"), chromedp.WaitVisible("h1"),
		chromedp.Evaluate(`document.querySelectorAll('details').forEach(d => { d.open = true })`, nil),
		chromedp.Text("main", &page)); err != nil {
		t.Fatal(err)
	}
	checkInOrder(t, "the proposals page", page, []string{"Immediate response time, urban: sensitive → open", "upload", "open it.xlsx", "Would publish", value, "Approve"})
	checkAxe(t, ctx, "/catalogue/proposals")
	screenshots(t, ctx, "proposals")
	if err := chromedp.Run(ctx, chromedp.Click(`section.proposal button[value=approve]`), chromedp.WaitVisible(".notice")); err != nil {
		t.Fatal(err)
	}
	signOut(t, ctx)
	anonymous(true)
	log, err := st.AuditLog(context.Background(), 20)
	if err != nil {
		t.Fatal(err)
	}
	approved := false
	for _, e := range log {
		if e.Action == metrics.AuditProposalApproved && e.Actor == "root" && strings.Contains(e.Detail, "response-urban") {
			approved = true
		}
	}
	if !approved {
		t.Errorf("the approval is not in the audit log: %+v", log)
	}
}

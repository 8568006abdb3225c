package dashboard

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// unusualSymbolsJS counts, on the SPC chart, the unusual points the data
// holds and the symbols ECharts actually drew for them: ECharts thins
// the symbols of a crowded line unless showAllSymbol is set.
const unusualSymbolsJS = `(() => {
  const el = document.querySelector('[data-chart="chart-spc"]');
  const inst = el && window.echarts.getInstanceByDom(el);
  if (!inst) return [-1, -1];
  let data = 0, drawn = 0;
  for (const s of inst.getModel().getSeries()) {
    if (!String(s.name).startsWith('Unusual')) continue;
    const d = s.getData();
    for (let i = 0; i < d.count(); i++) if (!isNaN(d.get(d.mapDimension('y'), i))) data++;
    const view = inst.getViewOfSeriesModel(s);
    if (view && view._symbolDraw) drawn += view._symbolDraw.group.childCount();
  }
  return [data, drawn];
})()`

// The urban response time page before and after an analyst marks a
// change point at April 2021, through the page's own form, at a
// desktop's width, a phone's and in print: the screenshots are kept in
// the test's artifacts (go test -artifacts). At every width every
// unusual point is drawn.
func TestChangePointInABrowser(t *testing.T) {
	ctx := browser(t)
	ts := demoServer(t)
	dir := t.ArtifactDir()
	metricURL := ts.URL + "/metrics/response-urban"
	if err := chromedp.Run(ctx,
		chromedp.Navigate(ts.URL+"/login"), chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", "analyst"), chromedp.SendKeys("#password", boardPassword),
		chromedp.Submit("#password"), chromedp.WaitVisible(".site-header__user form"),
	); err != nil {
		t.Fatal(err)
	}
	shoot := func(stage string) string {
		t.Helper()
		var text string
		for _, width := range []int64{1400, 390} {
			var shot []byte
			var counts []int
			err := chromedp.Run(ctx,
				emulation.SetDeviceMetricsOverride(width, 900, 1, width < 600),
				chromedp.Navigate(metricURL), chromedp.WaitVisible(`[data-chart="chart-spc"][data-chart-state="drawn"] canvas`),
				chromedp.Sleep(300*time.Millisecond),
				chromedp.Evaluate(unusualSymbolsJS, &counts),
				chromedp.Evaluate(`document.body.innerText`, &text),
				chromedp.FullScreenshot(&shot, 100),
			)
			if err != nil {
				t.Fatalf("%s at %d px: %v", stage, width, err)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("response-urban-%s-%d.png", stage, width)), shot, 0o644); err != nil {
				t.Fatal(err)
			}
			if len(counts) != 2 || counts[0] < 0 || counts[1] != counts[0] {
				t.Errorf("%s at %d px: of the unusual points (data, drawn) = %v: every one must be drawn", stage, width, counts)
			}
		}
		// In print: the PDF, and the print layout as a picture.
		var pdf, shot []byte
		err := chromedp.Run(ctx,
			emulation.ClearDeviceMetricsOverride(),
			chromedp.Navigate(metricURL), chromedp.WaitVisible(`[data-chart="chart-spc"][data-chart-state="drawn"] canvas`),
			chromedp.Sleep(300*time.Millisecond),
			chromedp.ActionFunc(func(ctx context.Context) error {
				var err error
				pdf, _, err = page.PrintToPDF().WithPrintBackground(true).WithPreferCSSPageSize(true).Do(ctx)
				return err
			}),
			emulation.SetEmulatedMedia().WithMedia("print"),
			chromedp.Sleep(300*time.Millisecond),
			chromedp.FullScreenshot(&shot, 100),
			emulation.SetEmulatedMedia().WithMedia(""),
		)
		if err != nil {
			t.Fatalf("%s in print: %v", stage, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "response-urban-"+stage+"-print.pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "response-urban-"+stage+"-print.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
		return text
	}

	before := shoot("before")
	checkInOrder(t, "before", before, []string{"Now: Since Apr 2021, every month (12 in a row) has been above the",
		"Special cause variation of a concerning nature: unusually high values",
		"Suggested change point:", "recalculate the limits from Apr 2021?"})

	// The analyst marks the change with the form on the page.
	var text string
	err := chromedp.Run(ctx,
		emulation.ClearDeviceMetricsOverride(),
		chromedp.Navigate(metricURL), chromedp.WaitReady("body"),
		chromedp.Evaluate(`document.querySelectorAll('details').forEach(d => { d.open = true })`, nil),
		chromedp.SendKeys("#ann-new-label", "Response model changed"),
		chromedp.SetValue("#ann-new-start", "2021-04-01"),
		chromedp.Click("#ann-new-recalculate"),
		chromedp.Submit("#ann-new-label"),
		chromedp.WaitVisible(`[role="status"]`),
		chromedp.Text(`[role="status"]`, &text),
	)
	if err != nil {
		t.Fatalf("marking the change point: %v", err)
	}
	if !strings.Contains(text, "The annotation is saved.") {
		t.Fatalf("after the form: %q", text)
	}

	after := shoot("after")
	checkInOrder(t, "after", after, []string{"Now:", "Apr 2021 to Mar 2022 (from the change: Response model changed)",
		"are provisional", "Change point: the limits are recalculated from this period"})
	if strings.Contains(after, "Suggested change point:") {
		t.Errorf("after the change point, one is still suggested")
	}
	t.Logf("screenshots in %s", dir)
}

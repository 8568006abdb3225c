package dashboard

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// printPage prints the page at path on A4 as Chromium's print dialog
// would, with backgrounds and the page's own @page size, keeps the PDF
// and a picture of each sheet in dir, and returns the PDF's path. As
// the dialog does, it lays the page out at the paper's width and lets it
// see the print media first, so that charts.js redraws its charts at the
// paper's width (printed straight from the screen's layout they were cut
// at the paper's edge, and laid out at the screen's width in print media
// they were squeezed), and gives the screen back after.
// a4ContentWidthPx is A4's width less @page's margins, 180 mm, in CSS
// pixels.
const a4ContentWidthPx = 180 * 96 * 10 / 254 // 680

func printPage(t *testing.T, ctx context.Context, url, dir, name string) string {
	t.Helper()
	var out []byte
	if err := chromedp.Run(ctx,
		chromedp.Navigate(url), chromedp.WaitReady("body"),
		chromedp.Evaluate(settledJS, nil, awaitPromise),
		// Laid out at the paper's width inside its margins (A4 less
		// @page's 15 mm each side), as the dialog lays a page out.
		emulation.SetDeviceMetricsOverride(a4ContentWidthPx, 1100, 1, false),
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(settledJS, nil, awaitPromise),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			out, _, err = page.PrintToPDF().WithPrintBackground(true).WithPreferCSSPageSize(true).
				WithPaperWidth(8.27).WithPaperHeight(11.69).Do(ctx)
			return err
		}),
		emulation.SetEmulatedMedia().WithMedia(""),
		emulation.ClearDeviceMetricsOverride()); err != nil {
		t.Fatalf("printing %s: %v", url, err)
	}
	path := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftoppm"); err == nil {
		if out, err := exec.Command("pdftoppm", "-png", "-r", "60", path, filepath.Join(dir, name)).CombinedOutput(); err != nil {
			t.Errorf("pdftoppm: %v: %s", err, out)
		}
	}
	return path
}

// TestPrintedPages prints, as a board member, a sensitive measure's page
// and the overview, and reads the PDFs back: every sheet of the
// sensitive page says OFFICIAL-SENSITIVE at its top and at its foot (the
// page-margin boxes), and the document's first and last sheets carry the
// banners as well, for browsers that draw no margin boxes; the overview's Making Data Count signs print as their words,
// not only as the single letters drawn inside the icons.
func TestPrintedPages(t *testing.T) {
	ctx := browser(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (Debian's poppler-utils): the PDF cannot be read")
	}
	ts := demoServer(t)
	dir := t.ArtifactDir()
	if err := browserSignIn(ctx, ts.URL, "board"); err != nil {
		t.Fatal(err)
	}

	sheets := pdfPages(t, printPage(t, ctx, ts.URL+"/metrics/response-urban", dir, "print-metric-sensitive"))
	if len(sheets) == 0 {
		t.Fatal("the sensitive measure printed no sheet")
	}
	for i, s := range sheets {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		first, last := strings.TrimSpace(lines[0]), strings.TrimSpace(lines[len(lines)-1])
		want := 2
		if i == 0 || i == len(sheets)-1 {
			want = 3 // and the banner at the document's start or end
		}
		if len(sheets) == 1 {
			want = 4
		}
		if n := strings.Count(s, "OFFICIAL-SENSITIVE"); n != want || !strings.Contains(first, "OFFICIAL-SENSITIVE") || !strings.Contains(last, "OFFICIAL-SENSITIVE") {
			t.Errorf("sheet %d of %d says OFFICIAL-SENSITIVE %d times, want %d: at the top and at the foot, and in a banner on the first and last sheets; first line %q, last %q",
				i+1, len(sheets), n, want, first, last)
		}
	}

	// Read in pdftotext's reading order, not its layout, so that words
	// wrapped in a narrow column read on.
	out, err := exec.Command("pdftotext", printPage(t, ctx, ts.URL+"/", dir, "print-overview"), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	whole := strings.Join(strings.Fields(string(out)), " ")
	if !strings.Contains(whole, "Possession of weapons") {
		t.Fatalf("the printed overview lacks its measures:\n%.600s", whole)
	}
	// The rural response time's signs, as the overview's images say them
	// in a few words (view/mdc.go): a concerning high and a target met or
	// missed at random.
	// Both response time measures show them.
	for _, words := range []string{"Concern, high", "Target hit and miss"} {
		if n := strings.Count(whole, words); n < 2 {
			t.Errorf("the printed overview says %q %d times in words, want at least 2:\n%.1500s", words, n, whole)
		}
	}
	t.Logf("printed %s: the sensitive measure and the overview", dir)
}

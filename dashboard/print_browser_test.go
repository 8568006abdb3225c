package dashboard

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
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
		printA4(&out),
		emulation.SetEmulatedMedia().WithMedia(""),
		emulation.ClearDeviceMetricsOverride()); err != nil {
		t.Fatalf("printing %s: %v", url, err)
	}
	return keepPrint(t, out, dir, name)
}

// printA4 prints the page as it stands on A4, with backgrounds and the
// page's own @page size, into out.
func printA4(out *[]byte) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		*out, _, err = page.PrintToPDF().WithPrintBackground(true).WithPreferCSSPageSize(true).
			WithPaperWidth(8.27).WithPaperHeight(11.69).Do(ctx)
		return err
	})
}

// keepPrint writes pdf to dir as name.pdf and, where pdftoppm is
// installed, a picture of each sheet beside it (name-1.png and on, at
// 60 dots an inch), and returns the PDF's path.
func keepPrint(t *testing.T, pdf []byte, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
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

// printAsLaidOut prints the page at path on A4 straight from a window
// width px wide, with no step between the browser seeing the print media
// and the printing, as `chromium --print-to-pdf` does and as a browser
// may; it keeps the PDF and a picture of each sheet in dir and returns
// the pictures' paths, in order.
func printAsLaidOut(t *testing.T, ctx context.Context, url string, width int64, dir, name string) []string {
	t.Helper()
	var out []byte
	if err := chromedp.Run(ctx,
		emulation.SetDeviceMetricsOverride(width, 1000, 1, false),
		chromedp.Navigate(url), chromedp.WaitReady("body"),
		chromedp.Evaluate(settledJS, nil, awaitPromise),
		printA4(&out),
		emulation.ClearDeviceMetricsOverride()); err != nil {
		t.Fatalf("printing %s from %d px: %v", url, width, err)
	}
	keepPrint(t, out, dir, name)
	// pdftoppm numbers the sheets name-1.png, or name-01.png and on
	// for ten or more: the same width each time, so sorted in order.
	sheets, err := filepath.Glob(filepath.Join(dir, name+"-*.png"))
	if err != nil || len(sheets) == 0 {
		t.Fatalf("pdftoppm drew no sheet of %s (%v)", name, err)
	}
	sort.Strings(sheets)
	return sheets
}

// TestPrintedChartsDoNotDependOnTheWindow prints measures' pages, with
// their charts, from windows of three widths wider than the paper,
// straight away as `chromium --print-to-pdf` does, and holds their
// sheets equal, pixel for pixel but for a few: each chart drawn again at
// the paper's width, whole, whatever the screen had drawn. Before
// charts.js painted its charts as it redrew them for print, each printed
// the screen's drawing cut at the paper's right edge, so the sheets
// differed. (From a phone's width, emulated so, Chromium adds a blank
// last sheet to the measure's page; the sheets before it are these.)
func TestPrintedChartsDoNotDependOnTheWindow(t *testing.T) {
	ctx := browser(t)
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (Debian's poppler-utils): the PDF cannot be drawn")
	}
	ts := demoServer(t)
	dir := t.ArtifactDir()
	if err := browserSignIn(ctx, ts.URL, "board"); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/metrics/response-urban", "/public/metrics/neighbourhood-crime"} {
		name := strings.ReplaceAll(strings.Trim(path, "/"), "/", "-")
		want := printAsLaidOut(t, ctx, ts.URL+path, 1280, dir, name+"-from-1280")
		for _, width := range []int64{800, 1024} {
			got := printAsLaidOut(t, ctx, ts.URL+path, width, dir, fmt.Sprintf("%s-from-%d", name, width))
			if len(got) != len(want) {
				t.Errorf("%s printed from a %d px window on %d sheets, from a 1280 px window on %d (see %s)", path, width, len(got), len(want), dir)
				continue
			}
			for i := range got {
				if n, total := differingPixels(readPNG(t, want[i]), readPNG(t, got[i])); n > total/1000 {
					t.Errorf("%s printed from a %d px window: %d of %d pixels of sheet %d differ from it printed from a 1280 px window (see %s)",
						path, width, n, total, i+1, dir)
				}
			}
		}
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// differingPixels counts the pixels that differ between a and b, those
// only one of them has included, and the pixels of the larger.
func differingPixels(a, b image.Image) (n, total int) {
	ab, bb := a.Bounds(), b.Bounds()
	w, h := max(ab.Dx(), bb.Dx()), max(ab.Dy(), bb.Dy())
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			pa, pb := image.Pt(ab.Min.X+x, ab.Min.Y+y), image.Pt(bb.Min.X+x, bb.Min.Y+y)
			if !pa.In(ab) || !pb.In(bb) {
				n++
				continue
			}
			r1, g1, b1, _ := a.At(pa.X, pa.Y).RGBA()
			r2, g2, b2, _ := b.At(pb.X, pb.Y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				n++
			}
		}
	}
	return n, w * h
}

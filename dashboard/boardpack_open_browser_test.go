package dashboard

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// openPartSensitive are texts of the demo's sensitive measures, finance
// and commentary: none may be in the board pack's open part.
var openPartSensitive = []string{"OFFICIAL-SENSITIVE", "Immediate response time", "DVPN applications", "DVPOs granted",
	"Part 2: confidential", "Finance", "underspend", "Commentary", "Written by", "Added by"}

// TestBoardPackOpenPartInABrowser draws the open part of the February
// 2022 pack at a desktop's width and a phone's, and prints it, keeping a
// picture of each (run with -artifacts to keep them): every chart drawn,
// no console error, axe clean, no marking and nothing sensitive.
func TestBoardPackOpenPartInABrowser(t *testing.T) {
	ctx := browser(t)
	ts := demoServer(t)
	w := watch(ctx)
	dir := t.ArtifactDir()
	const path = "/boardpack/open?meeting=2022-02-10"
	err := chromedp.Run(ctx,
		chromedp.Navigate(ts.URL+"/login"), chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", "board"), chromedp.SendKeys("#password", boardPassword),
		chromedp.Submit("#password"), chromedp.WaitVisible(".site-header__user form"))
	if err != nil {
		t.Fatal(err)
	}
	// Printed first, at the window's own size, as a reader would print it.
	var pdf []byte
	err = chromedp.Run(ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(`[data-chart-state="drawn"] canvas`),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			pdf, _, err = page.PrintToPDF().WithPrintBackground(true).WithPreferCSSPageSize(true).Do(ctx)
			return err
		}))
	if err != nil {
		t.Fatal(err)
	}
	pdfPath := filepath.Join(dir, "boardpack-open.pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed (Debian's poppler-utils): the PDF's text is not checked")
	} else {
		out, err := exec.Command("pdftotext", "-layout", pdfPath, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		printed := strings.Join(strings.Fields(string(out)), " ")
		checkInOrder(t, "printed open part", printed, []string{"Part 1: open", "National Crime and Policing Measures", "Signal or noise"})
		for _, s := range openPartSensitive {
			if strings.Contains(printed, s) {
				t.Errorf("the printed open part shows %q", s)
			}
		}
	}
	if _, err := exec.LookPath("pdftoppm"); err == nil {
		if out, err := exec.Command("pdftoppm", "-png", "-r", "60", pdfPath, filepath.Join(dir, "boardpack-open-print")).CombinedOutput(); err != nil {
			t.Errorf("pdftoppm: %v: %s", err, out)
		}
	}

	w.take()
	for _, width := range []int64{1400, 390} {
		var drawn []int
		var text string
		var shot []byte
		err := chromedp.Run(ctx, chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(ts.URL+path), chromedp.WaitVisible("[data-chart] canvas"),
			chromedp.Sleep(300*time.Millisecond),
			chromedp.Evaluate(drawnPixelsJS, &drawn),
			chromedp.Evaluate(`document.querySelector("main").innerText`, &text),
			chromedp.FullScreenshot(&shot, 100))
		if err != nil {
			t.Fatalf("at %d px: %v", width, err)
		}
		name := filepath.Join(dir, "boardpack-open-"+map[int64]string{1400: "desktop-1400", 390: "phone-390"}[width]+".png")
		if err := os.WriteFile(name, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		// The six national measures' three in the demo, each with its
		// process limits, and those by area where there are areas.
		if len(drawn) < 3 {
			t.Errorf("at %d px: %d charts, want at least 3", width, len(drawn))
		}
		for i, n := range drawn {
			if n < 500 {
				t.Errorf("at %d px: chart %d has %d drawn pixels: it did not draw", width, i, n)
			}
		}
		checkInOrder(t, "open part", text, []string{"Board pack for the meeting of 10 February 2022", "Part 1: open",
			"Exceptions among the open measures", "National Crime and Policing Measures", "Signal or noise", "Other open measures"})
		for _, s := range openPartSensitive {
			if strings.Contains(text, s) {
				t.Errorf("at %d px: the open part shows %q", width, s)
			}
		}
		problems, _ := w.take()
		for _, p := range problems {
			t.Errorf("at %d px: %s", width, p)
		}
	}
	if err := chromedp.Run(ctx, chromedp.EmulateReset()); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, ctx, path)
	checkReflow(t, ctx, path)

	t.Logf("open part pictures in %s", dir)
}

package dashboard

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/assure-pcc/assure/dashboard/pdf"
)

// TestBoardPackServerPDF asks the server for the February 2022 pack as a
// PDF, as the "Download PDF" button does, and reads it with poppler:
// each contents entry's page number is the page its section begins on,
// the pages are A4 with the header and footer, and nothing sensitive is
// in the open part's PDF. It then lays the pack out as Chromium prints
// it and checks that no element is wider than the page and every chart
// is whole. The PDFs and a picture of each page are kept (-artifacts).
func TestBoardPackServerPDF(t *testing.T) {
	browserCtx := browser(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (Debian's poppler-utils): the PDF cannot be read")
	}
	ts, _ := demoServerAndStore(t, func(c *Config) { c.Printer = pdf.New(findBrowser(), 3*time.Minute) })
	dir := t.ArtifactDir()
	c := newClient(t, ts)
	if resp, body := c.get("/boardpack/pdf?meeting=2022-02-10"); resp.StatusCode == 200 || strings.HasPrefix(body, "%PDF") {
		t.Fatalf("the public was given the pack's PDF: %d", resp.StatusCode)
	}
	c.login("board", boardPassword)

	// The whole pack.
	start := time.Now()
	resp, body := c.get("/boardpack/pdf?meeting=2022-02-10")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("/boardpack/pdf: %d %s %.80q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	t.Logf("the pack's PDF took %s", time.Since(start).Round(time.Millisecond))
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "board-pack-2022-02-10.pdf") {
		t.Errorf("Content-Disposition %q", cd)
	}
	path := filepath.Join(dir, "board-pack-2022-02-10.pdf")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	pages := pdfPages(t, path)
	t.Logf("the February 2022 pack prints to %d A4 pages", len(pages))
	info, _ := exec.Command("pdfinfo", path).Output()
	if !bytes.Contains(info, []byte("(A4)")) {
		t.Errorf("the PDF is not A4:\n%s", info)
	}
	checkOneMeasureAPage(t, pages, checkContents(t, pages))
	for i, p := range pages {
		if !strings.Contains(p, "Board pack: meeting of 10 February 2022") || !strings.Contains(p, "OFFICIAL-SENSITIVE") ||
			!strings.Contains(p, "Page "+strconv.Itoa(i+1)+" of "+strconv.Itoa(len(pages))) {
			t.Errorf("page %d lacks the header or footer (meeting, marking, page number):\n%.300s", i+1, p)
		}
	}
	whole := strings.Join(strings.Fields(strings.Join(pages, " ")), " ")
	checkInOrder(t, "PDF", whole, []string{"Contents", "What changed since the meeting of", "Actions from previous meetings",
		"Part 1: open", "Part 2: confidential", "Finance", "Capital programme", "RCCO", "POCA", "Reserves", "Immediate response time"})
	if _, err := exec.LookPath("pdftoppm"); err == nil {
		if out, err := exec.Command("pdftoppm", "-png", "-r", "50", path, filepath.Join(dir, "pack")).CombinedOutput(); err != nil {
			t.Errorf("pdftoppm: %v: %s", err, out)
		}
	}

	// Part 1, for publication: no sensitive measure, no marking.
	resp, body = c.get("/boardpack/open/pdf?meeting=2022-02-10")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("/boardpack/open/pdf: %d %.80q", resp.StatusCode, body)
	}
	openPath := filepath.Join(dir, "board-pack-2022-02-10-part-1-open.pdf")
	if err := os.WriteFile(openPath, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	open := strings.Join(strings.Fields(strings.Join(pdfPages(t, openPath), " ")), " ")
	checkInOrder(t, "open part's PDF", open, []string{"Part 1: open", "National Crime and Policing Measures"})
	for _, s := range openPartSensitive {
		if strings.Contains(open, s) {
			t.Errorf("the open part's PDF shows %q", s)
		}
	}

	// Laid out as Chromium prints it: at the paper's width, for print.
	if err := chromedp.Run(browserCtx,
		chromedp.Navigate(ts.URL+"/login"), chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", "board"), chromedp.SendKeys("#password", boardPassword),
		chromedp.Submit("#password"), chromedp.WaitVisible(".site-header__user form")); err != nil {
		t.Fatal(err)
	}
	var wide []string
	var charts []chartBox
	err := chromedp.Run(browserCtx,
		emulation.SetEmulatedMedia().WithMedia("print"),
		emulation.SetDeviceMetricsOverride(pdf.ContentWidthPx, 1100, 1, false),
		chromedp.Navigate(ts.URL+"/boardpack?meeting=2022-02-10"),
		chromedp.Evaluate(`window.assurePrint()`, nil, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
		chromedp.Evaluate(wideElementsJS, &wide),
		chromedp.Evaluate(chartBoxesJS, &charts))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range wide {
		t.Errorf("wider than the page (%d px): %s", pdf.ContentWidthPx, w)
	}
	if len(charts) < 10 {
		t.Errorf("%d charts laid out for print, want the pack's", len(charts))
	}
	for _, b := range charts {
		if b.Left < -0.5 || b.Right > float64(pdf.ContentWidthPx)+0.5 || b.Width < 100 || b.Right > b.BoxRight+0.5 {
			t.Errorf("chart %s is not whole on the page: canvas %.1f to %.1f, its element ends at %.1f, the page at %d",
				b.ID, b.Left, b.Right, b.BoxRight, pdf.ContentWidthPx)
		}
	}
	_ = chromedp.Run(browserCtx, emulation.ClearDeviceMetricsOverride(), emulation.SetEmulatedMedia())
	t.Logf("pack PDFs and pictures of their pages in %s", dir)
}

type chartBox struct {
	ID                           string
	Left, Right, Width, BoxRight float64
}

// wideElementsJS lists the shown elements whose box reaches past the
// page's width.
const wideElementsJS = `(() => {
  const limit = document.documentElement.clientWidth + 0.5;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > limit || r.left < -0.5) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
    if (out.length > 20) break;
  }
  return out;
})()`

// chartBoxesJS gives each drawn chart's canvas box and its element's.
const chartBoxesJS = `Array.from(document.querySelectorAll('[data-chart]')).filter(el => el.getBoundingClientRect().width > 0).map(el => {
  const c = el.querySelector('canvas');
  const r = c ? c.getBoundingClientRect() : {left: 0, right: 0, width: 0};
  return {ID: el.getAttribute('data-chart'), Left: r.left, Right: r.right, Width: r.width, BoxRight: el.getBoundingClientRect().right};
})`

// pdfPages is the text of each page of a PDF, as pdftotext lays it out.
func pdfPages(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	pages := strings.Split(string(out), "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

// packSections are the contents' entries that are not measures.
var packSections = []string{"What changed since", "Actions from previous meetings", "Part 1:", "Part 2:",
	"Exceptions among", "Finance:", "Response times", "Commentary on the open measures"}

// checkOneMeasureAPage checks that each measure in the contents begins
// on a page of its own and takes exactly that page: the entry before it
// is on an earlier page, the one after it (or the end of the PDF) on
// the next, and its page has no heading of another entry.
func checkOneMeasureAPage(t *testing.T, pages []string, entries []contentsItem) {
	t.Helper()
	measures := 0
	for i, e := range entries {
		if slices.ContainsFunc(packSections, func(s string) bool { return strings.HasPrefix(e.title, s) }) {
			continue
		}
		measures++
		if i > 0 && entries[i-1].page >= e.page {
			t.Errorf("measure %q does not start a page: %q is on page %d, it on %d", e.title, entries[i-1].title, entries[i-1].page, e.page)
		}
		next := len(pages) + 1
		if i+1 < len(entries) {
			next = entries[i+1].page
		}
		if next != e.page+1 {
			t.Errorf("measure %q takes pages %d to %d, want one page:\n%s", e.title, e.page, next-1, pages[min(e.page, len(pages)-1)])
		}
	}
	if measures < 10 {
		t.Errorf("%d measures in the contents, want the pack's", measures)
	}
	t.Logf("%d measures, each on one page", measures)
}

// contentsItem is an entry of the printed contents.
type contentsItem struct {
	title string
	page  int
}

// contentsEntry is a line of the printed contents: a title (its first
// line, when it wraps) and a page number.
var contentsEntry = regexp.MustCompile(`^\s*(\d+)\s\s+(\S.*?)\s*$|^\s*(\S.*?)\s\s+(\d+)\s*$`)

// checkContents reads the contents from the first pages and checks that
// each entry's section begins on the page it gives: that page has a
// heading line (text alone on its line, not a table row) that begins
// the title, and no page between the contents and it has one.
func checkContents(t *testing.T, pages []string) []contentsItem {
	t.Helper()
	type entry = contentsItem
	var entries []entry
	last := 0
	for i, p := range pages[:min(3, len(pages))] {
		if i > 0 && !strings.Contains(p, "Contents") && len(entries) > 0 && !hasEntries(p) {
			break
		}
		for _, line := range strings.Split(p, "\n") {
			m := contentsEntry.FindStringSubmatch(line)
			if m == nil || strings.Contains(line, "Page ") {
				continue
			}
			title, num := m[2], m[1]
			if title == "" {
				title, num = m[3], m[4]
			}
			n, _ := strconv.Atoi(num)
			title = strings.Join(strings.Fields(strings.TrimLeft(regexp.MustCompile(`^\s*\d+\.\s`).ReplaceAllString(title, ""), " ")), " ")
			if n < 1 || n > len(pages) || title == "" {
				continue
			}
			entries = append(entries, entry{title, n})
		}
		last = i + 1
	}
	if len(entries) < 15 {
		t.Fatalf("the contents have %d entries with page numbers, want every section and measure:\n%s", len(entries), pages[0])
	}
	heading := func(p int, title string) bool {
		for _, line := range strings.Split(pages[p-1], "\n") {
			l := strings.TrimSpace(line)
			if strings.Contains(l, "   ") || len(l) < 4 {
				continue // a table row, or nothing
			}
			l = strings.Join(strings.Fields(l), " ")
			if strings.HasPrefix(l, title) || (len(l) > 20 && strings.HasPrefix(title, l)) {
				return true
			}
		}
		return false
	}
	for _, e := range entries {
		if !heading(e.page, e.title) {
			t.Errorf("contents: %q is given page %d, which has no such heading", e.title, e.page)
			continue
		}
		for p := last + 1; p < e.page; p++ {
			if heading(p, e.title) && !strings.HasPrefix(e.title, "Exceptions") {
				t.Errorf("contents: %q is given page %d, but its heading is already on page %d", e.title, e.page, p)
				break
			}
		}
	}
	t.Logf("contents: %d entries checked against the pages", len(entries))
	return entries
}

func hasEntries(p string) bool {
	n := 0
	for _, line := range strings.Split(p, "\n") {
		if contentsEntry.MatchString(line) {
			n++
		}
	}
	return n > 5
}

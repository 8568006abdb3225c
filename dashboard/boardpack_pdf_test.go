package dashboard

import (
	"net/http"
	"strings"
	"testing"
)

// TestBoardPackPDFWithoutChromium: a server with no Chromium answers the
// PDF's address with a page that says how to print from the browser,
// not with an error, and the pack's button says so too.
func TestBoardPackPDFWithoutChromium(t *testing.T) {
	ts, _ := authServer(t, "sqlite")
	c := newClient(t, ts)
	if resp, _ := c.get("/boardpack/pdf?meeting=2022-02-10"); resp.StatusCode == http.StatusOK {
		t.Errorf("the public was given the board pack's PDF address: %d", resp.StatusCode)
	}
	c.login("board", boardPassword)
	for _, tc := range []struct{ path, back string }{
		{"/boardpack/pdf?meeting=2022-02-10", `href="/boardpack?meeting=2022-02-10"`},
		{"/boardpack/open/pdf?meeting=2022-02-10", `href="/boardpack/open?meeting=2022-02-10"`},
	} {
		resp, body := c.get(tc.path)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s, want the page that says how to print", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, want := range []string{"cannot make the PDF", "Print the pack from your browser", "Save as PDF", "A4", tc.back} {
			if !strings.Contains(body, want) {
				t.Errorf("%s does not say %q", tc.path, want)
			}
		}
	}
	if resp, _ := c.get("/boardpack/pdf?meeting=10/02/2022"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a meeting date not a date: %d, want 400", resp.StatusCode)
	}
	_, body := c.get("/boardpack?meeting=2022-02-10")
	for _, want := range []string{`href="/boardpack/pdf?meeting=2022-02-10">Download PDF</a>`, "cannot make PDFs", `data-page-of="part-confidential-heading"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the pack does not show %q", want)
		}
	}
}

// TestNumberContents writes page numbers into the contents' entries and
// leaves the rest of the page as it is.
func TestNumberContents(t *testing.T) {
	html := `<li><span class="contents__page" data-page-of="m-a"></span><a href="#m-a">A</a></li>` +
		`<li><span class="contents__page" data-page-of="m-b">9</span><a href="#m-b">B</a></li>` +
		`<li><span class="contents__page" data-page-of="gone"></span>C</li><p>data-page-of</p>`
	got := string(numberContents([]byte(html), map[string]int{"m-a": 3, "m-b": 12}))
	want := `<li><span class="contents__page" data-page-of="m-a">3</span><a href="#m-a">A</a></li>` +
		`<li><span class="contents__page" data-page-of="m-b">12</span><a href="#m-b">B</a></li>` +
		`<li><span class="contents__page" data-page-of="gone"></span>C</li><p>data-page-of</p>`
	if got != want {
		t.Errorf("numberContents:\n got %s\nwant %s", got, want)
	}
}

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

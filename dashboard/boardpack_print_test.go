package dashboard

import (
	"net/http"
	"strings"
	"testing"
)

// TestBoardPackPrintCSS: the pack, Part 1 and an address with an edition
// each get a print stylesheet naming the meeting in the top margin; what
// is not a meeting, a part or an edition is refused; the pack links it
// for print alone.
func TestBoardPackPrintCSS(t *testing.T) {
	ts, _ := authServer(t, "sqlite")
	c := newClient(t, ts)
	if resp, _ := c.get("/boardpack/print.css?meeting=2022-02-10"); resp.StatusCode == http.StatusOK {
		t.Errorf("the public was given the pack's print stylesheet: %d", resp.StatusCode)
	}
	c.login("board", boardPassword)
	for _, tc := range []struct {
		query  string
		status int
		want   string
	}{
		{"meeting=2022-02-10", 200, `content: "Board pack: meeting of 10 February 2022";`},
		{"meeting=2022-02-10&part=open", 200, `content: "Board pack, part 1: open: meeting of 10 February 2022";`},
		{"meeting=2022-02-10&edition=2", 200, `content: "Board pack, edition 2: meeting of 10 February 2022";`},
		{"meeting=2022-02-10&part=secret", 400, ""},
		{"meeting=2022-02-10&edition=0", 400, ""},
		{"meeting=10/02/2022", 400, ""},
	} {
		resp, body := c.get("/boardpack/print.css?" + tc.query)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", tc.query, resp.StatusCode, tc.status)
			continue
		}
		if tc.status != 200 {
			continue
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
			t.Errorf("%s: Content-Type %q", tc.query, ct)
		}
		if !strings.Contains(body, "@top-left") || !strings.Contains(body, tc.want) {
			t.Errorf("%s: the stylesheet does not say %s:\n%s", tc.query, tc.want, body)
		}
	}
	for path, link := range map[string]string{
		"/boardpack?meeting=2022-02-10":      `<link rel="stylesheet" href="/boardpack/print.css?meeting=2022-02-10" media="print">`,
		"/boardpack/open?meeting=2022-02-10": `<link rel="stylesheet" href="/boardpack/print.css?meeting=2022-02-10&amp;part=open" media="print">`,
	} {
		// Twice: the second answer comes from the page cache.
		for range 2 {
			if _, body := c.get(path); !strings.Contains(body, link) {
				t.Errorf("%s does not link its print stylesheet %s", path, link)
			}
		}
	}
}

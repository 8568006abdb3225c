package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/metrics"
)

// Printed from the browser, the board pack names its meeting at the top
// of every sheet, as the server's PDF does in its header. CSS can put
// text in a page's margin only as a constant in an @page rule, and the
// site's Content-Security-Policy allows no inline style, so the pack
// links a stylesheet of its own, made here for its meeting and used in
// print alone. The classification comes from assure.css: a page marked
// OFFICIAL-SENSITIVE is printed on the named page that carries it.

// packPrintCSS is the address of the print stylesheet for a pack of the
// meeting on iso: part is "open" for Part 1 alone, edition the number
// of a published edition (0 for the live pack).
func packPrintCSS(iso, part string, edition int) string {
	q := url.Values{"meeting": {iso}}
	if part != "" {
		q.Set("part", part)
	}
	if edition > 0 {
		q.Set("edition", strconv.Itoa(edition))
	}
	return "/boardpack/print.css?" + q.Encode()
}

// packPrintTitle is what the top margin of each printed sheet says.
func packPrintTitle(meeting time.Time, part string, edition int) string {
	title := "Board pack"
	switch {
	case part == "open":
		title = "Board pack, part 1: open"
	case edition > 0:
		title = fmt.Sprintf("Board pack, edition %d", edition)
	}
	return fmt.Sprintf("%s: meeting of %s", title, meeting.Format("2 January 2006"))
}

// handleBoardPackPrintCSS answers /boardpack/print.css.
func (s *Server) handleBoardPackPrintCSS(c echo.Context) error {
	meeting, err := meetingParam(c, s.now())
	if err != nil {
		return err
	}
	part := c.QueryParam("part")
	if part != "" && part != "open" {
		return metrics.Errorf(metrics.EINVALID, "the part of a pack is open or none, not %q", part)
	}
	edition := 0
	if v := c.QueryParam("edition"); v != "" {
		if edition, err = strconv.Atoi(v); err != nil || edition < 1 {
			return metrics.Errorf(metrics.EINVALID, "an edition is a number from 1, not %q", v)
		}
	}
	css := "@page {\n  @top-left {\n    content: " + cssString(packPrintTitle(meeting, part, edition)) +
		";\n    font-size: 9pt;\n    font-weight: 700;\n  }\n}\n"
	// Not kept by the browser: like every signed-in answer it is no-store,
	// since it names a meeting of a pack the reader was allowed to see.
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", []byte(css))
}

// cssString quotes s as a CSS string: quotes, backslashes and anything
// but printable text escaped as code points.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f || r == '<' || r == '>' {
			fmt.Fprintf(&b, "\\%x ", r)
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

package boardpack

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Printed from the browser, the board pack names its meeting at the top
// of every sheet, as the server's PDF does in its header. CSS can put
// text in a page's margin only as a constant in an @page rule, and the
// site's Content-Security-Policy allows no inline style, so the pack
// links a stylesheet of its own, made here for its meeting and used in
// print alone. The classification comes from assure.css: a page marked
// OFFICIAL-SENSITIVE is printed on the named page that carries it.

// PrintCSS is the address of the print stylesheet for a pack of the
// meeting on iso: part is "open" for Part 1 alone, edition the number
// of a published edition (0 for the live pack).
func PrintCSS(iso, part string, edition int) string {
	q := url.Values{"meeting": {iso}}
	if part != "" {
		q.Set("part", part)
	}
	if edition > 0 {
		q.Set("edition", strconv.Itoa(edition))
	}
	return "/boardpack/print.css?" + q.Encode()
}

// PrintTitle is what the top margin of each printed sheet says.
func PrintTitle(meeting time.Time, part string, edition int) string {
	title := "Board pack"
	switch {
	case part == "open":
		title = "Board pack, part 1: open"
	case edition > 0:
		title = fmt.Sprintf("Board pack, edition %d", edition)
	}
	return fmt.Sprintf("%s: meeting of %s", title, meeting.Format("2 January 2006"))
}

// Stylesheet is the print stylesheet of a pack of the meeting: its title
// in the top margin of every printed sheet (see PrintTitle).
func Stylesheet(meeting time.Time, part string, edition int) string {
	return "@page {\n  @top-left {\n    content: " + cssString(PrintTitle(meeting, part, edition)) +
		";\n    font-size: 9pt;\n    font-weight: 700;\n  }\n}\n"
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

// PDFMargin is a header or footer for Chromium: left and right, in the
// page's side margins. Chromium draws it apart from the page, at its own
// tiny default size, so it carries its own styles.
func PDFMargin(left, right string) string {
	return `<div style="font: 8pt sans-serif; width: 100%; margin: 0 15mm; display: flex; justify-content: space-between; color: #000;">` +
		`<span style="font-weight: 700;">` + left + `</span><span>` + right + `</span></div>`
}

// NumberContents writes each contents entry's page number into the
// pack: an entry is <span class="contents__page" data-page-of="ID">
// </span>, and the number goes between the two tags.
func NumberContents(html []byte, pages map[string]int) []byte {
	var out bytes.Buffer
	rest := html
	const mark = `data-page-of="`
	for {
		i := bytes.Index(rest, []byte(mark))
		if i < 0 {
			out.Write(rest)
			return out.Bytes()
		}
		i += len(mark)
		out.Write(rest[:i])
		rest = rest[i:]
		j := bytes.IndexByte(rest, '"')
		k := bytes.Index(rest, []byte("</span>"))
		if j < 0 || k < 0 || k < j {
			out.Write(rest)
			return out.Bytes()
		}
		id := string(rest[:j])
		out.Write(rest[:j])
		out.WriteString(`">`)
		if n, ok := pages[id]; ok {
			out.WriteString(strconv.Itoa(n))
		}
		rest = rest[k:]
	}
}

package dashboard

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/pdf"
	"github.com/assure-pcc/assure/metrics"
)

// The board pack as a PDF, made by the server with a headless Chromium
// (see dashboard/pdf). The pack is rendered here, for the reader who
// asked, by the ordinary route with the reader's own session: the same
// access rules decide what it holds, and only then is it handed to
// Chromium, which reaches nothing over the network. The contents' page
// numbers are read back from the print and the pack printed again with
// them (pdf.Document.Number). Without Chromium, the reader is told how
// to print the pack from the browser instead.

// pdfHost is the address Chromium is shown the pack at: never resolved,
// since every request it makes is answered from memory.
const pdfHost = "http://assure.pdf.invalid"

// packPDFPage is the page shown when the server cannot make the PDF.
type packPDFPage struct {
	Page
	Meeting, MeetingISO string
	// Back is the pack the PDF was asked for.
	Back string
}

// handleBoardPackPDF answers /boardpack/pdf (the whole pack) and
// /boardpack/open/pdf (Part 1).
func (s *Server) handleBoardPackPDF(c echo.Context) error {
	meeting, err := meetingParam(c, s.now())
	if err != nil {
		return err
	}
	iso := meeting.Format(time.DateOnly)
	path, title, name := "/boardpack", "Board pack", "board-pack-"+iso
	if strings.HasPrefix(c.Path(), "/boardpack/open") {
		path, title, name = "/boardpack/open", "Board pack, part 1: open", "board-pack-"+iso+"-part-1-open"
	}
	src := path + "?meeting=" + iso
	if s.printer == nil {
		p := packPDFPage{Page: s.page(c, title+" as PDF"), Meeting: meeting.Format("2 January 2006"), MeetingISO: iso, Back: src}
		return s.renderOK(c, "boardpack_pdf", &p)
	}
	html, sensitive, err := s.renderFor(c, src)
	if err != nil {
		return err
	}
	marking := ""
	if sensitive {
		marking = "OFFICIAL-SENSITIVE"
	}
	doc := pdf.Document{
		URL:    pdfHost + src,
		HTML:   html,
		Assets: http.HandlerFunc(s.serveAsset),
		Header: pdfMargin(fmt.Sprintf("%s: meeting of %s", title, meeting.Format("2 January 2006")), marking),
		Footer: pdfMargin(marking, `Page <span class="pageNumber"></span> of <span class="totalPages"></span>`),
		Ready:  `typeof window.assurePrint === "function" ? window.assurePrint() : true`,
		Number: func(pages map[string]int) []byte { return numberContents(html, pages) },
	}
	out, err := s.printer.Print(c.Request().Context(), doc)
	if errors.Is(err, pdf.ErrBusy) {
		return metrics.Errorf(metrics.EBUSY, "%s", err.Error())
	}
	if err != nil {
		return fmt.Errorf("board pack for %s as PDF: %w", iso, err)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
	return c.Blob(http.StatusOK, "application/pdf", out)
}

// renderFor renders the page at target as the reader of c would be
// shown it: through the routes, with their session, so that every
// access rule holds. sensitive says whether the page is marked.
func (s *Server) renderFor(c echo.Context, target string) ([]byte, bool, error) {
	in := c.Request()
	req := httptest.NewRequestWithContext(in.Context(), http.MethodGet, target, nil)
	req.RemoteAddr = in.RemoteAddr
	for _, h := range []string{"Cookie", "Authorization", "X-Forwarded-For", "User-Agent"} {
		if v := in.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return nil, false, &echo.HTTPError{Code: rec.Code, Message: http.StatusText(rec.Code)}
	}
	body := rec.Body.Bytes()
	return body, bytes.Contains(body, []byte(`class="official-sensitive"`)), nil
}

// serveAsset answers Chromium's requests for the page's styles, scripts
// and images, and nothing else.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		http.NotFound(w, r)
		return
	}
	s.handler.ServeHTTP(w, r)
}

// pdfMargin is a header or footer for Chromium: left and right, in the
// page's side margins. Chromium draws it apart from the page, at its own
// tiny default size, so it carries its own styles.
func pdfMargin(left, right string) string {
	return `<div style="font: 8pt sans-serif; width: 100%; margin: 0 15mm; display: flex; justify-content: space-between; color: #000;">` +
		`<span style="font-weight: 700;">` + left + `</span><span>` + right + `</span></div>`
}

// numberContents writes each contents entry's page number into the
// pack: an entry is <span class="contents__page" data-page-of="ID">
// </span>, and the number goes between the two tags.
func numberContents(html []byte, pages map[string]int) []byte {
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

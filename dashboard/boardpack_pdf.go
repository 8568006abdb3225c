package dashboard

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/boardpack"
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
		Header: boardpack.PDFMargin(fmt.Sprintf("%s: meeting of %s", title, meeting.Format("2 January 2006")), marking),
		Footer: boardpack.PDFMargin(marking, `Page <span class="pageNumber"></span> of <span class="totalPages"></span>`),
		Ready:  `typeof window.assurePrint === "function" ? window.assurePrint() : true`,
		Number: func(pages map[string]int) []byte { return boardpack.NumberContents(html, pages) },
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
	// Not Accept-Encoding: the page is read here, so it must come
	// uncompressed, never as the gzip a kept page goes out as.
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

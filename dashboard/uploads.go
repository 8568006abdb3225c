package dashboard

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/mapping"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// multipartSlack is room for the multipart envelope around the file.
const multipartSlack = 1 << 20

type uploadsPage struct {
	Page
	CanUpload bool
	// PerformanceTemplate and FinanceTemplate are the templates the
	// reader may fill in: those of the kinds they upload.
	PerformanceTemplate, FinanceTemplate bool
	Uploads                              []uploadRow
	Report                               *ingest.Report
	// Confirm is set after a clean dry run: the checked file waits for
	// the uploader to store it. Empty is set instead when the file passed
	// but holds nothing to store: there is nothing to confirm.
	Confirm, Empty bool
	// Period is the finance month the uploader gave, carried to the
	// confirmation.
	Period string
	// Mappings are the shipped table mappings an analyst may choose;
	// Map is the one chosen, carried to the confirmation.
	Mappings []mapping.Info
	Map      string
	// Links lead, after a file is stored, to the figures it changed.
	Links []pageLink
}

// pageLink is a link to another page.
type pageLink struct{ Href, Text string }

// changedLinks are the pages that show what a stored file changed: each
// measure it gave values to, the finance month, and the proposals it
// made, which wait for approval.
func changedLinks(rep ingest.Report) []pageLink {
	var out []pageLink
	if f := rep.Finance; f != nil {
		if p, err := metrics.ParseFinancePeriod(f.Period); err == nil {
			out = append(out, pageLink{Href: fmt.Sprintf("/finance?year=%s&month=%d", metrics.FinancialYearParam(p.FYStart), p.Month), Text: "Finance, " + f.Label})
		}
	}
	if pv := rep.Preview; pv != nil {
		for _, m := range pv.Measures {
			out = append(out, pageLink{Href: "/metrics/" + url.PathEscape(m.MetricID), Text: m.Name})
		}
		for _, ch := range pv.Catalogue {
			if ch.Proposed {
				out = append(out, pageLink{Href: "/catalogue/proposals", Text: "Classification proposals waiting for approval"})
				break
			}
		}
	}
	return out
}

type uploadRow struct {
	metrics.Upload
	CanRollback bool
}

// uploadLimit is the largest file accepted, the ingest's own limit (none
// for a server without an ingester, which takes no uploads).
func (s *Server) uploadLimit() int64 {
	if s.ingester == nil {
		return 0
	}
	return s.ingester.Package.MaxFileBytes
}

func tooLarge(limit int64) error {
	return metrics.Errorf(metrics.ETOOLARGE, "The file is larger than the %d MB upload limit. Split it, or ask an administrator to raise it with --max-file-mb.", limit>>20)
}

// readUpload reads the multipart field "file" of a body that
// readUploadForm has parsed within the upload limit.
func (s *Server) readUpload(c echo.Context) (string, []byte, error) {
	limit := s.uploadLimit()
	fh, err := c.FormFile("file")
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return "", nil, tooLarge(limit)
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, multipart.ErrMessageTooLarge):
		return "", nil, metrics.Errorf(metrics.EINVALID, "Choose a workbook to upload (the form field is called file).")
	case err != nil:
		return "", nil, metrics.Errorf(metrics.EINVALID, "The upload could not be read: send the file as multipart/form-data in the field file.")
	}
	if fh.Size > limit {
		return "", nil, tooLarge(limit)
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return "", nil, fmt.Errorf("read upload: %w", err)
	}
	if int64(len(content)) > limit {
		return "", nil, tooLarge(limit)
	}
	return cleanFileName(fh.Filename), content, nil
}

// cleanFileName keeps the base name of an uploaded file (browsers may
// send a path such as C:\fakepath\Q3.xlsx), without control characters.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		return "upload.xlsx"
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

func (s *Server) uploadsPage(c echo.Context, rep *ingest.Report, confirm bool) (uploadsPage, error) {
	u := auth.User(c)
	ups, err := s.store.ListUploads(c.Request().Context())
	if err != nil {
		return uploadsPage{}, err
	}
	p := uploadsPage{Page: s.page(c, "Uploads"), Report: rep, Confirm: confirm,
		CanUpload:           u.CanUpload(metrics.KindPerformance) || u.CanUpload(metrics.KindFinance),
		PerformanceTemplate: auth.MayUpload(u, metrics.KindPerformance) == nil,
		FinanceTemplate:     auth.MayUpload(u, metrics.KindFinance) == nil}
	if u.CanUpload(metrics.KindTable) {
		p.Mappings = mapping.List()
	}
	for _, up := range ups {
		p.Uploads = append(p.Uploads, uploadRow{Upload: up, CanRollback: up.Status == metrics.StatusStored && u.CanUpload(up.Kind)})
	}
	p.Sensitive = true // upload history names files of sensitive data
	return p, nil
}

func (s *Server) handleUploads(c echo.Context) error {
	p, err := s.uploadsPage(c, nil, false)
	if err != nil {
		return err
	}
	return s.renderOK(c, "uploads", p)
}

// handleUploadCheck is the dry run: the file is checked and what would
// be stored is shown; a clean file waits for the uploader to confirm.
func (s *Server) handleUploadCheck(c echo.Context) error {
	u := auth.User(c)
	name, content, err := s.readUpload(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	period := strings.TrimSpace(c.FormValue("period"))
	mapName, m, err := formMapping(c.FormValue("map"))
	if err != nil {
		return err
	}
	rep, err := s.ingester.Ingest(ctx, name, content, ingest.Options{DryRun: true, UploadedBy: u.Name, Allow: func(kind string) error { return auth.MayUpload(u, kind) }, Period: period, Mapping: m})
	if err != nil {
		return err
	}
	// A file that would store nothing is not kept to be confirmed:
	// storing it would only add an upload that changed nothing to the
	// history.
	empty := rep.ChangesNothing()
	confirm := rep.Status == ingest.StatusStored && !empty
	if confirm {
		if err := s.store.SavePending(ctx, rep.SHA256, u.Name, name, content); err != nil {
			return err
		}
	}
	p, err := s.uploadsPage(c, &rep, confirm)
	if err != nil {
		return err
	}
	p.Period, p.Map, p.Empty = period, mapName, empty
	status := http.StatusOK
	if rep.Rejected() {
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, "uploads", p)
}

// formMapping resolves the "map" field of an upload: empty for a
// workbook, else the name of a shipped mapping (files on the server are
// never read from a form).
func formMapping(name string) (string, *mapping.Mapping, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, nil
	}
	m, ok := mapping.Named(name)
	if !ok {
		return "", nil, metrics.Errorf(metrics.EINVALID, "There is no table mapping called %q: choose one of the mappings listed on the upload page.", name)
	}
	return name, m, nil
}

// handleUploadConfirm stores a file that passed its dry run.
func (s *Server) handleUploadConfirm(c echo.Context) error {
	u := auth.User(c)
	ctx := c.Request().Context()
	name, content, err := s.store.TakePending(ctx, c.FormValue("sha256"), u.Name)
	if err != nil {
		return err
	}
	_, m, err := formMapping(c.FormValue("map"))
	if err != nil {
		return err
	}
	rep, err := s.ingester.Ingest(ctx, name, content, ingest.Options{UploadedBy: u.Name, Allow: func(kind string) error { return auth.MayUpload(u, kind) }, Period: strings.TrimSpace(c.FormValue("period")), Mapping: m})
	if err != nil {
		return err
	}
	s.auditReport(c, rep)
	p, err := s.uploadsPage(c, &rep, false)
	if err != nil {
		return err
	}
	if rep.Status == ingest.StatusStored {
		p.Links = changedLinks(rep)
	}
	return s.renderOK(c, "uploads", p)
}

func (s *Server) auditReport(c echo.Context, rep ingest.Report) {
	action := metrics.AuditUpload
	if rep.Rejected() {
		action = metrics.AuditUploadRejected
	}
	detail := fmt.Sprintf("%s (%s, %s, sha256 %s)", rep.File, rep.Kind, rep.Status, rep.SHA256)
	s.audit(c, auth.User(c).Name, action, detail)
}

// uploadID reads the :id of an upload route.
func uploadID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, metrics.Errorf(metrics.ENOTFOUND, "no such upload")
	}
	return id, nil
}

// handleUploadOriginal downloads the file exactly as it was uploaded.
func (s *Server) handleUploadOriginal(c echo.Context) error {
	id, err := uploadID(c)
	if err != nil {
		return err
	}
	up, content, err := s.store.UploadContent(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", asciiFileName(up.FileName)))
	return c.Blob(http.StatusOK, xlsxType, content)
}

// asciiFileName keeps a download's name safe in a header.
func asciiFileName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
}

type rollbackPage struct {
	Page
	Plan store.RollbackPlan
}

// handleUploadRollbackConfirm says what rolling an upload back will
// revert, and asks the uploader to confirm.
func (s *Server) handleUploadRollbackConfirm(c echo.Context) error {
	u := auth.User(c)
	id, err := uploadID(c)
	if err != nil {
		return err
	}
	plan, err := s.store.PlanRollback(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if err := auth.MayUpload(u, plan.Upload.Kind); err != nil {
		return err
	}
	p := rollbackPage{Page: s.page(c, "Roll back "+plan.Upload.FileName), Plan: plan}
	p.Sensitive = true
	return s.renderOK(c, "rollback", p)
}

// handleUploadRollback removes an upload's values and restores those it
// superseded, and the catalogue entries it changed.
func (s *Server) handleUploadRollback(c echo.Context) error {
	u := auth.User(c)
	id, err := uploadID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	plan, err := s.store.PlanRollback(ctx, id)
	if err != nil {
		return err
	}
	if err := auth.MayUpload(u, plan.Upload.Kind); err != nil {
		return err
	}
	counts, err := s.store.RollbackUpload(ctx, id, u.Name)
	if err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditRollback, fmt.Sprintf("upload %d %s: %d values removed, %d restored, %d catalogue entries restored or deleted",
		id, plan.Upload.FileName, counts.Removed, counts.Restored, len(plan.Catalogue)))
	return c.Redirect(http.StatusSeeOther, "/uploads")
}

// handleAPIUpload is POST /api/v1/uploads: the same report as
// `assure ingest --json`; ?dry_run=true checks without storing.
func (s *Server) handleAPIUpload(c echo.Context) error {
	u := auth.User(c)
	name, content, err := s.readUpload(c)
	if err != nil {
		return err
	}
	dry := c.QueryParam("dry_run") == "true" || c.QueryParam("dry_run") == "1"
	period := c.QueryParam("period")
	if period == "" {
		period = c.FormValue("period")
	}
	mapName := c.QueryParam("map")
	if mapName == "" {
		mapName = c.FormValue("map")
	}
	_, m, err := formMapping(mapName)
	if err != nil {
		return err
	}
	rep, err := s.ingester.Ingest(c.Request().Context(), name, content, ingest.Options{DryRun: dry, UploadedBy: u.Name, Allow: func(kind string) error { return auth.MayUpload(u, kind) }, Period: strings.TrimSpace(period), Mapping: m})
	if err != nil {
		return err
	}
	if !dry {
		s.auditReport(c, rep)
	}
	status := http.StatusOK
	switch {
	case rep.Rejected():
		status = http.StatusUnprocessableEntity
	case rep.Status == ingest.StatusStored && !dry:
		status = http.StatusCreated
	}
	return c.JSON(status, rep)
}

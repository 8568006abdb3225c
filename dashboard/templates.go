package dashboard

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/boardpack"
	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
)

//go:embed templates/*.html
var templateFS embed.FS

// Page is what the layout needs on every page.
type Page struct {
	Title   string
	Version string
	// Sensitive marks a page that shows sensitive figures: it carries the
	// OFFICIAL-SENSITIVE marking at its top and bottom.
	Sensitive bool
	Path      string
	// User is the signed-in user, nil for the public.
	User *metrics.User
	// CSRF is the token every form posts back.
	CSRF string
	// Root prefixes links to Assure's own files: "/" when served, a
	// relative path such as "../" in a published static site.
	Root string
	// Published marks a page of the static site that `assure publish`
	// writes: no navigation to the live dashboard, no sign-in.
	Published bool
	// Organisation is the office's name (metrics.Settings), in every
	// page's title and footer.
	Organisation string
	// Nav says which links of the navigation the reader gets.
	Nav auth.Nav
	// Body, when set, is the page's main content rendered already (kept
	// by the page cache), in place of its "content" template.
	Body template.HTML
	// PrintCSS, when set, is the address of a stylesheet for print
	// alone that names the page in the top margin of every printed
	// sheet (see boardpack/print.go): a link, since the site's
	// Content-Security-Policy allows no inline style.
	PrintCSS string
}

func (s *Server) page(c echo.Context, title string) Page {
	p := Page{Title: title, Version: s.version, Path: c.Request().URL.Path, User: auth.User(c), Root: "/",
		Organisation: s.settings(c.Request().Context()).Organisation, Nav: auth.NavFor(auth.User(c))}
	p.CSRF = auth.CSRFToken(c)
	return p
}

// templateFuncs are the helpers templates may call.
var templateFuncs = template.FuncMap{
	// The long tables' bodies, written without the template's ranging
	// (see metric_table_html.go).
	"spcRowsHTML":     spcRowsHTML,
	"compareRowsHTML": compareRowsHTML,
	"value":           formatValue,
	// number writes a figure exactly, as typed into a form or compared
	// with its revision: "12.25", never rounded.
	"number":    func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) },
	"figure":    formatFigure,
	"unitHead":  withUnitHeading,
	"unitOf":    metrics.UnitHeading,
	"target":    formatTarget,
	"deref":     func(f *float64) float64 { return *f },
	"derefInt":  func(i *int64) int64 { return *i },
	"thousands": gbpK,
	// count writes how many there are with the noun, singular for one:
	// {{count .Removed "value" "values"}} is "1 value" or "2,400 values".
	"count": countOf,
	// asset links to an embedded file: {{asset .Root "css/assure.css"}}.
	"asset":    assetPath,
	"variance": varianceK,
	// packTable names a board pack's table of exceptions.
	"packTable": func(label string, ms []boardpack.Measure) packExceptions { return packExceptions{label, ms} },
	// meetingRows names a table of meetings.
	"meetingRows": func(label string, ms []view.Meeting, manage bool, csrf string) meetingRowsView {
		return meetingRowsView{Label: label, Meetings: ms, CanManage: manage, CSRF: csrf}
	},
}

// packExceptions is a board pack's table of exceptions and its label.
type packExceptions struct {
	Label    string
	Measures []boardpack.Measure
}

// parseTemplates parses layout.html with each page template, one set per
// page, so that every page defines its own "content". Files whose names
// begin with "_" are partials, not pages: they define templates that
// several pages share, and are parsed into every set.
func parseTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t := template.New("layout.html").Funcs(templateFuncs)
		if _, err := t.Parse(chart.ChartPanelTemplate); err != nil {
			return nil, fmt.Errorf("chart panel template: %w", err)
		}
		files := append(append([]string{"templates/layout.html"}, partials...), name)
		if _, err := t.ParseFS(templateFS, files...); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so that a template error
// gives a clean 500 instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	b, err := s.execute(name, data)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, b)
}

// renderOK renders a page with status 200.
func (s *Server) renderOK(c echo.Context, name string, data any) error {
	return s.render(c, http.StatusOK, name, data)
}

// countOf is the template function count. n is a count of any integer
// type; anything else is a fault of the template, written as it is.
func countOf(n any, one, many string) string {
	var v int64
	switch x := n.(type) {
	case int:
		v = int64(x)
	case int64:
		v = x
	case int32:
		v = int64(x)
	default:
		return fmt.Sprint(n) + " " + many
	}
	noun := many
	if v == 1 {
		noun = one
	}
	return metrics.FormatFixed(float64(v), 0) + " " + noun
}

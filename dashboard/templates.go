package dashboard

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/assure-pcc/assure/metrics"
	"github.com/labstack/echo/v4"
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
}

func (s *Server) page(c echo.Context, title string) Page {
	p := Page{Title: title, Version: s.version, Path: c.Request().URL.Path, User: currentUser(c)}
	p.CSRF, _ = c.Get(csrfContextKey).(string)
	return p
}

// templateFuncs are the helpers templates may call.
var templateFuncs = template.FuncMap{
	"value":  formatValue,
	"number": formatNumber,
}

// parseTemplates parses layout.html with each page template, one set per
// page, so that every page defines its own "content".
func parseTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t := template.New("layout.html").Funcs(templateFuncs)
		if _, err := t.Parse(ChartPanelTemplate); err != nil {
			return nil, fmt.Errorf("chart panel template: %w", err)
		}
		if _, err := t.ParseFS(templateFS, "templates/layout.html", name); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so that a template error
// gives a clean 500 instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// renderOK renders a page with status 200.
func (s *Server) renderOK(c echo.Context, name string, data any) error {
	return s.render(c, http.StatusOK, name, data)
}

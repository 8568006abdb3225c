package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/assure-pcc/assure/static"
)

// Publish writes the public pages as a static site into dir, for the
// Commissioner's office to put on its website: index.html, a page and a
// CSV per open measure, and the css and chart scripts. It is built from
// open measures only (metrics.Public), with the date it was generated and
// the period each figure covers. It returns the number of files written.
func (s *Server) Publish(ctx context.Context, dir string) (int, error) {
	written := 0
	write := func(rel string, b []byte) error {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
		written++
		return nil
	}
	groups, err := s.publicIndex(ctx)
	if err != nil {
		return 0, err
	}
	generated := s.now().Format("2 January 2006 15:04")
	page := func(title, root string) Page {
		return Page{Title: title, Version: s.version, Root: root, Published: true}
	}
	index := publicIndexPage{Page: page("Published measures", ""), Groups: groups, Generated: generated,
		Link: func(id string) string { return "metrics/" + id + ".html" }}
	b, err := s.execute("public_index", index)
	if err != nil {
		return written, err
	}
	if err := write("index.html", b); err != nil {
		return written, err
	}
	for _, g := range groups {
		for _, t := range g.Tiles {
			p, obs, err := s.publicMetric(ctx, t.Metric.ID)
			if err != nil {
				return written, err
			}
			m := p.Metric
			p.Page, p.Generated = page(m.Name, "../"), generated
			p.CSVHref, p.IndexHref = m.ID+".csv", "../index.html"
			if b, err = s.execute("public_metric", p); err != nil {
				return written, err
			}
			if err := write("metrics/"+m.ID+".html", b); err != nil {
				return written, err
			}
			csv, err := seriesCSV(m, obs)
			if err != nil {
				return written, err
			}
			if err := write("metrics/"+m.ID+".csv", csv); err != nil {
				return written, err
			}
		}
	}
	err = fs.WalkDir(static.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static.FS, path)
		if err != nil {
			return err
		}
		return write("static/"+path, b)
	})
	if err != nil {
		return written, fmt.Errorf("publish static files: %w", err)
	}
	return written, nil
}

// execute renders a page template to bytes.
func (s *Server) execute(name string, data any) ([]byte, error) {
	t, ok := s.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

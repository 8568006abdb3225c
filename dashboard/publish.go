package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/assure-pcc/assure/dashboard/export"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/static"
)

// Publishing: `assure publish DIR` makes DIR exactly the open set of the
// moment, for the Commissioner's website. The site is built in a new
// folder beside DIR, from the public's view of one version of the
// database, and swapped in by a rename once it is complete, so that DIR
// holds either the previous site, whole, or the new one, whole; whatever
// the previous site held that is no longer open (a measure made
// sensitive since, its page and its CSV) goes with it. A manifest says
// what was published, when, and from which versions of the data. The
// folder's mechanics are package export's; the pages are rendered here.

// Manifest is what a published folder's manifest.json says (see
// package export).
type Manifest = export.Manifest

// ManifestName is the manifest's file name in a published folder.
const ManifestName = export.ManifestName

// PublishOptions says what a publication holds beside the open measures.
type PublishOptions struct {
	// Meeting, when set, adds Part 1 (open) of that meeting's board pack.
	Meeting time.Time
}

// publishAttempts is how many times Publish builds the site before it
// gives up on a database that changes under every build.
const publishAttempts = 3

// Publish makes dir exactly the published site: the index, a page and a
// CSV per open measure (and, with opts.Meeting, the open part of that
// meeting's board pack), the css and chart scripts, and the manifest. It
// is built from open measures only (metrics.Public), with the date it
// was generated and the period each figure covers.
//
// dir may be missing (it is made), or a folder Assure published before:
// one with Assure's manifest, or one an older Assure wrote, which holds
// nothing but an index, measure pages and CSVs and the static files.
// Anything else, a symbolic link above all, is refused, and nothing is
// written. The site is built beside dir and swapped in whole; should
// anything fail, dir keeps the previous site and nothing of the new one
// is left behind. Should the database change while the site is built,
// it is built again, so that the whole site is of one version.
func (s *Server) Publish(ctx context.Context, dir string, opts PublishOptions) (Manifest, error) {
	target, existed, err := export.Target(dir)
	if err != nil {
		return Manifest{}, err
	}
	for attempt := 1; ; attempt++ {
		before, err := s.store.Versions(ctx)
		if err != nil {
			return Manifest{}, fmt.Errorf("publish: %w", err)
		}
		built, m, err := export.Build(target, s.version, s.now(), before, s.publishHook, func(f *export.Folder) error { return s.writeSite(ctx, f, opts) })
		if err != nil {
			return Manifest{}, fmt.Errorf("publish: %w", err)
		}
		after, err := s.store.Versions(ctx)
		if err != nil {
			os.RemoveAll(built)
			return Manifest{}, fmt.Errorf("publish: %w", err)
		}
		if after == before {
			if err := export.SwapIn(built, target, existed); err != nil {
				os.RemoveAll(built)
				return Manifest{}, fmt.Errorf("publish: %w", err)
			}
			return m, nil
		}
		os.RemoveAll(built)
		if attempt == publishAttempts {
			return Manifest{}, metrics.Errorf(metrics.ECONFLICT,
				"the figures or the catalogue changed while the site was built, %d times: %s was left as it was; publish again", attempt, dir)
		}
		s.logger.Info("the data changed while the site was built: building it again", "from", before, "to", after)
	}
}

// writeSite writes every page, CSV and static file of the site.
func (s *Server) writeSite(ctx context.Context, st *export.Folder, opts PublishOptions) error {
	groups, err := s.publicIndex(ctx)
	if err != nil {
		return err
	}
	generated := s.now().Format("2 January 2006 15:04")
	org := s.settings(ctx).Organisation
	page := func(title, root string) Page {
		return Page{Title: title, Version: s.version, Root: root, Published: true, Organisation: org}
	}
	index := publicIndexPage{Page: page("Published measures", ""), Groups: groups, Generated: generated,
		Link: func(id string) string { return "metrics/" + id + ".html" }}
	if !opts.Meeting.IsZero() {
		p, err := s.openPackPageFor(ctx, page("Board pack, part 1: open", "../"), opts.Meeting)
		if err != nil {
			return err
		}
		p.Generated = generated
		rel := "boardpack/" + p.MeetingISO + ".html"
		b, err := s.execute("boardpack_open", p)
		if err != nil {
			return err
		}
		if err := st.Write(rel, b); err != nil {
			return err
		}
		pack := &export.ManifestPack{Meeting: p.MeetingISO, Page: rel, Measures: []string{}}
		for _, pm := range append(p.Open.National, p.Open.Others...) {
			pack.Measures = append(pack.Measures, pm.Metric.ID)
		}
		st.M.BoardPack = pack
		index.Papers = []paperLink{{Title: "Board pack for the meeting of " + p.Meeting + ", part 1: open", Href: rel}}
	}
	b, err := s.execute("public_index", index)
	if err != nil {
		return err
	}
	if err := st.Write("index.html", b); err != nil {
		return err
	}
	for _, g := range groups {
		for _, t := range g.Tiles {
			if err := ctx.Err(); err != nil {
				return err
			}
			p, obs, err := s.publicMetric(ctx, t.Metric.ID)
			if err != nil {
				return err
			}
			m := p.Metric
			if m.ID != metrics.Slug(m.ID) {
				return fmt.Errorf("measure id %q is not a file name", m.ID)
			}
			p.Page, p.Generated = page(m.Name, "../"), generated
			p.CSVHref, p.IndexHref = m.ID+".csv", "../index.html"
			if b, err = s.execute("public_metric", p); err != nil {
				return err
			}
			mm := export.ManifestMeasure{ID: m.ID, Name: m.Name, Category: m.Category, LatestPeriod: t.Period,
				Page: "metrics/" + m.ID + ".html", CSV: "metrics/" + m.ID + ".csv"}
			if err := st.Write(mm.Page, b); err != nil {
				return err
			}
			csv, err := export.SeriesCSV(m, obs)
			if err != nil {
				return err
			}
			if err := st.Write(mm.CSV, csv); err != nil {
				return err
			}
			st.M.Measures = append(st.M.Measures, mm)
		}
	}
	err = fs.WalkDir(static.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static.FS, p)
		if err != nil {
			return err
		}
		return st.Write("static/"+p, b)
	})
	if err != nil {
		return fmt.Errorf("publish static files: %w", err)
	}
	return nil
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

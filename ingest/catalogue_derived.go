package ingest

import (
	"strings"

	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
)

// catalogueExtras reads a catalogue row's Benchmark, Benchmark label and
// Derived columns, where the sheet has them (an empty cell clears the
// field, as the row gives the whole entry). A Derived cell must be a
// definition metrics.ParseDerivation reads; its inputs are checked once
// the whole file is read (checkDerived). ok is false when a cell was
// bad (reported).
func (r *performanceReader) catalogueExtras(m *metrics.Metric, sheet string, rowNum int, cols map[role]int, cells []xlsx.Cell) (ok bool) {
	ok = true
	if col, has := cols[roleBenchmark]; has {
		c, t := cellText(cells, col, true)
		m.Benchmark = nil
		if t != "" || c.Formula {
			v, pct, good := r.cellNumber(sheet, rowNum, c)
			switch {
			case good:
				m.Benchmark = &v
				if pct {
					r.notePercent(m.ID, sheet, xlsx.CellName(col, rowNum))
				}
			case r.probs.failed():
				ok = false
			}
		}
	}
	if col, has := cols[roleBenchmarkLabel]; has {
		_, m.BenchmarkLabel = cellText(cells, col, true)
	}
	if col, has := cols[roleDerivation]; has {
		_, t := cellText(cells, col, true)
		m.Derivation = ""
		if t != "" {
			d, err := metrics.ParseDerivation(t)
			if err != nil {
				r.probs.errorf(sheet, xlsx.CellName(col, rowNum), "%s", metrics.ErrorMessage(err))
				return false
			}
			m.Derivation = d.String()
		}
	}
	return ok
}

// checkDerived checks each derived measure the file defines once every
// row is read: its inputs must be measures of the catalogue or the file
// whose values are uploaded (not derived, and not the measure itself),
// and it is sensitive when any input is, or is asked to be, whatever its
// row says. An upload never opens a measure (it proposes), and the store
// refuses to open a derived measure while an input is sensitive.
func (r *performanceReader) checkDerived() {
	for _, id := range r.cat.order {
		f := r.cat.file[id]
		if f.m.Derivation == "" {
			continue
		}
		sheet, cell, _ := strings.Cut(f.where, "!")
		d, err := metrics.ParseDerivation(f.m.Derivation)
		if err != nil {
			r.probs.errorf(sheet, cell, "%s", metrics.ErrorMessage(err))
			continue
		}
		var classes []metrics.Classification
		var sensitive []string
		for _, in := range d.Inputs {
			m, known := r.cat.entry(in)
			switch {
			case in == id:
				r.probs.errorf(sheet, cell, "%s is derived from itself: name other measures in its definition", id)
			case !known:
				r.probs.errorf(sheet, cell, "%s is derived from %s, which is not in the catalogue: add it, or correct the id", id, in)
			case m.Derivation != "":
				r.probs.errorf(sheet, cell, "%s is derived from %s, which is derived itself: define it from the measures %s is computed from", id, in, in)
			default:
				// As the file asks: an input the file asks to open is
				// proposed, and the derived measure with it; approving
				// the derived one is refused while an input is not open.
				c := m.Classification
				if w, inFile := r.cat.file[in]; inFile {
					c = w.m.Classification
				}
				classes = append(classes, c)
				if c != metrics.Open {
					sensitive = append(sensitive, in)
				}
			}
		}
		if f.m.Classification == metrics.Open && metrics.DerivedClassification(metrics.Open, classes) != metrics.Open {
			f.m.Classification = metrics.Sensitive
			r.probs.warnf(sheet, cell, "%s is derived from %s, which is sensitive, so it is stored as sensitive: open %s first to publish it",
				id, strings.Join(sensitive, " and "), strings.Join(sensitive, " and "))
		}
	}
}

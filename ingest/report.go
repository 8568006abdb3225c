package ingest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics/store"
)

// Report is the verdict on one file: what was (or, on a dry run, would be)
// stored, and every problem found. `assure ingest --json` prints it and
// POST /api/v1/uploads returns it, so its JSON names are an interface.
type Report struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Kind   string `json:"kind"`
	// Mapping names the mapping a table was read through.
	Mapping  string    `json:"mapping,omitempty"`
	Status   string    `json:"status"`
	DryRun   bool      `json:"dry_run"`
	UploadID int64     `json:"upload_id,omitempty"`
	Counts   Counts    `json:"counts"`
	Errors   []Problem `json:"errors"`
	Warnings []Problem `json:"warnings"`
	// ErrorsTruncated is the number of errors found beyond those listed.
	ErrorsTruncated int `json:"errors_truncated,omitempty"`
	// Finance summarises a finance workbook that was (or would be) stored.
	Finance *FinanceSummary `json:"finance,omitempty"`
	// Preview says what storing a performance workbook or a table changes
	// (or, once stored, changed): the catalogue first, then each
	// measure's values. A rejected file has none.
	Preview *Preview `json:"preview,omitempty"`
}

// Preview is what a file changes, measured against what is stored
// before it, the same for a dry run and a real ingest.
type Preview struct {
	// Catalogue lists new measures and changes to measures' entries,
	// which a reader should see first.
	Catalogue []CatalogueChange `json:"catalogue"`
	// Measures says, for each measure the file gives values, which
	// periods and areas it touches and how many values are new or revise
	// stored ones.
	Measures []MeasureChange `json:"measures"`
}

// Counts says how much a file held.
type Counts struct {
	Sheets       int `json:"sheets"`
	Rows         int `json:"rows"`
	Observations int `json:"observations"`
	Metrics      int `json:"metrics"`
	Superseded   int `json:"superseded"`
	SkippedRows  int `json:"skipped_rows"`
	// Incidents counts the incident-level response times read from an
	// incidents sheet; omitted when there were none.
	Incidents int `json:"incidents,omitempty"`
}

// Problem is one error or warning, located as precisely as the file
// allows: sheet and cell when known.
type Problem struct {
	Sheet   string `json:"sheet,omitempty"`
	Cell    string `json:"cell,omitempty"`
	Message string `json:"message"`
}

// Format renders the problem for a person, naming the file:
// `Q3.xlsx: sheet "Calls", cell D7: "tbc" is not a number`.
func (p Problem) Format(file string) string {
	var b strings.Builder
	b.WriteString(file)
	if p.Sheet != "" {
		fmt.Fprintf(&b, ": sheet %q", p.Sheet)
	}
	if p.Cell != "" {
		if p.Sheet != "" {
			b.WriteString(",")
		} else {
			b.WriteString(":")
		}
		fmt.Fprintf(&b, " cell %s", p.Cell)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// Rejected reports whether the file was refused.
func (r Report) Rejected() bool { return r.Status == StatusRejected }

// ChangesNothing reports whether a file that passed (or was stored)
// holds nothing to store: no value, no incident, no finance month and
// no change to the catalogue, such as a template uploaded as it was
// downloaded.
func (r Report) ChangesNothing() bool {
	if r.Status != StatusStored || r.Finance != nil || r.Counts.Observations > 0 || r.Counts.Incidents > 0 {
		return false
	}
	return r.Preview == nil || len(r.Preview.Catalogue) == 0 && len(r.Preview.Measures) == 0
}

// Statuses of a Report.
const (
	StatusStored    = "stored"
	StatusUnchanged = "unchanged"
	StatusRejected  = "rejected"
)

// problems collects errors up to a cap, counting the rest, so a file with
// a million bad cells gives a readable report in bounded memory.
type problems struct {
	max      int
	errors   []Problem
	warnings []Problem
	dropped  int
	wdropped int
}

func (p *problems) errorf(sheet, cell, format string, args ...any) {
	if len(p.errors) >= p.max {
		p.dropped++
		return
	}
	p.errors = append(p.errors, Problem{Sheet: sheet, Cell: cell, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) warnf(sheet, cell, format string, args ...any) {
	if len(p.warnings) >= p.max {
		p.wdropped++
		return
	}
	p.warnings = append(p.warnings, Problem{Sheet: sheet, Cell: cell, Message: fmt.Sprintf(format, args...)})
}

// addWarnings adds the warnings of q after p's own, within p's cap.
func (p *problems) addWarnings(q *problems) {
	for _, w := range q.warnings {
		p.warnf(w.Sheet, w.Cell, "%s", w.Message)
	}
	p.wdropped += q.wdropped
}

func (p *problems) failed() bool { return len(p.errors) > 0 || p.dropped > 0 }

// full reports whether the error list is at its cap: reading further
// would only count errors the report cannot show.
func (p *problems) full() bool { return len(p.errors) >= p.max }

// end is how every ingest ends, whatever the file: its problems go into
// the report; a file with an error is rejected, with no preview and no
// finance summary, and nothing of it is stored (the caller's deferred
// Rollback undoes tx); any other is stored: committed, unless it is a dry
// run (tx nil), and logged. attrs are what the log says of the file
// besides its name and upload (its kind, mapping, values or month).
func (in *Ingester) end(rep Report, probs *problems, tx *store.IngestTx, wb *xlsx.Workbook, attrs ...any) (Report, error) {
	if wb != nil && wb.MergesLate() {
		// Read ahead of merged cells over rows it had read: nothing is
		// stored or reported, and the workbook is read again.
		return rep, fmt.Errorf("%s: %w", rep.File, xlsx.ErrMergesLate)
	}
	rep.Errors = append(rep.Errors, inCellOrder(probs.errors)...)
	rep.Warnings = append(rep.Warnings, inCellOrder(probs.warnings)...)
	rep.ErrorsTruncated = probs.dropped
	if probs.failed() {
		rep.Status = StatusRejected
		rep.Preview, rep.Finance = nil, nil
		in.Logger.Info("file rejected", append(append([]any{"file", rep.File}, attrs...), "errors", len(probs.errors)+probs.dropped)...)
		return rep, nil
	}
	rep.Status = StatusStored
	if tx == nil {
		return rep, nil
	}
	if err := tx.Commit(); err != nil {
		return rep, fmt.Errorf("%s: commit: %w", rep.File, err)
	}
	rep.UploadID = tx.UploadID()
	in.Logger.Info("file stored", append([]any{"file", rep.File, "upload", rep.UploadID}, attrs...)...)
	return rep, nil
}

// inCellOrder orders each run of problems of one sheet's cells by row
// and column, as a reader goes through the sheet: the checks find them in
// their own order (a cell's number as it is read, a duplicate or a unit
// once every row is), which listed D3, D4, D6, D5. A problem of no cell
// (a sheet's, the file's, or a summary such as "9 more values ...")
// stays where it is, ending the run before it, so that it still follows
// what it sums up. problems is not changed.
func inCellOrder(problems []Problem) []Problem {
	out := slices.Clone(problems)
	type place struct{ row, col int }
	at := func(p Problem) (place, bool) {
		col, row, ok := xlsx.ParseCellName(p.Cell)
		return place{row, col}, ok
	}
	for i := 0; i < len(out); {
		if _, ok := at(out[i]); !ok {
			i++
			continue
		}
		j := i + 1
		for j < len(out) && out[j].Sheet == out[i].Sheet {
			if _, ok := at(out[j]); !ok {
				break
			}
			j++
		}
		slices.SortStableFunc(out[i:j], func(a, b Problem) int {
			pa, _ := at(a)
			pb, _ := at(b)
			return cmp.Or(cmp.Compare(pa.row, pb.row), cmp.Compare(pa.col, pb.col))
		})
		i = j
	}
	return out
}

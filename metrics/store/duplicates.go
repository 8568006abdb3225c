package store

import (
	"cmp"
	"slices"

	"github.com/assure-pcc/assure/metrics"
)

// duplicateList finds the values an upload gives twice, one metric's
// values at a time, and keeps the first maxDuplicatesListed of them in
// file order: the order of sheets as the upload gave them, then rows,
// then columns, which is the order in which the readers read a sheet.
type duplicateList struct {
	total  int
	listed []placedDuplicate
}

// placedDuplicate is a Duplicate with where its second value stands in
// the file.
type placedDuplicate struct {
	Duplicate
	sheet, row, col int
	cell            string
}

// check counts and lists the duplicates among one metric's values, given
// in file order; sheets is each sheet's place in the file. It returns
// each cell's first value, which a merge of the values into the series
// needs too.
func (d *duplicateList) check(values []metrics.Observation, sheets map[string]int) map[seriesCell]int {
	keys := periodKeys{}
	first := make(map[seriesCell]int, len(values))
	for i := range values {
		o := &values[i]
		pk := keys.key(o.Period)
		k := seriesCell{o.Area, pk}
		j, seen := first[k]
		if !seen {
			first[k] = i
			continue
		}
		d.total++
		f := &values[j]
		row, col := cellPlace(o.Source.Cell)
		d.listed = append(d.listed, placedDuplicate{
			Duplicate: Duplicate{MetricID: o.MetricID, Area: o.Area, PeriodKey: pk,
				First: location(f.Source.Sheet, f.Source.Cell), Second: location(o.Source.Sheet, o.Source.Cell)},
			sheet: sheets[o.Source.Sheet], row: row, col: col, cell: o.Source.Cell,
		})
		if len(d.listed) >= 4*maxDuplicatesListed {
			d.trim()
		}
	}
	return first
}

// absorb adds the duplicates another list found (another metric's).
func (d *duplicateList) absorb(o *duplicateList) {
	d.total += o.total
	d.listed = append(d.listed, o.listed...)
	if len(d.listed) >= 4*maxDuplicatesListed {
		d.trim()
	}
}

// trim keeps the first maxDuplicatesListed in file order.
func (d *duplicateList) trim() {
	slices.SortStableFunc(d.listed, func(a, b placedDuplicate) int {
		return cmp.Or(cmp.Compare(a.sheet, b.sheet), cmp.Compare(a.row, b.row), cmp.Compare(a.col, b.col), cmp.Compare(a.cell, b.cell))
	})
	d.listed = d.listed[:min(len(d.listed), maxDuplicatesListed)]
}

// err is the *DuplicateError of what was found.
func (d *duplicateList) err() *DuplicateError {
	d.trim()
	out := make([]Duplicate, len(d.listed))
	for i, p := range d.listed {
		out[i] = p.Duplicate
	}
	return &DuplicateError{Duplicates: out, Total: d.total}
}

// cellPlace is the row and column of an A1 address ("C5": 5, 3); an
// address of another form sorts as row and column 0, then by its text.
func cellPlace(cell string) (row, col int) {
	i := 0
	for i < len(cell) && cell[i] >= 'A' && cell[i] <= 'Z' && col < 1<<20 {
		col = col*26 + int(cell[i]-'A'+1)
		i++
	}
	if i == 0 || i == len(cell) {
		return 0, 0
	}
	for ; i < len(cell); i++ {
		c := cell[i]
		if c < '0' || c > '9' || row > 1<<30 {
			return 0, 0
		}
		row = row*10 + int(c-'0')
	}
	return row, col
}

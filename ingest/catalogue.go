package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
)

// readCatalogue reads the Metrics sheet: one row per measure with its
// id, name, unit, direction of good, target, classification and category.
// It is read even when hidden, since analysts often hide it.
func (r *performanceReader) readCatalogue(ctx context.Context, sh xlsx.Sheet) error {
	rows, err := r.wb.Rows(sh.Name)
	if err != nil {
		r.probs.errorf(sh.Name, "", "the catalogue sheet cannot be read: %v", err)
		return nil
	}
	defer rows.Close()
	var cols map[role]int
	for rows.Next() {
		if cols == nil {
			if rows.RowNum() > headerRowLimit {
				break
			}
			cols = catalogueHeader(rows.Cells())
			continue
		}
		if err := r.catalogueRow(ctx, sh.Name, rows.RowNum(), cols, rows.Cells()); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		r.probs.errorf(sh.Name, "", "the catalogue sheet is damaged: %v. Open the file in Excel, save it again and re-upload", err)
		return nil
	}
	if cols == nil {
		r.probs.errorf(sh.Name, "", "the catalogue has no header row with Name (or Metric) and Id, Unit, Direction, Target, Classification or Category in its first %d rows", headerRowLimit)
	}
	return nil
}

// catalogueHeader returns the columns of a catalogue header row, or nil
// when the row is not one.
func catalogueHeader(cells []xlsx.Cell) map[role]int {
	cols := map[role]int{}
	for _, c := range cells {
		ro := headerRole(cleanLabel(c.Value))
		if ro == roleNone || c.Type != xlsx.String {
			continue
		}
		if ro == roleMetric {
			ro = roleName
		}
		if _, dup := cols[ro]; !dup {
			cols[ro] = c.Col
		}
	}
	if _, ok := cols[roleName]; !ok {
		if _, ok := cols[roleMetricID]; !ok {
			return nil
		}
	}
	extras := 0
	for _, ro := range []role{roleMetricID, roleUnit, roleDirection, roleTarget, roleClassification, roleCategory, roleBenchmark, roleDerivation} {
		if _, ok := cols[ro]; ok {
			extras++
		}
	}
	if extras == 0 {
		return nil
	}
	return cols
}

// cellText is the trimmed text of the cell in column col of a row.
func cellText(cells []xlsx.Cell, col int, ok bool) (xlsx.Cell, string) {
	if !ok {
		return xlsx.Cell{}, ""
	}
	for _, c := range cells {
		if c.Col == col {
			return c, cleanLabel(c.Value)
		}
	}
	return xlsx.Cell{Col: col}, ""
}

func (r *performanceReader) catalogueRow(ctx context.Context, sheet string, rowNum int, cols map[role]int, cells []xlsx.Cell) error {
	get := func(ro role) (xlsx.Cell, string) {
		col, ok := cols[ro]
		return cellText(cells, col, ok)
	}
	_, name := get(roleName)
	_, idText := get(roleMetricID)
	if name == "" && idText == "" {
		if rowHasValues(cells) {
			r.probs.errorf(sheet, xlsx.CellName(cols[roleName], rowNum), "the metric has no name: write its name")
		}
		return nil
	}
	nameRef := xlsx.CellName(cols[roleName], rowNum)
	idRef := xlsx.CellName(cols[roleMetricID], rowNum)
	where := sheet + "!" + nameRef
	if name == "" {
		where = sheet + "!" + idRef
	}
	id, created, ok := r.catalogueID(sheet, nameRef, idRef, name, idText)
	if !ok {
		return nil
	}
	// A column the sheet has sets its field (an empty cell clears it, and
	// an empty classification is sensitive); a column it lacks leaves the
	// field as it is.
	m, known := r.cat.entry(id)
	if !known {
		m = metrics.Metric{ID: id, Direction: metrics.NoDirection, Classification: metrics.Sensitive}
	}
	if name != "" {
		m.Name = name
	} else if m.Name == "" {
		m.Name = idText
	}
	if err := r.applyAttributes(&m, sheet, rowNum, cols, cells, true); err != nil {
		return nil
	}
	if col, ok := cols[roleCategory]; ok {
		_, m.Category = cellText(cells, col, true)
	}
	if !r.catalogueExtras(&m, sheet, rowNum, cols, cells) {
		return nil
	}
	if err := m.Validate(); err != nil {
		r.probs.errorf(sheet, idRef, "%s", metrics.ErrorMessage(err))
		return nil
	}
	if f, dup := r.cat.file[id]; dup && f.defined {
		r.probs.errorf(sheet, nameRef, "metric %q is listed twice in the catalogue (also at %s): keep one row", id, f.where)
		return nil
	}
	r.cat.define(m, created, where)
	return r.ensureNew(ctx, id, sheet, nameRef)
}

// catalogueID settles which measure a catalogue row defines: the one its
// Id names, else the one its Name reaches, else a new one. A name that
// is close to another measure's is refused when no Id says the row means
// a new measure.
func (r *performanceReader) catalogueID(sheet, nameRef, idRef, name, idText string) (id string, created, ok bool) {
	if idText != "" {
		id = idText
		if _, stored := r.cat.stored[id]; !stored {
			if other, found, _ := r.cat.lookup(idText); found && metrics.NameKey(other) == metrics.NameKey(idText) {
				id = other // the id written in other case or spacing
			} else if _, inFile := r.cat.file[id]; !inFile {
				created = true
			}
		}
		if name != "" {
			if other, found, _ := r.cat.lookup(name); found && other != id {
				r.probs.errorf(sheet, nameRef, "%q is already the name of %s: give %s another name, or use the Id %s to change that measure", name, other, id, other)
				return "", false, false
			}
			if created {
				if nid, nname, near := r.cat.nearMiss(name); near {
					r.probs.warnf(sheet, nameRef, "new measure %s is named %q, close to %s, %q: check that it is not the same measure", id, name, nid, nname)
				}
			}
		}
		return id, created, true
	}
	other, found, ambiguous := r.cat.lookup(name)
	switch {
	case len(ambiguous) > 0:
		r.probs.errorf(sheet, nameRef, "%q names more than one measure (%s): give the Id of the one you mean", name, strings.Join(ambiguous, ", "))
		return "", false, false
	case found:
		return other, false, true
	}
	if nid, nname, near := r.cat.nearMiss(name); near {
		r.probs.errorf(sheet, nameRef, "%q is not in the catalogue: did you mean %s, %q? Correct the name, or give an Id in the Id column if it is a new measure", name, nid, nname)
		return "", false, false
	}
	id = metrics.Slug(name)
	if _, taken := r.cat.entry(id); taken {
		r.probs.errorf(sheet, nameRef, "%q would get the id %s, which another measure has: give it an Id of its own in the Id column", name, id)
		return "", false, false
	}
	return id, true, true
}

// ensureNew stores a measure the file creates at once, on a real ingest,
// so that its values can be stored as they are read; its entry is
// written in full once the whole file is read (see applyCatalogue).
func (r *performanceReader) ensureNew(ctx context.Context, id, sheet, ref string) error {
	f := r.cat.file[id]
	if r.tx == nil || !f.created || r.probs.failed() || f.ensured {
		return nil
	}
	if err := r.sink.useTx(func() error { return r.tx.EnsureMetric(ctx, r.cat.toWrite(id)) }); err != nil {
		if metrics.ErrorCode(err) == metrics.EINVALID {
			r.probs.errorf(sheet, ref, "%s", metrics.ErrorMessage(err))
			return nil
		}
		return fmt.Errorf("store metric %q: %w", id, err)
	}
	f.ensured = true
	return nil
}

// errReported marks a problem already added to the report.
var errReported = errors.New("reported")

// applyAttributes sets unit, direction, target and classification from
// the row's cells where the sheet has those columns, reporting bad values
// by cell. An empty cell leaves the field as it is, unless clear is set
// (a catalogue row, which gives the whole entry): then it clears the
// unit and target and makes the measure sensitive. It returns
// errReported when any was bad.
func (r *performanceReader) applyAttributes(m *metrics.Metric, sheet string, rowNum int, cols map[role]int, cells []xlsx.Cell, clear bool) error {
	bad := false
	// given is the column and text of the row's cell for a role, and
	// whether they set the field: the sheet has the column, and the cell
	// is not empty or clear is set.
	given := func(ro role) (int, string, bool) {
		col, ok := cols[ro]
		if !ok {
			return 0, "", false
		}
		_, t := cellText(cells, col, true)
		return col, t, t != "" || clear
	}
	check := func(col int, err error) {
		if err != nil {
			r.probs.errorf(sheet, xlsx.CellName(col, rowNum), "%s", metrics.ErrorMessage(err))
			bad = true
		}
	}
	if _, t, ok := given(roleUnit); ok {
		m.Unit = t
	}
	if col, t, ok := given(roleDirection); ok {
		d, err := metrics.ParseDirection(t)
		check(col, err)
		m.Direction = d
	}
	if col, t, ok := given(roleClassification); ok {
		c, err := metrics.ParseClassification(t)
		check(col, err)
		m.Classification = c
	}
	if col, ok := cols[roleTarget]; ok {
		c, t := cellText(cells, col, true)
		switch {
		case t != "" || c.Formula:
			v, pct, ok := r.cellNumber(sheet, rowNum, c)
			if ok {
				m.Target = &v
				if pct {
					r.notePercent(m.ID, sheet, xlsx.CellName(col, rowNum))
				}
			} else if r.probs.failed() {
				bad = true
			}
		case clear:
			m.Target = nil
		}
	}
	if bad {
		return errReported
	}
	return nil
}

// rowAttributeRoles are the per-row metric attributes of a long sheet.
var rowAttributeRoles = []role{roleUnit, roleTarget, roleClassification, roleDirection}

// resolveMetric finds the measure a data row names, or makes a new one,
// applying the row's own Unit, Target and Classification columns when
// the sheet has them. ok is false when the row's metric is in error
// (reported).
func (r *performanceReader) resolveMetric(ctx context.Context, sheet string, rowNum int, metricCell xlsx.Cell, cells []xlsx.Cell, h header) (string, bool, error) {
	text := cleanLabel(metricCell.Value)
	// Once the file has an error, a row's attributes may resolve
	// differently (a target that is no number then counts as bad), so
	// every row is resolved in full.
	sig, cacheable := attrsOf(cells, h)
	cacheable = cacheable && !r.probs.failed()
	if cacheable {
		if id, ok := r.resolved.lookup(sheet, text, sig); ok {
			return id, true, nil
		}
	}
	ref := xlsx.CellName(metricCell.Col, rowNum)
	where := sheet + "!" + ref
	id, found, ambiguous := r.cat.lookup(text)
	switch {
	case len(ambiguous) > 0:
		r.probs.errorf(sheet, ref, "%q names more than one measure (%s): use the id of the one you mean", text, strings.Join(ambiguous, ", "))
		return "", false, nil
	case found:
		m, _ := r.cat.entry(id)
		_, stored := r.cat.stored[id]
		r.cat.use(m, !stored, where)
	default:
		if nid, nname, near := r.cat.nearMiss(text); near {
			r.probs.errorf(sheet, ref, "%q is not in the catalogue: did you mean %s, %q? Correct the name, or add the measure to the Metrics sheet with an Id of its own if it is a new one", text, nid, nname)
			return "", false, nil
		}
		id = metrics.Slug(text)
		if id == "" {
			r.probs.errorf(sheet, ref, "%q is not a metric name: it needs letters or digits", text)
			return "", false, nil
		}
		if _, taken := r.cat.entry(id); taken {
			r.probs.errorf(sheet, ref, "%q would get the id %s, which another measure has: add it to the Metrics sheet with an Id of its own", text, id)
			return "", false, nil
		}
		// A new measure: sensitive until a catalogue says it is open.
		r.cat.use(metrics.Metric{ID: id, Name: text, Direction: metrics.NoDirection, Classification: metrics.Sensitive}, true, where)
		if _, hasClass := h.cols[roleClassification]; !hasClass {
			r.probs.warnf(sheet, ref, "metric %q is not in the catalogue: it is stored as a new measure, %s, sensitive; add it to a Metrics sheet with Classification open to publish it", text, id)
		}
	}
	hasAttrs := false
	for _, ro := range rowAttributeRoles {
		if _, ok := h.cols[ro]; ok {
			hasAttrs = true
		}
	}
	if hasAttrs {
		f := r.cat.file[id]
		m := f.m
		if err := r.applyAttributes(&m, sheet, rowNum, h.cols, cells, false); err != nil {
			return "", false, nil
		}
		if !sameMetric(m, f.m) {
			if f.defined {
				prev := f.m
				r.probs.errorf(sheet, ref, "metric %q has unit %q, target %s, classification %s here, but %q, %s, %s at %s: make them agree",
					text, m.Unit, fmtTarget(m.Target), m.Classification, prev.Unit, fmtTarget(prev.Target), prev.Classification, f.where)
				return "", false, nil
			}
			r.cat.define(m, f.created, where)
		} else if !f.defined {
			f.defined, f.where = true, where
		}
	}
	if err := r.ensureNew(ctx, id, sheet, ref); err != nil {
		return "", false, err
	}
	if cacheable {
		r.resolved.remember(sheet, text, sig, id)
	}
	return id, true, nil
}

// notePercent records that a value or target of a measure was written as
// a percentage, at sheet and cell; see reconcileUnits.
func (r *performanceReader) notePercent(id, sheet, cell string) {
	if f, ok := r.cat.file[id]; ok && f.percentCell == "" {
		f.percentCell = sheet + "!" + cell
	}
}

// reconcileUnits settles the unit of each measure whose values or target
// the file wrote as percentages ("52%", or 0.52 under a percent format,
// both read as 52): its unit is %, whichever way each cell was written.
// A measure with no unit gets %; one whose unit is a percentage keeps it;
// one whose catalogue gives another unit is refused at the first such
// cell, since a percentage of minutes or calls is a mistake.
func (r *performanceReader) reconcileUnits() {
	for _, id := range r.cat.order {
		f := r.cat.file[id]
		if f.percentCell == "" {
			continue
		}
		switch {
		case f.m.Unit == "":
			f.m.Unit = "%"
		case metrics.IsPercentUnit(f.m.Unit):
		default:
			sheet, cell, _ := strings.Cut(f.percentCell, "!")
			r.probs.errorf(sheet, cell, "this is a percentage, but %s is measured in %s: write the value in %s, or change the measure's unit", id, f.m.Unit, f.m.Unit)
		}
	}
}

func sameMetric(a, b metrics.Metric) bool {
	if (a.Target == nil) != (b.Target == nil) || (a.Target != nil && *a.Target != *b.Target) {
		return false
	}
	return a.ID == b.ID && a.Name == b.Name && a.Unit == b.Unit && a.Direction == b.Direction &&
		a.Classification == b.Classification && a.Category == b.Category
}

func fmtTarget(t *float64) string {
	if t == nil {
		return "none"
	}
	return fmt.Sprintf("%g", *t)
}

// applyCatalogue writes, on a real ingest, the entries the file gives
// the measures it names: new measures in full, changes to existing ones
// (with the old name kept as an alias when a measure is renamed), and a
// proposal for each measure the file asks to open, which no upload does
// by itself.
func (r *performanceReader) applyCatalogue(ctx context.Context) error {
	for _, id := range r.cat.order {
		f := r.cat.file[id]
		m := r.cat.toWrite(id)
		if err := r.tx.UpsertMetric(ctx, m); err != nil {
			return fmt.Errorf("store metric %q: %w", id, err)
		}
		if old, ok := r.cat.stored[id]; ok && metrics.NameKey(old.Name) != metrics.NameKey(m.Name) {
			if err := r.tx.AddAlias(ctx, id, old.Name); err != nil {
				return fmt.Errorf("keep the old name of %q: %w", id, err)
			}
		}
		if r.cat.wantsOpen(id) && r.cat.pending[id] != metrics.Open {
			reason := fmt.Sprintf("%s asks for it to be open (%s)", r.file, f.where)
			if err := r.tx.ProposeClassification(ctx, id, metrics.Open, reason); err != nil {
				return err
			}
		}
	}
	return nil
}

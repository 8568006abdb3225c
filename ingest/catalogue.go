package ingest

import (
	"context"
	"errors"
	"fmt"

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
	for _, ro := range []role{roleMetricID, roleUnit, roleDirection, roleTarget, roleClassification, roleCategory} {
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
	_, id := get(roleMetricID)
	if name == "" && id == "" {
		if rowHasValues(cells) {
			r.probs.errorf(sheet, xlsx.CellName(cols[roleName], rowNum), "the metric has no name: write its name")
		}
		return nil
	}
	if name == "" {
		name = id
	}
	if id == "" {
		id = metrics.Slug(name)
	}
	m := metrics.Metric{ID: id, Name: name, Direction: metrics.NoDirection, Classification: metrics.Sensitive}
	if err := r.applyAttributes(&m, sheet, rowNum, cols, cells); err != nil {
		return nil
	}
	_, m.Category = get(roleCategory)
	if err := m.Validate(); err != nil {
		r.probs.errorf(sheet, xlsx.CellName(cols[roleMetricID], rowNum), "%s", metrics.ErrorMessage(err))
		return nil
	}
	if prev, dup := r.defined[m.ID]; dup {
		r.probs.errorf(sheet, xlsx.CellName(cols[roleName], rowNum), "metric %q is listed twice in the catalogue (also as %q): keep one row", m.ID, prev.Name)
		return nil
	}
	if !r.probs.failed() {
		if err := r.tx.UpsertMetric(ctx, m); err != nil {
			return fmt.Errorf("store metric %q: %w", m.ID, err)
		}
	}
	r.defined[m.ID] = m
	r.attributesSet[m.ID] = true
	r.remember(m)
	return nil
}

// remember lets data rows name a metric by its id or by its name.
func (r *performanceReader) remember(m metrics.Metric) {
	r.known[metrics.Slug(m.ID)] = m.ID
	r.known[metrics.Slug(m.Name)] = m.ID
}

// errReported marks a problem already added to the report.
var errReported = errors.New("reported")

// applyAttributes sets unit, direction, target and classification from
// the row's cells where the sheet has those columns, reporting bad values
// by cell. It returns errReported when any was bad.
func (r *performanceReader) applyAttributes(m *metrics.Metric, sheet string, rowNum int, cols map[role]int, cells []xlsx.Cell) error {
	bad := false
	if col, ok := cols[roleUnit]; ok {
		if _, t := cellText(cells, col, true); t != "" {
			m.Unit = t
		}
	}
	if col, ok := cols[roleDirection]; ok {
		if _, t := cellText(cells, col, true); t != "" {
			d, err := metrics.ParseDirection(t)
			if err != nil {
				r.probs.errorf(sheet, xlsx.CellName(col, rowNum), "%s", metrics.ErrorMessage(err))
				bad = true
			}
			m.Direction = d
		}
	}
	if col, ok := cols[roleClassification]; ok {
		if _, t := cellText(cells, col, true); t != "" {
			c, err := metrics.ParseClassification(t)
			if err != nil {
				r.probs.errorf(sheet, xlsx.CellName(col, rowNum), "%s", metrics.ErrorMessage(err))
				bad = true
			}
			m.Classification = c
		}
	}
	if col, ok := cols[roleTarget]; ok {
		if c, t := cellText(cells, col, true); t != "" || c.Formula {
			v, ok := r.cellNumber(sheet, rowNum, c)
			if ok {
				m.Target = &v
				if IsPercentFormat(c.Format) && m.Unit == "" {
					m.Unit = "%"
				}
			} else if r.probs.failed() {
				bad = true
			}
		}
	}
	if bad {
		return errReported
	}
	return nil
}

// rowAttributeRoles are the per-row metric attributes of a long sheet.
var rowAttributeRoles = []role{roleUnit, roleTarget, roleClassification, roleDirection}

// resolveMetric finds or creates the metric a data row names, applying
// the row's own Unit, Target and Classification columns when the sheet
// has them. ok is false when the row's metric is in error (reported).
func (r *performanceReader) resolveMetric(ctx context.Context, sheet string, rowNum int, metricCell xlsx.Cell, cells []xlsx.Cell, h header) (string, bool) {
	text := cleanLabel(metricCell.Value)
	key := metrics.Slug(text)
	ref := xlsx.CellName(metricCell.Col, rowNum)
	if key == "" {
		r.probs.errorf(sheet, ref, "%q is not a metric name: it needs letters or digits", text)
		return "", false
	}
	id, known := r.known[key]
	var base metrics.Metric
	switch {
	case known:
		if m, ok := r.defined[id]; ok {
			base = m
		} else if m, ok := r.stored[id]; ok {
			base = m
		} else {
			m, _, err := r.tx.GetMetric(ctx, id)
			if err != nil {
				r.probs.errorf(sheet, ref, "metric %q could not be looked up", text)
				return "", false
			}
			base = m
			r.stored[id] = m
		}
	default:
		m, found, err := r.tx.GetMetric(ctx, key)
		if err != nil {
			r.probs.errorf(sheet, ref, "metric %q could not be looked up", text)
			return "", false
		}
		if found {
			base = m
		} else {
			// A new measure: sensitive until a catalogue says it is open.
			base = metrics.Metric{ID: key, Name: text, Direction: metrics.NoDirection, Classification: metrics.Sensitive}
		}
		id = base.ID
		r.known[key] = id
		if !found {
			if _, hasClass := h.cols[roleClassification]; !hasClass {
				r.probs.warnf(sheet, ref, "metric %q is not in the catalogue: it is stored as sensitive; add it to a Metrics sheet with Classification open to publish it", text)
			}
			if !r.probs.failed() {
				if err := r.tx.EnsureMetric(ctx, base); err != nil {
					r.probs.errorf(sheet, ref, "metric %q could not be stored", text)
					return "", false
				}
			}
			r.defined[id] = base
		}
	}
	hasAttrs := false
	for _, ro := range rowAttributeRoles {
		if _, ok := h.cols[ro]; ok {
			hasAttrs = true
		}
	}
	if !hasAttrs {
		return id, true
	}
	m := base
	if err := r.applyAttributes(&m, sheet, rowNum, h.cols, cells); err != nil {
		return "", false
	}
	if sameMetric(m, base) {
		return id, true
	}
	if prev, ok := r.defined[id]; ok && r.attributesSet[id] {
		r.probs.errorf(sheet, ref, "metric %q has unit %q, target %s, classification %s here, but %q, %s, %s earlier in this file: make them agree",
			text, m.Unit, fmtTarget(m.Target), m.Classification, prev.Unit, fmtTarget(prev.Target), prev.Classification)
		return "", false
	}
	if !r.probs.failed() {
		if err := r.tx.UpsertMetric(ctx, m); err != nil {
			r.probs.errorf(sheet, ref, "metric %q could not be stored", text)
			return "", false
		}
	}
	r.defined[id] = m
	r.attributesSet[id] = true
	return id, true
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

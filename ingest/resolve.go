package ingest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// catalogue resolves the names a workbook gives its measures against the
// stored catalogue and the file's own Metrics sheet, and keeps what the
// file wants each measure's entry to be, so that the changes can be shown
// before anything is stored.
//
// A name reaches a measure by its id, its name or an old name (alias),
// folded by metrics.NameKey: case, spacing, punctuation, quotes and
// dashes do not matter. A name that reaches nothing but is close to a
// measure's name (metrics.NearMiss) is refused with the measure it
// probably means; any other name is a new measure, sensitive.
type catalogue struct {
	stored  map[string]metrics.Metric // by id
	pending map[string]metrics.Classification
	// keys maps a NameKey to the measure it names: ids, names and aliases
	// of stored measures, then the file's own. clash lists keys that name
	// two measures.
	keys  map[string]string
	clash map[string][]string
	// names are the stored and defined names, for near misses.
	names  []string
	nameID map[string]string
	// file holds every measure the file names or defines, as the file
	// wants it.
	file  map[string]*fileMetric
	order []string
}

// fileMetric is a measure as a file defines or names it.
type fileMetric struct {
	m metrics.Metric
	// created is true when the catalogue has no such measure.
	created bool
	// defined is set once a catalogue row or a row's attribute columns
	// gave the entry, at where (Sheet!Cell).
	defined bool
	where   string
	// firstCell is where the file first named it.
	firstCell string
	// ensured is set once a new measure is in the ingest's transaction.
	ensured bool
	// percentCell is the first value or target written as a percentage
	// ("52%", or 0.52 under a percent format), which makes the measure's
	// unit %.
	percentCell string
}

func newCatalogue(c store.IngestCatalogue) *catalogue {
	cat := &catalogue{
		stored: map[string]metrics.Metric{}, pending: c.Pending,
		keys: map[string]string{}, clash: map[string][]string{}, nameID: map[string]string{},
		file: map[string]*fileMetric{},
	}
	for _, m := range c.Metrics {
		cat.stored[m.ID] = m
	}
	// Ids first: an id is never shadowed by another measure's name.
	for _, m := range c.Metrics {
		cat.addKey(metrics.NameKey(m.ID), m.ID)
	}
	for _, m := range c.Metrics {
		cat.addKey(metrics.NameKey(m.Name), m.ID)
		cat.addName(m.Name, m.ID)
	}
	for _, a := range c.Aliases {
		cat.addKey(a.Norm, a.MetricID)
		cat.addName(a.Alias, a.MetricID)
	}
	return cat
}

// addKey records that key names id; a key that already names another
// measure is a clash, unless it is that measure's id.
func (c *catalogue) addKey(key, id string) {
	if key == "" {
		return
	}
	prev, ok := c.keys[key]
	switch {
	case !ok:
		c.keys[key] = id
	case prev != id && metrics.NameKey(prev) != key:
		if !slices.Contains(c.clash[key], id) {
			c.clash[key] = append(c.clash[key], prev, id)
		}
	}
}

func (c *catalogue) addName(name, id string) {
	if _, ok := c.nameID[name]; !ok {
		c.names = append(c.names, name)
		c.nameID[name] = id
	}
}

// lookup finds the measure a name or id reaches. ambiguous lists the
// measures when the name reaches more than one.
func (c *catalogue) lookup(text string) (id string, ok bool, ambiguous []string) {
	key := metrics.NameKey(text)
	if ids, bad := c.clash[key]; bad {
		return "", false, ids
	}
	id, ok = c.keys[key]
	return id, ok, nil
}

// nearMiss finds the measure a name that reaches none most probably
// means.
func (c *catalogue) nearMiss(text string) (id, name string, ok bool) {
	name, ok = metrics.NearMiss(text, c.names)
	if !ok {
		return "", "", false
	}
	return c.nameID[name], name, true
}

// entry returns the measure as the file currently has it: its own
// definition, else the stored entry. ok is false for an unknown id.
func (c *catalogue) entry(id string) (metrics.Metric, bool) {
	if f, ok := c.file[id]; ok {
		return f.m, true
	}
	m, ok := c.stored[id]
	return m, ok
}

// use notes that the file names a stored or new measure, at cell, and
// returns its file record.
func (c *catalogue) use(m metrics.Metric, created bool, cell string) *fileMetric {
	f, ok := c.file[m.ID]
	if !ok {
		f = &fileMetric{m: m, created: created, firstCell: cell}
		c.file[m.ID] = f
		c.order = append(c.order, m.ID)
		if created {
			c.addKey(metrics.NameKey(m.ID), m.ID)
			c.addKey(metrics.NameKey(m.Name), m.ID)
			c.addName(m.Name, m.ID)
		}
	}
	return f
}

// define sets the entry the file gives a measure (from its catalogue row
// or a row's attribute columns), at where.
func (c *catalogue) define(m metrics.Metric, created bool, where string) *fileMetric {
	f := c.use(m, created, where)
	f.m, f.defined, f.where = m, true, where
	if created {
		c.addKey(metrics.NameKey(m.Name), m.ID)
		c.addName(m.Name, m.ID)
	}
	return f
}

// CatalogueChange is one change a file makes to the catalogue: a new
// measure (Field empty), or a new value of one field of an existing one.
// A change that would open a measure is only proposed: it waits for a
// person with the right to publish (Proposed).
type CatalogueChange struct {
	MetricID string `json:"metric_id"`
	Name     string `json:"name"`
	New      bool   `json:"new,omitempty"`
	// Field is name, unit, direction, target, classification or
	// category; Old and New are the field's values as people read them.
	Field    string `json:"field,omitempty"`
	Old      string `json:"old,omitempty"`
	Value    string `json:"value,omitempty"`
	Proposed bool   `json:"proposed,omitempty"`
	// Where is the cell (Sheet!Cell) that defines or first names it.
	Where string `json:"where,omitempty"`
}

// String says the change in a sentence.
func (ch CatalogueChange) String() string {
	switch {
	case ch.New && ch.Proposed:
		return fmt.Sprintf("new measure %s, %q, stored as sensitive; the file asks for it to be open, which waits for approval", ch.MetricID, ch.Name)
	case ch.New:
		return fmt.Sprintf("new measure %s, %q, stored as sensitive", ch.MetricID, ch.Name)
	case ch.Proposed:
		return fmt.Sprintf("%s: the file asks for the classification to go from %s to %s, which waits for approval (the measure stays %s until then)", ch.MetricID, ch.Old, ch.Value, ch.Old)
	}
	return fmt.Sprintf("%s: %s changes from %s to %s", ch.MetricID, ch.Field, quoteOrNone(ch.Old), quoteOrNone(ch.Value))
}

func quoteOrNone(s string) string {
	if s == "" {
		return "none"
	}
	return fmt.Sprintf("%q", s)
}

// changes compares each measure the file defines with the stored entry.
// An upload may make a measure more restricted at once, but never opens
// one: the entry it will write keeps the stored (or, for a new measure,
// sensitive) classification, and the request to open is proposed.
func (c *catalogue) changes() []CatalogueChange {
	var out []CatalogueChange
	for _, id := range c.order {
		f := c.file[id]
		want := f.m
		if f.created {
			ch := CatalogueChange{MetricID: id, Name: want.Name, New: true, Where: f.firstCell}
			if want.Classification == metrics.Open {
				ch.Proposed = true
			}
			out = append(out, ch)
			continue
		}
		old := c.stored[id]
		add := func(field, before, after string) {
			if before != after {
				out = append(out, CatalogueChange{MetricID: id, Name: old.Name, Field: field, Old: before, Value: after, Where: f.where})
			}
		}
		add("name", old.Name, want.Name)
		add("unit", old.Unit, want.Unit)
		add("direction", string(old.Direction), string(want.Direction))
		add("target", fmtTargetText(old.Target), fmtTargetText(want.Target))
		add("category", old.Category, want.Category)
		add("benchmark", fmtTargetText(old.Benchmark), fmtTargetText(want.Benchmark))
		add("benchmark label", old.BenchmarkLabel, want.BenchmarkLabel)
		add("derivation", old.Derivation, want.Derivation)
		if old.Classification != want.Classification {
			out = append(out, CatalogueChange{MetricID: id, Name: old.Name, Field: "classification",
				Old: string(old.Classification), Value: string(want.Classification),
				Proposed: want.Classification == metrics.Open, Where: f.where})
		}
	}
	return out
}

// toWrite is the entry to store for a measure the file names: what the
// file wants, with the classification an upload may give (see changes).
func (c *catalogue) toWrite(id string) metrics.Metric {
	f := c.file[id]
	m := f.m
	if m.Classification == metrics.Open {
		if f.created || c.stored[id].Classification != metrics.Open {
			m.Classification = metrics.Sensitive
			if !f.created {
				m.Classification = c.stored[id].Classification
			}
		}
	}
	return m
}

// wantsOpen reports whether the file asks for a measure that is not open
// to be open.
func (c *catalogue) wantsOpen(id string) bool {
	f := c.file[id]
	return f.m.Classification == metrics.Open && (f.created || c.stored[id].Classification != metrics.Open)
}

func fmtTargetText(t *float64) string {
	if t == nil {
		return ""
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.6f", *t), "0"), ".")
}

// Package mapping declares how to read a national or open table (an ONS,
// Home Office or police.uk table, as .xlsx or .csv) into measures: which
// sheet, where the header is, which columns give the period, the area, the
// metric and the value, which rows to keep, and how rows that land on the
// same value combine. A mapping is a small YAML file; the formats analysts
// use most ship with Assure as named mappings (see Named).
//
// The package only describes and checks mappings, and cleans labels; the
// ingest applies them.
package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/assure-pcc/assure/metrics"
)

// Mapping says how to read one table. Its YAML field names are an
// interface: they are documented in the README.
type Mapping struct {
	// Name identifies the mapping in reports ("ons-pfa-p1").
	Name string `yaml:"name"`
	// Description says what the mapping reads, for the upload page.
	Description string `yaml:"description"`

	Source Source `yaml:"source"`
	Header Header `yaml:"header"`

	Area   AreaSpec   `yaml:"area"`
	Period PeriodSpec `yaml:"period"`
	// Metric gives the metric of each row (long layout); leave it out
	// and set Wide when each column is a metric.
	Metric MetricSpec `yaml:"metric"`
	Value  ValueSpec  `yaml:"value"`
	Wide   *WideSpec  `yaml:"wide"`

	// Keep lists filters that every kept row passes; Drop, filters that
	// drop a row when any matches.
	Keep []Filter `yaml:"keep"`
	Drop []Filter `yaml:"drop"`

	// Combine says what happens to rows that land on the same metric,
	// area and period: "sum" (the default) adds them, "error" rejects the
	// file.
	Combine string `yaml:"combine"`
	// Footnotes, true unless set to false, strips footnote markers from
	// labels: "Stalking and harassment5", "ENGLAND AND WALES7,8",
	// "fraud [note 3]".
	Footnotes *bool `yaml:"footnotes"`

	// Unit, Direction, Classification and Category describe the metrics
	// the mapping creates. Classification defaults to sensitive, as for
	// any measure nobody said may be published: national open data says
	// open.
	Unit           string `yaml:"unit"`
	Direction      string `yaml:"direction"`
	Classification string `yaml:"classification"`
	Category       string `yaml:"category"`

	// compiled patterns, set by Check.
	sheetRE *regexp.Regexp
}

// Source says where in the file the table is.
type Source struct {
	// Format is "xlsx", "csv" or "" (either, told from the file).
	Format string `yaml:"format"`
	// Sheet names the sheet, matched ignoring case and surrounding
	// spaces ("Table P1" finds "Table P1 ").
	Sheet string `yaml:"sheet"`
	// SheetPattern is a regular expression (case-insensitive) that the
	// trimmed sheet name matches; every matching sheet is read.
	SheetPattern string `yaml:"sheet_pattern"`
	// Encoding of a CSV: "auto" (the default: UTF-8, with or without a
	// byte-order mark, else Windows-1252), "utf-8" or "windows-1252".
	Encoding string `yaml:"encoding"`
	// Delimiter of a CSV: "," (the default), ";", "tab" or "|".
	Delimiter string `yaml:"delimiter"`
}

// Header says where the header row is.
type Header struct {
	// Row is the 1-based row (for a CSV, record) holding the column
	// names. With Rows 2 it is the lower of the two header rows.
	Row int `yaml:"row"`
	// Find detects the header instead: the first row, within the first
	// Within rows, that has a cell reading this text (compared as Column
	// names are).
	Find string `yaml:"find"`
	// Rows is 1 (the default) or 2, for a header that spans two rows:
	// a column's name is then its lowest non-empty header cell, so a
	// name merged down over both rows names its column, and a group
	// label above named columns is passed over.
	Rows int `yaml:"rows"`
	// Within bounds the search for Find; default 30.
	Within int `yaml:"within"`
}

// Column names a column: by its header text (the YAML scalar form:
// compared ignoring case, spacing, punctuation and footnote markers), by a
// case-insensitive regular expression on the header text, or by its
// letter ("C").
type Column struct {
	Name    string `yaml:"name"`
	Pattern string `yaml:"pattern"`
	Letter  string `yaml:"letter"`

	re *regexp.Regexp
}

// UnmarshalYAML accepts a bare header name as well as the full form.
func (c *Column) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		c.Name = n.Value
		return nil
	}
	type plain Column
	var p plain
	if err := decodeStrict(n, &p); err != nil {
		return err
	}
	*c = Column(p)
	return nil
}

// String describes the column for messages.
func (c *Column) String() string {
	switch {
	case c == nil:
		return "(none)"
	case c.Name != "":
		return fmt.Sprintf("%q", c.Name)
	case c.Pattern != "":
		return fmt.Sprintf("matching /%s/", c.Pattern)
	}
	return "column " + strings.ToUpper(c.Letter)
}

// AreaSpec gives a row's area.
type AreaSpec struct {
	Column *Column `yaml:"column"`
	// Fixed is the area of every row, for a table of one area.
	Fixed string `yaml:"fixed"`
	// Rename maps a cleaned label (compared ignoring case) to the area
	// stored: ENGLAND AND WALES: England and Wales.
	Rename map[string]string `yaml:"rename"`
}

// PeriodSpec gives a row's period, from exactly one of a column, text in
// a cell above the header, or a fixed value; or from --period.
type PeriodSpec struct {
	Column *Column `yaml:"column"`
	// Quarter is a column holding the financial quarter (1-4, "Q1") of
	// the financial year in Column.
	Quarter *Column `yaml:"quarter"`
	// InText finds the period in the text of a cell above the header,
	// after this phrase: "year ending" reads "… year ending December
	// 20191,2" as the 12 months ending December 2019 (footnotes 1 and 2
	// glued to the year are passed over).
	InText string `yaml:"in_text"`
	// Fixed is the period of every row, as ParsePeriod reads it.
	Fixed string `yaml:"fixed"`
	// Format restricts the periods accepted to one kind: month, quarter,
	// fy, year or year_ending. Empty accepts any.
	Format string `yaml:"format"`
}

// MetricSpec gives a row's metric in the long layout, and how a label
// becomes a metric id in both layouts.
type MetricSpec struct {
	Column *Column `yaml:"column"`
	// Fixed is the metric label of every row.
	Fixed string `yaml:"fixed"`
	// IDPrefix starts every metric id: "ons-" makes "Robbery" the metric
	// "ons-robbery".
	IDPrefix string `yaml:"id_prefix"`
	// NamePrefix starts every metric's display name.
	NamePrefix string `yaml:"name_prefix"`
	// IDs maps a cleaned label (compared as Column names are) to the
	// metric id to use instead of the prefixed slug.
	IDs map[string]string `yaml:"ids"`
}

// ValueSpec gives a row's value.
type ValueSpec struct {
	Column *Column `yaml:"column"`
	// Count makes each kept row count 1, for incident-level tables such
	// as police.uk's street-level crime.
	Count bool `yaml:"count"`
}

// WideSpec makes each column a metric: the listed columns, or every
// named column after (to the right of) After.
type WideSpec struct {
	Columns []Column `yaml:"columns"`
	After   *Column  `yaml:"after"`
}

// Filter keeps (or drops) rows whose column equals one of the values or
// matches the pattern.
type Filter struct {
	Column Column `yaml:"column"`
	// Equals compares the cleaned cell text ignoring case.
	Equals string `yaml:"equals"`
	// In is a list of texts, any of which passes.
	In []string `yaml:"in"`
	// Matches is a case-insensitive regular expression.
	Matches string `yaml:"matches"`

	re *regexp.Regexp
}

// Combine modes.
const (
	CombineSum   = "sum"
	CombineError = "error"
)

// Load reads a mapping from YAML. Unknown fields are errors, so a typo
// cannot silently change what is read; the error names the line.
func Load(name string, r io.Reader) (*Mapping, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxMappingBytes+1))
	if err != nil {
		return nil, fmt.Errorf("mapping %s: %w", name, err)
	}
	if len(data) > maxMappingBytes {
		return nil, metrics.Errorf(metrics.EINVALID, "mapping %s is over %d KB: a mapping is a short YAML file", name, maxMappingBytes>>10)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, metrics.Errorf(metrics.EINVALID, "mapping %s is empty", name)
		}
		return nil, metrics.Errorf(metrics.EINVALID, "mapping %s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if m.Name == "" {
		m.Name = name
	}
	if err := m.Check(); err != nil {
		return nil, metrics.Errorf(metrics.EINVALID, "mapping %s: %v", name, err)
	}
	return &m, nil
}

// maxMappingBytes bounds a mapping file: they are a few dozen lines.
const maxMappingBytes = 256 << 10

func decodeStrict(n *yaml.Node, v any) error {
	// Node.Decode does not honour KnownFields, so re-encode the node and
	// decode it strictly.
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(n); err != nil {
		return err
	}
	dec := yaml.NewDecoder(&buf)
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("line %d: %s", n.Line, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return nil
}

// FootnotesOn reports whether labels are cleaned of footnote markers.
func (m *Mapping) FootnotesOn() bool { return m.Footnotes == nil || *m.Footnotes }

// CombineMode is Combine with its default.
func (m *Mapping) CombineMode() string {
	if m.Combine == "" {
		return CombineSum
	}
	return m.Combine
}

// SheetMatches reports whether a sheet of an .xlsx file is one the
// mapping reads: named Source.Sheet (ignoring case and surrounding
// spaces), or matching Source.SheetPattern. With neither, the first
// visible sheet is read, which the caller decides.
func (m *Mapping) SheetMatches(name string) bool {
	t := strings.TrimSpace(name)
	switch {
	case m.Source.Sheet != "":
		return strings.EqualFold(t, strings.TrimSpace(m.Source.Sheet))
	case m.sheetRE != nil:
		return m.sheetRE.MatchString(t)
	}
	return false
}

// HasSheetRule reports whether the mapping names its sheet.
func (m *Mapping) HasSheetRule() bool { return m.Source.Sheet != "" || m.sheetRE != nil }

// MatchesFilter reports whether a cleaned cell text passes f.
func (f *Filter) MatchesFilter(text string) bool {
	if f.re != nil {
		return f.re.MatchString(text)
	}
	if f.Equals != "" && strings.EqualFold(text, f.Equals) {
		return true
	}
	for _, v := range f.In {
		if strings.EqualFold(text, v) {
			return true
		}
	}
	return false
}

// Regexp is the compiled Pattern of c, or nil.
func (c *Column) Regexp() *regexp.Regexp { return c.re }

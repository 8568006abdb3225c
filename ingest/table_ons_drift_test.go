package ingest

import (
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics/store"
)

// onsEdition writes a Table P1 in one of the layouts the quarterly
// editions have used, for the forces given as {code, name, total,
// robbery} rows.
type onsEdition struct {
	name                string
	sheet               string
	title               string
	notesAbove          []string // rows between the title and the header
	twoRowHeader        bool
	codeHeader, areaHdr string
	totalHdr, robHdr    string
	rows                [][]any
	extraSheets         []string
}

func (e onsEdition) book(t *testing.T) []byte {
	var rows [][]any
	rows = append(rows, []any{e.title})
	for _, n := range e.notesAbove {
		rows = append(rows, []any{n})
	}
	if e.twoRowHeader {
		rows = append(rows, []any{nil, nil, e.totalHdr, nil, "Victim-based crime"})
		rows = append(rows, []any{e.codeHeader, e.areaHdr, nil, nil, e.robHdr})
		rows = append(rows, []any{nil, nil, "Numbers"})
	} else {
		rows = append(rows, []any{e.codeHeader, e.areaHdr, e.totalHdr, e.robHdr})
	}
	for _, r := range e.rows {
		if e.twoRowHeader {
			r = []any{r[0], r[1], r[2], nil, r[3]}
		}
		rows = append(rows, r)
	}
	rows = append(rows, []any{"Source: Police recorded crime, Home Office"}, []any{"1. Police recorded crime data are not designated as National Statistics."})
	var sheets []ingesttest.Sheet
	for _, s := range e.extraSheets {
		sheets = append(sheets, ingesttest.Sheet{Name: s, Rows: [][]any{{"Contents"}, {"Table P1", "Police recorded crime"}}})
	}
	sheets = append(sheets, ingesttest.Sheet{Name: e.sheet, Rows: rows})
	sheets = append(sheets, ingesttest.Sheet{Name: "Table P2", Rows: [][]any{{"Table P2: rates per 1,000 population"}, {"Area Code", "Area Name", "Rate"}, {"E23000023", "Cambridgeshire", 77}}})
	return ingesttest.Book(t, sheets...)
}

// TestONSEditionsDrift: the ons-pfa-p1 mapping reads Table P1 in the
// layouts the quarterly editions have used: a sheet name with a trailing
// space or an underscore, extra sheets, the header lower down, over one
// row or two, footnote digits glued to labels and years, "[note N]"
// markers, "[x]" for a missing figure, and header text in another case.
func TestONSEditionsDrift(t *testing.T) {
	forces := func(camb string, ew string) [][]any {
		return [][]any{
			{"K04000001", ew, 5153064, 82566},
			{"E92000001", "ENGLAND", 4838267, 80809},
			{"E12000006", "East ", 468421, 5016},
			{"E23000023", camb, 63678, 761},
			{"E12000005", "West Midlands", 463312, 10114},
			{"E23000014", "West Midlands", 252689, 8107},
			{"W92000004", "WALES", 250104, 1091},
			{"W15000003", "South Wales", 108729, "[x]"},
			{nil, "British Transport Police", 64693, 666},
		}
	}
	editions := []struct {
		e      onsEdition
		period string
	}{
		{onsEdition{name: "2018 layout", sheet: "Table P1 ", twoRowHeader: true,
			title:      "Table P1:  Police recorded crime by offence group and police force area, English regions and Wales, number of offences, year ending December 181,2",
			notesAbove: []string{"", "England and Wales"},
			codeHeader: "Area Code", areaHdr: "Area Name", totalHdr: "Total recorded crime (excluding fraud3)", robHdr: "Robbery4",
			rows: forces("Cambridgeshire9", "ENGLAND AND WALES7,8"), extraSheets: []string{"Notes"}}, "YE 2018-12"},
		{onsEdition{name: "2019 layout, four-digit year", sheet: "Table P1", twoRowHeader: true,
			title:      "Table P1: Police recorded crime by offence group and police force area, English regions and Wales, number of offences, year ending September 20191,2",
			notesAbove: []string{""},
			codeHeader: "Area Code", areaHdr: "Area Name", totalHdr: "Total recorded crime (excluding fraud)3", robHdr: "Robbery",
			rows: forces("Cambridgeshire", "ENGLAND AND WALES4"), extraSheets: []string{"Contents", "Notes"}}, "YE 2019-09"},
		{onsEdition{name: "accessible layout", sheet: "Table_P1",
			title: "Table P1: Police recorded crime by offence group and police force area, English regions and Wales, number of offences, year ending June 2022 [note 1][note 2]",
			notesAbove: []string{"This worksheet contains one table. Some cells refer to notes which can be found in the notes worksheet.",
				"Source: Home Office - Police recorded crime"},
			codeHeader: "Area code", areaHdr: "Area name", totalHdr: "Total recorded crime (excluding fraud) [note 3]", robHdr: "Robbery [note 5]",
			rows: forces("Cambridgeshire [note 9]", "England and Wales [note 7][note 8]"), extraSheets: []string{"Cover_sheet", "Contents", "Notes"}}, "YE 2022-06"},
	}
	m := namedMapping(t, "ons-pfa-p1")
	forEachStore(t, func(t *testing.T, st *store.Store) {
		for _, ed := range editions {
			rep := ingestBytes(t, st, ed.e.name+".xlsx", ed.e.book(t), Options{Mapping: m})
			requireStatus(t, rep, StatusStored)
			total := seriesValues(t, st, "ons-recorded-crime-total")
			robbery := seriesValues(t, st, "ons-robbery")
			for key, want := range map[string]float64{
				"Cambridgeshire": 63678, "England and Wales": 5153064, "West Midlands": 252689, "British Transport Police": 64693, "South Wales": 108729,
			} {
				if got := total[key+" "+ed.period]; got != want {
					t.Errorf("%s: %s total = %v, want %v", ed.e.name, key, got, want)
				}
			}
			if got := robbery["Cambridgeshire "+ed.period]; got != 761 {
				t.Errorf("%s: Cambridgeshire robbery = %v", ed.e.name, got)
			}
			if _, ok := robbery["South Wales "+ed.period]; ok {
				t.Errorf("%s: [x] was stored as a value", ed.e.name)
			}
			for k := range total {
				if strings.HasSuffix(k, ed.period) && (strings.HasPrefix(k, "ENGLAND ") || strings.HasPrefix(k, "WALES ") || strings.HasPrefix(k, "East ")) {
					t.Errorf("%s: a subtotal row was stored: %s", ed.e.name, k)
				}
			}
			if rep.Counts.Observations != 9 { // 5 areas' totals, 4 robberies
				t.Errorf("%s: %d values, want 9", ed.e.name, rep.Counts.Observations)
			}
		}
	})
}

// TestONSPeriodFromFlag: --period must agree with the title, and stands
// in for a title that does not say the period.
func TestONSPeriodFromFlag(t *testing.T) {
	e := onsEdition{name: "t", sheet: "Table P1", title: "Table P1: Police recorded crime by police force area",
		codeHeader: "Area Code", areaHdr: "Area Name", totalHdr: "Total recorded crime (excluding fraud)", robHdr: "Robbery",
		rows: [][]any{{"E23000023", "Cambridgeshire", 63678, 761}}}
	m := namedMapping(t, "ons-pfa-p1")
	forEachStore(t, func(t *testing.T, st *store.Store) {
		e := e // the dialects run in parallel: each its own copy
		rep := ingestBytes(t, st, "no-period.xlsx", e.book(t), Options{Mapping: m, DryRun: true})
		if rep.Status != StatusRejected || !strings.Contains(rep.Errors[0].Message, "--period") {
			t.Errorf("no period: %+v", rep.Errors)
		}
		rep = ingestBytes(t, st, "no-period.xlsx", e.book(t), Options{Mapping: m, Period: "YE Mar 2021"})
		requireStatus(t, rep, StatusStored)
		e.title = "Table P1: … year ending March 2020"
		rep = ingestBytes(t, st, "disagree.xlsx", e.book(t), Options{Mapping: m, Period: "YE Mar 2021"})
		if rep.Status != StatusRejected || !strings.Contains(rep.Errors[0].Message, "Year ending Mar 2020 but --period says Year ending Mar 2021") {
			t.Errorf("disagreeing period: %+v", rep.Errors)
		}
	})
}

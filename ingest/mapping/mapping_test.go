package mapping

import (
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
)

func TestCleanLabel(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Stalking and harassment5", "Stalking and harassment"},
		{"ENGLAND AND WALES7,8", "ENGLAND AND WALES"},
		{"Cambridgeshire9", "Cambridgeshire"},
		{"London10", "London"},
		{"Residential burglary6,7", "Residential burglary"},
		{"Non-residential  burglary6,7", "Non-residential burglary"},
		{"Total recorded crime (excluding fraud4)", "Total recorded crime (excluding fraud)"},
		{"Total recorded crime (excluding fraud) [note 3]", "Total recorded crime (excluding fraud)"},
		{"Robbery [Note 2][note 11]", "Robbery"},
		{"Homicide²", "Homicide"},
		{"West Midlands ", "West Midlands"},
		{"\u00a0Essex\u00a0", "Essex"},
		{"E23000013", "E23000013"},
		{"Area 51", "Area 51"},
		{"Aged 16-24", "Aged 16-24"},
		{"", ""},
	}
	for _, c := range cases {
		if got := CleanLabel(c.in, true); got != c.want {
			t.Errorf("CleanLabel(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := CleanLabel("Cambridgeshire9", false); got != "Cambridgeshire9" {
		t.Errorf("footnotes off: %q", got)
	}
	if Fold("Area Name") != Fold("AREA_NAME3") {
		t.Error("Fold does not match header spellings")
	}
}

func TestPeriodInText(t *testing.T) {
	cases := []struct {
		text, want string
		found      bool
	}{
		{"Table P1:  Police recorded crime …, number of offences, year ending March 181,2,3", "YE 2018-03", true},
		{"Table P1: …, year ending December 181,2", "YE 2018-12", true},
		{"… year ending December 20191,2", "YE 2019-12", true},
		{"… year ending June 2022 [note 1]", "YE 2022-06", true},
		{"… Year Ending Sept 2020", "YE 2020-09", true},
		{"… year ending December 201912", "YE 2019-12", true},
		{"Police recorded crime, England and Wales", "", false},
		{"year ending soon, year ending March 2018", "YE 2018-03", true},
	}
	for _, c := range cases {
		p, found, err := PeriodInText(c.text, "year ending")
		if err != nil || found != c.found || (found && p.Key() != c.want) {
			t.Errorf("PeriodInText(%q) = %s, %v, %v; want %s, %v", c.text, p.Key(), found, err, c.want, c.found)
		}
		if found && p.Kind != metrics.YearEnding {
			t.Errorf("%q: kind %s", c.text, p.Kind)
		}
	}
	if _, found, err := PeriodInText("year ending March 2", "year ending"); !found || err == nil {
		t.Errorf("a one-digit year: found %v, err %v", found, err)
	}
}

func TestShippedMappings(t *testing.T) {
	list := List()
	want := map[string]bool{"ons-pfa-p1": true, "home-office-prc": true, "police-uk-street": true}
	if len(list) != len(want) {
		t.Fatalf("List() = %v", list)
	}
	for _, i := range list {
		if !want[i.Name] || i.Description == "" {
			t.Errorf("mapping %+v", i)
		}
		m, _ := Named(i.Name)
		if m.Classification != "open" {
			t.Errorf("%s: national open data must be classified open, not %q", i.Name, m.Classification)
		}
	}
	if _, ok := Named("../ons-pfa-p1"); ok {
		t.Error("Named accepted a path")
	}
	m, _ := Named("ons-pfa-p1")
	if !m.SheetMatches("Table P1 ") || !m.SheetMatches("table_p1") || m.SheetMatches("Table P10") {
		t.Error("ons-pfa-p1 sheet pattern")
	}
	if id := m.MetricFor("Total recorded crime (excluding fraud)").ID; id != "ons-recorded-crime-total" {
		t.Errorf("total id = %s", id)
	}
	if id := m.MetricFor("Violence against the person").ID; id != "ons-violence-against-the-person" {
		t.Errorf("id = %s", id)
	}
}

func TestLoadErrors(t *testing.T) {
	base := "area: {column: Force}\nperiod: {column: Month}\nmetric: {column: Crime}\nvalue: {column: Count}\n"
	cases := []struct{ yaml, want string }{
		{base + "combin: sum\n", "line 5: field combin not found"},
		{base + "keep:\n  - column: {name: Force, colour: red}\n    equals: A\n", "field colour not found"},
		{base + "combine: average\n", "combine \"average\""},
		{"area: {column: Force}\nperiod: {column: Month}\nvalue: {column: Count}\n", "metric: give the column"},
		{base + "source: {sheet_pattern: '('}\n", "sheet_pattern"},
		{base + "header: {row: 5, find: Area}\n", "row or find"},
		{base + "classification: secret\n", "classification"},
		{base + "metric: {column: Crime, ids: {Robbery: Not An Id}}\n", "mapping key \"metric\" already defined"},
		{"area: {column: Force}\nperiod: {column: Month}\nmetric: {column: Crime, ids: {Robbery: Not An Id}}\nvalue: {column: Count}\n", "is not a metric id"},
		{"area: {column: Force}\nperiod: {column: Month, fixed: 2019-01}\nmetric: {column: Crime}\nvalue: {column: Count}\n", "one of column"},
		{"", "empty"},
	}
	for _, c := range cases {
		_, err := Load("t.yaml", strings.NewReader(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load(%q) = %v, want an error saying %q", c.yaml, err, c.want)
		}
	}
}

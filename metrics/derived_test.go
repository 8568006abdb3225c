package metrics

import (
	"strings"
	"testing"
	"time"
)

func TestParseDerivation(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"ratio(dvpo-granted, dvpn-applications)", "ratio(dvpo-granted, dvpn-applications)", ""},
		{" Percent ( a , b ) ", "percent(a, b)", ""},
		{"difference(a,b)", "difference(a, b)", ""},
		{"per1000(crimes, population)", "per1000(crimes, population)", ""},
		{"total(dvpn-applications, since 2021-05)", "total(dvpn-applications, since 2021-05)", ""},
		{"total(dvpn-applications, since May 2021)", "total(dvpn-applications, since 2021-05)", ""},
		{"ratio(a)", "", "takes two measures"},
		{"ratio(a, b, c)", "", "takes two measures"},
		{"mean(a, b)", "", "not a kind of derived measure"},
		{"a / b", "", "not a definition"},
		{"ratio(A b, c)", "", "not a measure id"},
		{"total(a, 2021-05)", "", "the period it adds up from"},
		{"total(a, since someday)", "", "write it as 2021-05"},
	}
	for _, tt := range tests {
		d, err := ParseDerivation(tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(ErrorMessage(err), tt.err)):
			t.Errorf("%q: error %v, want one saying %q", tt.in, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.in, err)
		case tt.err == "" && d.String() != tt.want:
			t.Errorf("%q = %s, want %s", tt.in, d, tt.want)
		}
	}
}

func TestDerive(t *testing.T) {
	up := time.Date(2021, 9, 1, 9, 0, 0, 0, time.UTC)
	ob := func(id, area string, p Period, v float64, cell string) Observation {
		return Observation{MetricID: id, Area: area, Period: p, Value: v, Source: Source{UploadID: 1, File: "book.xlsx", Sheet: "Safeguarding", Cell: cell, UploadedAt: up}}
	}
	jan, feb, mar, apr := MonthOf(2021, time.January), MonthOf(2021, time.February), MonthOf(2021, time.March), MonthOf(2021, time.April)
	may, jun, jul := MonthOf(2021, time.May), MonthOf(2021, time.June), MonthOf(2021, time.July)
	inputs := map[string][]Observation{
		"granted": {ob("granted", "Force", jan, 20, "C3"), ob("granted", "Force", feb, 19, "D3")},
		"apps": {ob("apps", "Force", jan, 20, "C2"), ob("apps", "Force", feb, 21, "D2"), ob("apps", "Force", mar, 22, "E2"),
			ob("apps", "Force", apr, 10, "F2"), ob("apps", "Force", may, 19, "G2"), ob("apps", "Force", jun, 21, "H2"), ob("apps", "Force", jul, 20, "I2")},
		"crimes": {ob("crimes", "Force", jan, 500, "C9"), ob("crimes", "Force", jul, 516, "I9")},
		// Population: a figure a year, standing until the next.
		"population": {ob("population", "Cambridgeshire", CalendarYearOf(2020), 850000, "B2"), ob("population", "Cambridgeshire", CalendarYearOf(2021), 860000, "B3")},
		"zero":       {ob("zero", "Force", jan, 0, "C1")},
	}
	values := func(obs []Observation) string {
		var parts []string
		for _, o := range obs {
			parts = append(parts, o.Period.Key()+" "+o.Area+" "+formatValue(o.Value))
		}
		return strings.Join(parts, "; ")
	}
	tests := []struct {
		def, want string
	}{
		// 20/20 = 1; 19/21 = 0.904761... (0.9 to two places); March has
		// no granted figure, so no ratio.
		{"ratio(granted, apps)", "2021-01 Force 1; 2021-02 Force 0.9"},
		{"percent(granted, apps)", "2021-01 Force 100; 2021-02 Force 90.48"},
		{"difference(apps, granted)", "2021-01 Force 0; 2021-02 Force 2"},
		// A zero denominator gives no value.
		{"ratio(granted, zero)", ""},
		// 1000 × 500 / 860,000 = 0.5814; 1000 × 516 / 860,000 = 0.6: the
		// 2021 estimate (the single area serves the force).
		{"per1000(crimes, population)", "2021-01 Force 0.58; 2021-07 Force 0.6"},
		// From May: 19, 19 + 21 = 40, 40 + 20 = 60.
		{"total(apps, since 2021-05)", "2021-05 Force 19; 2021-06 Force 40; 2021-07 Force 60"},
	}
	for _, tt := range tests {
		d, err := ParseDerivation(tt.def)
		if err != nil {
			t.Fatal(err)
		}
		got := Derive("derived", d, inputs)
		if values(got) != tt.want {
			t.Errorf("%s = %s\nwant %s", tt.def, values(got), tt.want)
		}
	}
	d, _ := ParseDerivation("ratio(granted, apps)")
	got := Derive("rate", d, inputs)
	if got[0].MetricID != "rate" || got[0].Source.File != "Derived: granted 20 (book.xlsx, Safeguarding!C3) ÷ apps 20 (book.xlsx, Safeguarding!C2)" ||
		!got[0].Source.UploadedAt.Equal(up) || got[0].Source.UploadID != 1 {
		t.Errorf("trace = %+v", got[0])
	}
	// A revision of an input (a later upload of February's granted: 21)
	// changes the derived value: 21/21 = 1; the trace names the revised
	// cell and upload.
	revised := ob("granted", "Force", feb, 21, "D3")
	revised.Source.UploadID, revised.Source.File, revised.Source.UploadedAt = 2, "revised.xlsx", up.Add(24*time.Hour)
	inputs["granted"] = append(inputs["granted"], revised)
	got = Derive("rate", d, inputs)
	if values(got) != "2021-01 Force 1; 2021-02 Force 1" || got[1].Source.UploadID != 2 || !strings.Contains(got[1].Source.File, "revised.xlsx") {
		t.Errorf("after a revision: %s, %+v", values(got), got[1].Source)
	}
	total, _ := ParseDerivation("total(apps, since 2021-05)")
	if got := Derive("t", total, inputs); !strings.HasPrefix(got[2].Source.File, "Derived: sum of 3 values of apps, May 2021 to Jul 2021") {
		t.Errorf("total trace = %q", got[2].Source.File)
	}
}

func TestDerivedClassification(t *testing.T) {
	if c := DerivedClassification(Open, []Classification{Open, Sensitive}); c != Sensitive {
		t.Errorf("open from a sensitive input: %s", c)
	}
	if c := DerivedClassification(Open, []Classification{Open, ""}); c != Sensitive {
		t.Errorf("open from an unknown input: %s", c)
	}
	if c := DerivedClassification(Open, []Classification{Open, Open}); c != Open {
		t.Errorf("open from open inputs: %s", c)
	}
	if c := DerivedClassification(Sensitive, []Classification{Open}); c != Sensitive {
		t.Errorf("sensitive asked: %s", c)
	}
}

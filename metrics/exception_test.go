package metrics

import (
	"reflect"
	"testing"
)

func TestJudgeException(t *testing.T) {
	point := []SPCPoint{{}}
	area := func(name string, rag RAG, variation string) Analysis {
		return Analysis{Area: name, RAG: rag, Variation: variation, Points: point}
	}
	noValue := Analysis{Area: "East", RAG: Red}
	tests := []struct {
		name     string
		areas    []Analysis
		stale    bool
		reasons  []string
		severity Severity
	}{
		{"nothing wrong", []Analysis{area("North", Green, "")}, false, nil, SeverityNone},
		{"off target", []Analysis{area("North", Red, "")}, false, []string{"Off target"}, SeverityRed},
		{"near target", []Analysis{area("North", Amber, "")}, false, []string{"Near target"}, SeverityAmber},
		{"a concern", []Analysis{area("North", Green, VariationConcern)}, false, []string{"Unusual change, a concern"}, SeverityConcern},
		{"an improvement is none", []Analysis{area("North", Green, VariationImprovement)}, false, nil, SeverityNone},
		{"stale only", []Analysis{area("North", Green, "")}, true, []string{"Not up to date"}, SeverityStale},
		{"near target and stale", []Analysis{area("South", Amber, "")}, true, []string{"Near target", "Not up to date"}, SeverityAmber},
		{"two areas, reasons by area", []Analysis{area("North", Red, VariationConcern), area("South", Amber, "")}, false,
			[]string{"Off target (North)", "Near target (South)", "Unusual change, a concern (North)"}, SeverityRed},
		{"a reason shared by two areas is said once", []Analysis{area("North", Red, ""), area("South", Red, "")}, false,
			[]string{"Off target (North, South)"}, SeverityRed},
		{"an area with no value gives no reason, but counts as shown", []Analysis{noValue, area("South", Amber, "")}, false,
			[]string{"Near target (South)"}, SeverityAmber},
		{"no areas", nil, false, nil, SeverityNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := JudgeException(tt.areas, tt.stale)
			if !reflect.DeepEqual(e.Reasons, tt.reasons) || e.Severity != tt.severity || e.Is() != (tt.severity > SeverityNone) {
				t.Errorf("reasons %q (severity %d), want %q (%d)", e.Reasons, e.Severity, tt.reasons, tt.severity)
			}
		})
	}
}

func TestExceptionsFirst(t *testing.T) {
	type item struct {
		id string
		s  Severity
	}
	items := []item{{"a", SeverityNone}, {"b", SeverityStale}, {"c", SeverityRed}, {"d", SeverityAmber}, {"e", SeverityNone}, {"f", SeverityRed}, {"g", SeverityConcern}}
	ex, others := ExceptionsFirst(items, func(i item) Severity { return i.s })
	var got, rest []string
	for _, i := range ex {
		got = append(got, i.id)
	}
	for _, i := range others {
		rest = append(rest, i.id)
	}
	if !reflect.DeepEqual(got, []string{"c", "f", "g", "d", "b"}) || !reflect.DeepEqual(rest, []string{"a", "e"}) {
		t.Errorf("exceptions %v, others %v; want c f g d b (most serious first, then in order), and a e", got, rest)
	}
}

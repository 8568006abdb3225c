package chart

import (
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

func TestAnnotationMarks(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	months := []metrics.Period{metrics.MonthOf(2020, 2), metrics.MonthOf(2020, 3), metrics.MonthOf(2020, 4), metrics.MonthOf(2020, 5)}
	anns := []metrics.Annotation{
		{Label: "Before the chart", Start: day("2019-01-01")},
		{Label: "First national lockdown", Start: day("2020-03-23"), End: day("2020-05-10")},
		{Label: "A label far too long to sit beside a chart without running over", Start: day("2020-02-29")},
		{Label: "After", Start: day("2021-01-01"), End: day("2021-02-01")},
	}
	got := AnnotationMarks(anns, months)
	want := []ChartMark{{Label: "2 First national lockdown", From: 1, To: 3}, {Label: "3 A label far too long to sit…", From: 0, To: 0}}
	if len(got) != len(want) {
		t.Fatalf("marks = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("mark %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := LineChartPanelWithMarks("c", "T", "", []string{"a", "b"}, []LineSeries{{Name: "x", Values: []*float64{nil, nil}}}, nil, "", []ChartMark{{Label: "x", From: 1, To: 2}}); err == nil {
		t.Error("a mark beyond the periods was drawn")
	}
}

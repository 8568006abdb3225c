package metrics

import (
	"strings"
	"testing"
	"time"
)

func TestAnnotationValidate(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	ok := Annotation{Label: "First national lockdown", Start: day("2020-03-23")}
	tests := []struct {
		name string
		edit func(a *Annotation)
		want string // "" for valid
	}{
		{"single date", func(a *Annotation) {}, ""},
		{"span", func(a *Annotation) { a.End = day("2020-07-04") }, ""},
		{"span of one day", func(a *Annotation) { a.End = a.Start }, ""},
		{"no label", func(a *Annotation) { a.Label = "  " }, "needs a label"},
		{"long label", func(a *Annotation) { a.Label = strings.Repeat("é", MaxAnnotationLabel+1) }, "keep it to 80"},
		{"long detail", func(a *Annotation) { a.Detail = strings.Repeat("x", MaxAnnotationDetail+1) }, "keep it to 1000"},
		{"control character", func(a *Annotation) { a.Label = "Op\x00Guardian" }, "control character"},
		{"no date", func(a *Annotation) { a.Start = time.Time{} }, "needs a date"},
		{"ends before it starts", func(a *Annotation) { a.End = day("2020-03-22") }, "before it starts"},
		{"far past", func(a *Annotation) { a.Start = day("1800-01-01") }, "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ok
			tt.edit(&a)
			err := a.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || ErrorCode(err) != EINVALID {
				t.Fatalf("Validate = %v, want EINVALID containing %q", err, tt.want)
			}
		})
	}
}

func TestAnnotationWhen(t *testing.T) {
	a := Annotation{Start: time.Date(2020, 3, 23, 0, 0, 0, 0, time.UTC)}
	if got := a.When(); got != "23 Mar 2020" || a.IsSpan() || !a.Last().Equal(a.Start) {
		t.Errorf("single date: When %q, IsSpan %t", got, a.IsSpan())
	}
	a.End = time.Date(2020, 7, 4, 0, 0, 0, 0, time.UTC)
	if got := a.When(); got != "23 Mar 2020 to 4 Jul 2020" || !a.IsSpan() || !a.Last().Equal(a.End) {
		t.Errorf("span: When %q, IsSpan %t", got, a.IsSpan())
	}
}

func TestCommentaryValidate(t *testing.T) {
	ok := Commentary{MetricID: "calls-999", Period: MonthOf(2021, 8), Text: "Demand rose with the summer.\nA second line."}
	if err := ok.Validate(); err != nil {
		t.Fatalf("Validate = %v", err)
	}
	cleared := ok
	cleared.Text = ""
	if err := cleared.Validate(); err != nil {
		t.Errorf("an empty text clears the commentary, but Validate = %v", err)
	}
	for name, c := range map[string]Commentary{
		"no metric": {Period: ok.Period, Text: "x"},
		"no period": {MetricID: "m", Text: "x"},
		"too long":  {MetricID: "m", Period: ok.Period, Text: strings.Repeat("x", MaxCommentary+1)},
		"control":   {MetricID: "m", Period: ok.Period, Text: "a\x1bb"},
	} {
		if err := c.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: Validate = %v, want EINVALID", name, err)
		}
	}
}

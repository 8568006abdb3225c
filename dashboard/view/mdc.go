package view

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/assure-pcc/assure/dashboard/chart"
	"github.com/assure-pcc/assure/metrics"
)

// Making Data Count on the pages: the variation and assurance icons, the
// current state first, the signals grouped with the older ones folded
// away, the limits recalculated in segments and the suggestion of a
// change point. The figures are worked out in metrics; this file only
// words them for the pages.

// Icon is an icon of static/img/mdc-*.svg with its text alternative.
type Icon struct {
	// Src is the icon's address; Alt says what it shows, for a screen
	// reader and in print, where the text is printed beside it too.
	Src, Alt string
	// Short says the sign in a few words, for a narrow column on paper,
	// where a printed icon shows only its letter.
	Short string
	// Class colours a badge beside it: mdc-improvement, mdc-concern or
	// mdc-neither.
	Class string
}

func variationIcon(v metrics.VariationIcon) *Icon {
	if v.Icon == "" {
		return nil
	}
	class := "mdc-neither"
	switch v.Category {
	case metrics.VariationImprovement:
		class = "mdc-improvement"
	case metrics.VariationConcern:
		class = "mdc-concern"
	}
	return &Icon{Src: "/static/img/mdc-" + v.Icon + ".svg", Alt: v.Text, Short: mdcShort[v.Icon], Class: class}
}

func assuranceIcon(a *metrics.AssuranceIcon) *Icon {
	if a == nil {
		return nil
	}
	class := "mdc-neither"
	switch a.Category {
	case metrics.AssurancePass:
		class = "mdc-improvement"
	case metrics.AssuranceFail:
		class = "mdc-concern"
	}
	return &Icon{Src: "/static/img/mdc-" + a.Icon + ".svg", Alt: a.Text, Short: mdcShort[a.Icon], Class: class}
}

// mdcShort is each icon's sign in a few words.
var mdcShort = map[string]string{
	metrics.IconCommonCause:     "Common cause",
	metrics.IconImprovementHigh: "Improvement, high",
	metrics.IconImprovementLow:  "Improvement, low",
	metrics.IconConcernHigh:     "Concern, high",
	metrics.IconConcernLow:      "Concern, low",
	metrics.IconNeitherHigh:     "Unusually high",
	metrics.IconNeitherLow:      "Unusually low",
	metrics.IconAssurancePass:   "Target consistently met",
	metrics.IconAssuranceFail:   "Target consistently missed",
	metrics.IconAssuranceHit:    "Target hit and miss",
}

// SignalGroup is a stretch of signals as the page tells it: the
// lead signal's sentence, and the others of the stretch beside it.
type SignalGroup struct {
	// When names the stretch ("Apr 2021 to Mar 2022").
	When string
	// Summary is the lead signal's sentence; Others the rest.
	Summary string
	Others  []string
	// Class is mdc-improvement, mdc-concern or mdc-neither; Word says
	// it in words.
	Class, Word string
}

// Segment is one stretch of recalculated limits.
type Segment struct {
	From, To            string
	Mean, Upper, Lower  string
	Points              int
	Reason, Provisional string
}

// addMDC words the Making Data Count parts of a.
func (v *Analysis) addMDC(m metrics.Metric, a metrics.Analysis) {
	v.VariationIcon = variationIcon(a.VariationIcon)
	v.AssuranceIcon = assuranceIcon(a.Assurance)
	v.State = a.State
	if b := a.Benchmark; b != nil {
		label := strings.TrimSpace(m.BenchmarkLabel)
		switch {
		case label == "":
			label = "the benchmark"
		case !strings.HasPrefix(strings.ToLower(label), "the "):
			label = "the " + label
		}
		v.Benchmark = b.Sentence(label, metrics.FormatTarget(b.Benchmark, m.Unit))
	}
	x := a.XmR
	if x == nil {
		return
	}
	if a.Suggestion != nil {
		v.Suggestion = a.Suggestion.Sentence
	}
	for _, g := range a.Groups {
		gv := SignalGroup{When: spanLabel(x, g.From, g.To), Summary: g.Lead.Sentence}
		for _, s := range g.Signals {
			if s.Sentence != g.Lead.Sentence {
				gv.Others = append(gv.Others, s.Sentence)
			}
		}
		switch {
		case g.Concern && g.Improvement:
			gv.Class, gv.Word = "mdc-concern", "Concern and improvement"
		case g.Concern:
			gv.Class, gv.Word = "mdc-concern", "Concern"
		case g.Improvement:
			gv.Class, gv.Word = "mdc-improvement", "Improvement"
		default:
			gv.Class, gv.Word = "mdc-neither", "Unusual"
		}
		if g.Current {
			v.Current = append(v.Current, gv)
		} else {
			v.Older = append(v.Older, gv)
		}
	}
	if len(x.Segments) > 1 {
		for _, s := range x.Segments {
			v.Segments = append(v.Segments, Segment{
				From: x.Points[s.From].Period.Label(), To: x.Points[s.To].Period.Label(),
				Mean: metrics.FormatWithUnit(s.Mean, m.Unit), Upper: metrics.FormatWithUnit(s.UpperLimit, m.Unit), Lower: metrics.FormatWithUnit(s.LowerLimit, m.Unit),
				Points: s.Points, Reason: s.Reason, Provisional: metrics.ProvisionalNote(*x, s),
			})
		}
	}
	for _, c := range x.Pending {
		v.Pending = append(v.Pending, fmt.Sprintf("The change point of %s (%s) waits: the limits are recalculated from it once at least %d values follow it.",
			c.Start.Format("2 Jan 2006"), c.Reason, metrics.XmRMinPoints))
	}
}

// spanLabel names the periods of points from to to: "Apr 2021", or
// "Apr 2021 to Mar 2022".
func spanLabel(x *metrics.XmR, from, to int) string {
	if from == to {
		return x.Points[from].Period.Label()
	}
	return x.Points[from].Period.Label() + " to " + x.Points[to].Period.Label()
}

// pointKinds says for each point of x what its signals make it: a
// concern when any signal it belongs to is one, else an improvement,
// else (a measure with no direction of good) neither; "" for a point in
// no signal.
func pointKinds(x *metrics.XmR, signals []metrics.Signal) []string {
	kinds := make([]string, len(x.Points))
	for _, s := range signals {
		k := chart.SPCKindNeither
		switch {
		case s.Concern:
			k = chart.SPCKindConcern
		case s.Improvement:
			k = chart.SPCKindImprovement
		}
		for i := s.From; i <= s.To && i < len(kinds); i++ {
			if kinds[i] == "" || k == chart.SPCKindConcern || (k == chart.SPCKindImprovement && kinds[i] == chart.SPCKindNeither) {
				kinds[i] = k
			}
		}
	}
	return kinds
}

// benchmarkLegend names a measure's benchmark line: "National average
// (60%)".
func benchmarkLegend(m metrics.Metric) string {
	if m.Benchmark == nil {
		return ""
	}
	label := strings.TrimSpace(m.BenchmarkLabel)
	if label == "" {
		label = "Benchmark"
	}
	r, n := utf8.DecodeRuneInString(label)
	return string(unicode.ToUpper(r)) + label[n:] + " (" + metrics.FormatTarget(*m.Benchmark, m.Unit) + ")"
}

package metrics

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Derived measures are defined in the catalogue and computed by Assure
// from other measures whenever they are read, so that a revision of an
// input changes them at once and every value traces to the cells it was
// computed from. They have the same charts, SPC and RAG as any measure.
//
// A definition is one of:
//
//	ratio(A, B)        A ÷ B, per area and period: DVPOs granted per DVPN application
//	percent(A, B)      100 × A ÷ B
//	difference(A, B)   A − B
//	per1000(A, P)      1,000 × A ÷ P, where P is a population measure
//	total(A, since 2021-05)  A added up from a period on: DVPNs since the desk opened
//
// where A, B and P are the ids of measures whose values are uploaded (a
// derived measure is not an input).

// Kinds of derivation.
const (
	DeriveRatio      = "ratio"
	DerivePercent    = "percent"
	DeriveDifference = "difference"
	DerivePer1000    = "per1000"
	DeriveTotal      = "total"
)

// Derivation is a parsed definition of a derived measure.
type Derivation struct {
	// Kind is one of the Derive constants.
	Kind string
	// Inputs are the ids of the measures it is computed from: two, or
	// one for DeriveTotal.
	Inputs []string
	// Since is the first period a DeriveTotal adds up.
	Since Period
}

// ParseDerivation reads a definition as the catalogue writes it (see the
// package comment above): the kind in any case, the ids as written (they
// are slugs, so the catalogue's ids), spaces anywhere. Errors are
// EINVALID with a message that says how to write it.
func ParseDerivation(s string) (Derivation, error) {
	howto := "write ratio(a, b), percent(a, b), difference(a, b), per1000(a, population) or total(a, since 2021-05), with the ids of uploaded measures"
	s = strings.TrimSpace(s)
	lp, rp := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if lp <= 0 || rp != len(s)-1 {
		return Derivation{}, Errorf(EINVALID, "%q is not a definition of a derived measure: %s", s, howto)
	}
	d := Derivation{Kind: strings.ToLower(strings.TrimSpace(s[:lp]))}
	var args []string
	for _, a := range strings.Split(s[lp+1:rp], ",") {
		args = append(args, strings.TrimSpace(a))
	}
	switch d.Kind {
	case DeriveRatio, DerivePercent, DeriveDifference, DerivePer1000:
		if len(args) != 2 {
			return Derivation{}, Errorf(EINVALID, "%s takes two measures, not %d: %s", d.Kind, len(args), howto)
		}
		d.Inputs = args
	case DeriveTotal:
		if len(args) != 2 || !strings.HasPrefix(strings.ToLower(args[1]), "since ") {
			return Derivation{}, Errorf(EINVALID, "total takes a measure and the period it adds up from, as in total(dvpn-applications, since 2021-05)")
		}
		p, err := ParsePeriod(strings.TrimSpace(args[1][len("since "):]))
		if err != nil {
			return Derivation{}, Errorf(EINVALID, "total(%s, %s): the period is not one Assure reads: write it as 2021-05", args[0], args[1])
		}
		d.Inputs, d.Since = args[:1], p
	default:
		return Derivation{}, Errorf(EINVALID, "%q is not a kind of derived measure: %s", s[:lp], howto)
	}
	for _, id := range d.Inputs {
		if id == "" || id != Slug(id) {
			return Derivation{}, Errorf(EINVALID, "%q is not a measure id (lower-case letters, digits and dashes): %s", id, howto)
		}
	}
	return d, nil
}

// String writes d as ParseDerivation reads it.
func (d Derivation) String() string {
	if d.Kind == DeriveTotal {
		return fmt.Sprintf("total(%s, since %s)", d.Inputs[0], d.Since.Key())
	}
	return fmt.Sprintf("%s(%s)", d.Kind, strings.Join(d.Inputs, ", "))
}

// Describe says what d computes, naming the inputs by names[id] (the id
// when names lacks it): "DVPOs granted ÷ DVPN applications".
func (d Derivation) Describe(names map[string]string) string {
	name := func(i int) string { return cmp.Or(names[d.Inputs[i]], d.Inputs[i]) }
	switch d.Kind {
	case DeriveRatio:
		return name(0) + " ÷ " + name(1)
	case DerivePercent:
		return "100 × " + name(0) + " ÷ " + name(1)
	case DeriveDifference:
		return name(0) + " − " + name(1)
	case DerivePer1000:
		return name(0) + " per 1,000 of " + name(1)
	case DeriveTotal:
		return name(0) + " added up since " + d.Since.Label()
	}
	return d.String()
}

// Derive computes the values of d from inputs (each input's current
// observations, by id; an input missing from the map has none) for the
// derived measure metricID:
//
//   - ratio, percent, difference: one value for each area and period
//     that both inputs have (a ratio or percent of a zero denominator has
//     none);
//   - per1000: each value of the first input divided by the population
//     of the same area for the same period or, when the population has
//     no such period, its latest period that starts on or before it (a
//     mid-year estimate stands until the next); when the population has
//     a single area, that area's figure serves every area;
//   - total: per area, for each period of the input from Since on, the
//     sum of the values from Since to that period, of the kind of Since.
//
// Each value's Source traces it: File says the inputs and the cells it
// came from, UploadedAt is the latest of its inputs' upload times, and
// UploadID is that input's upload. The result is in period order, then
// area.
func Derive(metricID string, d Derivation, inputs map[string][]Observation) []Observation {
	var out []Observation
	switch d.Kind {
	case DeriveRatio, DerivePercent, DeriveDifference:
		b := byCell(inputs[d.Inputs[1]])
		for _, x := range current(inputs[d.Inputs[0]]) {
			y, ok := b[cellKey(x)]
			if !ok {
				continue
			}
			var v float64
			op := " − "
			switch d.Kind {
			case DeriveDifference:
				v = x.Value - y.Value
			case DeriveRatio, DerivePercent:
				if y.Value == 0 {
					continue
				}
				v, op = x.Value/y.Value, " ÷ "
				if d.Kind == DerivePercent {
					v *= 100
				}
			}
			out = append(out, derived(metricID, x, v, trace(d.Inputs[0], x)+op+trace(d.Inputs[1], y), x, y))
		}
	case DerivePer1000:
		pop := current(inputs[d.Inputs[1]])
		areas := map[string]bool{}
		for _, p := range pop {
			areas[p.Area] = true
		}
		for _, x := range current(inputs[d.Inputs[0]]) {
			var best *Observation
			for i := range pop {
				p := &pop[i]
				if p.Area != x.Area && len(areas) != 1 {
					continue
				}
				if p.Period.Kind == x.Period.Kind && p.Period.Key() == x.Period.Key() {
					best = p
					break
				}
				if !p.Period.Start.After(x.Period.Start) && (best == nil || p.Period.Start.After(best.Period.Start)) {
					best = p
				}
			}
			if best == nil || best.Value == 0 {
				continue
			}
			out = append(out, derived(metricID, x, 1000*x.Value/best.Value,
				trace(d.Inputs[0], x)+" per 1,000 of "+trace(d.Inputs[1], *best), x, *best))
		}
	case DeriveTotal:
		byArea := map[string][]Observation{}
		for _, x := range current(inputs[d.Inputs[0]]) {
			if x.Period.Kind == d.Since.Kind && !x.Period.Start.Before(d.Since.Start) {
				byArea[x.Area] = append(byArea[x.Area], x)
			}
		}
		for _, xs := range byArea {
			sum := 0.0
			for i, x := range xs {
				sum += x.Value
				o := derived(metricID, x, sum, fmt.Sprintf("sum of %d values of %s, %s to %s (latest %s)", i+1, d.Inputs[0],
					xs[0].Period.Label(), x.Period.Label(), cellOf(x)), xs[:i+1]...)
				out = append(out, o)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Observation) int {
		return cmp.Or(ComparePeriods(a.Period, b.Period), cmp.Compare(a.Area, b.Area))
	})
	return out
}

// current is obs with one value per area and period (the later one in
// obs, as a revision supersedes), in period order, then area.
func current(obs []Observation) []Observation {
	idx := map[string]int{}
	var out []Observation
	for _, o := range obs {
		if !finite(o.Value) {
			continue
		}
		if i, ok := idx[cellKey(o)]; ok {
			out[i] = o
			continue
		}
		idx[cellKey(o)] = len(out)
		out = append(out, o)
	}
	slices.SortStableFunc(out, func(a, b Observation) int {
		return cmp.Or(ComparePeriods(a.Period, b.Period), cmp.Compare(a.Area, b.Area))
	})
	return out
}

func byCell(obs []Observation) map[string]Observation {
	out := map[string]Observation{}
	for _, o := range current(obs) {
		out[cellKey(o)] = o
	}
	return out
}

func cellKey(o Observation) string {
	return string(o.Period.Kind) + "\x00" + o.Period.Key() + "\x00" + o.Area
}

// derived is a value of the derived measure at x's area and period,
// traced to from.
func derived(metricID string, x Observation, v float64, how string, from ...Observation) Observation {
	o := Observation{MetricID: metricID, Area: x.Area, Period: x.Period, Value: v, Source: Source{File: "Derived: " + how}}
	var latest time.Time
	for _, f := range from {
		if f.Source.UploadedAt.After(latest) {
			latest, o.Source.UploadID = f.Source.UploadedAt, f.Source.UploadID
		}
	}
	o.Source.UploadedAt = latest
	return o
}

// trace names an input value and its cell: "dvpn-applications 21
// (book.xlsx, Safeguarding!D2)".
func trace(id string, o Observation) string {
	return fmt.Sprintf("%s %s (%s)", id, formatValue(o.Value), cellOf(o))
}

func cellOf(o Observation) string {
	s := o.Source
	switch {
	case s.File == "":
		return "no source"
	case s.Sheet == "":
		return s.File + ", " + s.Cell
	}
	return s.File + ", " + s.Sheet + "!" + s.Cell
}

// DerivedClassification is the classification a derived measure may
// have: sensitive when any input is (or is unknown), whatever the
// catalogue asks, so that an open measure never shows a figure computed
// from a sensitive one.
func DerivedClassification(asked Classification, inputs []Classification) Classification {
	for _, c := range inputs {
		if c != Open {
			return Sensitive
		}
	}
	return asked
}

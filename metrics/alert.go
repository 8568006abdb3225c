package metrics

import (
	"fmt"
	"slices"
	"strings"
)

// Alerts: what subscribers are told when something goes wrong. A new
// special cause that is a concern, a measure turning red, the revenue
// forecast past its threshold, and figures falling overdue. Each alert
// is worked out from the standing before and after a change, and named
// (Dedupe) so that it is raised once, however often it is looked for.

// AlertKind is what an alert is about.
type AlertKind string

// The kinds of alert a subscriber chooses from.
const (
	AlertConcern AlertKind = "concern"
	AlertRed     AlertKind = "red"
	AlertFinance AlertKind = "finance"
	AlertOverdue AlertKind = "overdue"
)

// AlertKinds lists every kind, in the order a form offers them.
var AlertKinds = []AlertKind{AlertConcern, AlertRed, AlertFinance, AlertOverdue}

// Word describes the kind for a form: "a new special cause of concern".
func (k AlertKind) Word() string {
	switch k {
	case AlertConcern:
		return "A new unusual change that is a concern (special cause)"
	case AlertRed:
		return "A measure turning red (off target)"
	case AlertFinance:
		return "The revenue forecast past its amber or red threshold"
	case AlertOverdue:
		return "Figures falling overdue"
	}
	return string(k)
}

// ParseAlertKinds reads a list of kinds, as a comma-separated text or
// the values of a form; unknown kinds are an error. The result has each
// kind once, in AlertKinds order.
func ParseAlertKinds(values ...string) ([]AlertKind, error) {
	var out []AlertKind
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(strings.ToLower(part))
			if part == "" {
				continue
			}
			k := AlertKind(part)
			if !slices.Contains(AlertKinds, k) {
				return nil, Errorf(EINVALID, "%q is not a kind of alert: the kinds are concern, red, finance and overdue", part)
			}
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.SortFunc(out, func(a, b AlertKind) int { return slices.Index(AlertKinds, a) - slices.Index(AlertKinds, b) })
	return out, nil
}

// JoinAlertKinds writes kinds as ParseAlertKinds reads them.
func JoinAlertKinds(kinds []AlertKind) string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = string(k)
	}
	return strings.Join(parts, ",")
}

// AlertState is the standing alerts compare: every measure's and the
// revenue forecast's, as a pack would show them on the day, and the
// measures late on the day.
type AlertState struct {
	Pack PackState  `json:"pack"`
	Late []Lateness `json:"late,omitempty"`
}

// AlertEvent is one alert.
type AlertEvent struct {
	Kind AlertKind
	// MetricID is the measure it is about; "" for finance.
	MetricID string
	// Classification decides who may be told: a sensitive alert goes
	// only to subscribers cleared for sensitive data.
	Classification Classification
	Subject, Body  string
	// Dedupe names the event: the same name is the same event.
	Dedupe string
}

var budgetRank = map[BudgetStatus]int{BudgetGreen: 1, BudgetAmber: 2, BudgetRed: 3}

// AlertsBetween are the alerts raised by the change from was to now.
func AlertsBetween(was, now AlertState) []AlertEvent {
	d := Compare(was.Pack, now.Pack)
	var out []AlertEvent
	for _, s := range d.NewSignals {
		if !s.Signal.Concern {
			continue
		}
		out = append(out, AlertEvent{Kind: AlertConcern, MetricID: s.MetricID, Classification: s.Classification,
			Subject: fmt.Sprintf("%s: an unusual change of concern", s.Name),
			Body:    fmt.Sprintf("%s, %s: %s", s.Name, s.Area, s.Signal.Sentence),
			Dedupe:  fmt.Sprintf("concern:%s:%s:%s:%s:%s", s.MetricID, s.Area, s.Signal.Rule, s.Signal.Side, s.Signal.From)})
	}
	for _, c := range d.NewlyOffTarget {
		out = append(out, AlertEvent{Kind: AlertRed, MetricID: c.MetricID, Classification: c.Classification,
			Subject: fmt.Sprintf("%s is off target", c.Name),
			Body:    fmt.Sprintf("%s, %s, %s: off target (red), was %s.", c.Name, c.Area, periodLabel(c.ToPeriod), strings.ToLower(c.From.Word())),
			Dedupe:  fmt.Sprintf("red:%s:%s:%s", c.MetricID, c.Area, c.ToPeriod)})
	}
	if f := now.Pack.Finance; f != nil && budgetRank[f.Status] >= 2 {
		before := 0
		if w := was.Pack.Finance; w != nil {
			before = budgetRank[w.Status]
		}
		if budgetRank[f.Status] > before {
			out = append(out, AlertEvent{Kind: AlertFinance, Classification: Sensitive,
				Subject: fmt.Sprintf("Revenue forecast %s for %s", f.Status, f.Period),
				Body: fmt.Sprintf("The revenue forecast for %s is %s: a variance of %s (%s) on a budget of %s.",
					f.Period, f.Status, FormatMoney(f.Total.VarianceGBP()), SpendWord(f.Total.VarianceGBP()), FormatMoney(f.Total.BudgetGBP)),
				Dedupe: fmt.Sprintf("finance:%s:%s", f.Period, f.Status)})
		}
	}
	seen := map[string]bool{}
	for _, l := range was.Late {
		seen[l.MetricID+"\x00"+l.Missing.Key()] = true
	}
	for _, l := range now.Late {
		if seen[l.MetricID+"\x00"+l.Missing.Key()] {
			continue
		}
		out = append(out, AlertEvent{Kind: AlertOverdue, MetricID: l.MetricID, Classification: l.Classification,
			Subject: fmt.Sprintf("%s: figures overdue", l.Name),
			Body:    fmt.Sprintf("%s: %s", l.Name, l.Sentence()),
			Dedupe:  fmt.Sprintf("overdue:%s:%s", l.MetricID, l.Missing.Key())})
	}
	return out
}

// periodLabel is the label of a period key, or the key itself.
func periodLabel(key string) string {
	if p, err := ParsePeriod(key); err == nil {
		return p.Label()
	}
	return key
}

package dashboard

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/metrics"
)

// The period and area a chart page shows (metric pages and response
// times): ?period= last12, last24, last36, since2019 or all (the
// default), or from–to with ?from= and ?to= as months (2021-04), and
// ?area=. A GET form sets them, so the choice is in the address, works
// without JavaScript and goes with the page's downloads. A value the
// page cannot read is refused (400) with what it takes.

// timePlaceParams are the query parameters of the choice.
var timePlaceParams = []string{"period", "from", "to", "area"}

// periodOptions are the choices of ?period=, in the form's order.
var periodOptions = []struct{ Value, Label string }{
	{"all", "All periods"},
	{"last12", "Last 12 months"},
	{"last24", "Last 24 months"},
	{"last36", "Last 36 months"},
	{"since2019", "Since 2019"},
	{"range", "From–to"},
}

// timePlace is the reader's choice as read from the query.
type timePlace struct {
	// Period is the ?period= value, "all" when none was given; From and
	// To the months of a from–to choice, as given ("2021-04").
	Period, From, To string
	// Area is the area asked for, "" for every area.
	Area string
	// Areas are the areas the reader may choose from.
	Areas []string
	// Shown says in words what is shown: "Jan 2021 to Dec 2021".
	Shown string
	// Hidden are the page's other parameters, which the form sends on.
	Hidden   []hiddenField
	from, to time.Time
}

// readTimePlace reads the choice: EINVALID for a period, month or area
// that cannot be read (areas "" accepts any area, for a page that falls
// back to its headline area by itself).
func readTimePlace(c echo.Context, areas []string, strictArea bool) (timePlace, error) {
	tp := timePlace{Period: c.QueryParam("period"), From: c.QueryParam("from"), To: c.QueryParam("to"), Area: c.QueryParam("area"), Areas: areas}
	if tp.Period == "" {
		tp.Period = "all"
		if tp.From != "" || tp.To != "" {
			tp.Period = "range"
		}
	}
	if !slices.ContainsFunc(periodOptions, func(o struct{ Value, Label string }) bool { return o.Value == tp.Period }) {
		return tp, metrics.Errorf(metrics.EINVALID, "The period %q is not one this page shows: choose last12, last24, last36, since2019, all, or range with from and to as months such as 2021-04.", tp.Period)
	}
	if tp.Period == "range" {
		var err error
		if tp.from, err = readMonth("from", tp.From); err != nil {
			return tp, err
		}
		if tp.to, err = readMonth("to", tp.To); err != nil {
			return tp, err
		}
		if !tp.to.IsZero() {
			tp.to = tp.to.AddDate(0, 1, -1) // the last day of the month
		}
		if !tp.from.IsZero() && !tp.to.IsZero() && tp.to.Before(tp.from) {
			return tp, metrics.Errorf(metrics.EINVALID, "The period runs from %s to %s: the start must come before the end.", tp.From, tp.To)
		}
	}
	if strictArea && tp.Area != "" && !slices.Contains(areas, tp.Area) {
		return tp, metrics.Errorf(metrics.EINVALID, "There are no figures for the area %q here: choose one of the areas listed, or every area.", tp.Area)
	}
	return tp, nil
}

type hiddenField struct{ Name, Value string }

// keep has the form send the page's parameter name on, when given.
func (tp *timePlace) keep(c echo.Context, names ...string) {
	for _, n := range names {
		if v := c.QueryParam(n); v != "" {
			tp.Hidden = append(tp.Hidden, hiddenField{n, v})
		}
	}
}

// readMonth reads a month as a month field sends it: "2021-04".
func readMonth(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01", v)
	if err != nil {
		return time.Time{}, metrics.Errorf(metrics.EINVALID, "The %s month %q is not a month: write it as 2021-04.", name, v)
	}
	return t, nil
}

// window is the span the choice shows, for a series whose latest period
// is latest: the last months count back from the latest figure, not
// from today, so a measure reported late still shows its last year.
func (tp timePlace) window(latest metrics.Period) metrics.Window {
	switch tp.Period {
	case "last12", "last24", "last36":
		n := map[string]int{"last12": 12, "last24": 24, "last36": 36}[tp.Period]
		if latest.IsZero() {
			return metrics.Window{}
		}
		return metrics.LastMonths(latest, n)
	case "since2019":
		return metrics.Window{From: time.Date(2019, time.January, 1, 0, 0, 0, 0, time.UTC)}
	case "range":
		return metrics.Window{From: tp.from, To: tp.to}
	}
	return metrics.Window{}
}

// Limited reports whether the choice leaves anything out.
func (tp timePlace) Limited() bool { return tp.Period != "all" || tp.Area != "" }

// Options are the period choices for the form.
func (tp timePlace) Options() []struct{ Value, Label string } { return periodOptions }

// query is the choice as query parameters, for links and downloads.
func (tp timePlace) query() url.Values {
	q := url.Values{}
	if tp.Period != "all" {
		q.Set("period", tp.Period)
	}
	if tp.Period == "range" {
		if tp.From != "" {
			q.Set("from", tp.From)
		}
		if tp.To != "" {
			q.Set("to", tp.To)
		}
	}
	// An area the page fell back from is not carried on.
	if tp.Area != "" && slices.Contains(tp.Areas, tp.Area) {
		q.Set("area", tp.Area)
	}
	return q
}

// Query is query() written out, "" or "?period=last12&area=North".
func (tp timePlace) Query() string {
	if q := tp.query(); len(q) > 0 {
		return "?" + q.Encode()
	}
	return ""
}

// latestPeriod is the latest period of obs, zero for none.
func latestPeriod(obs []metrics.Observation) metrics.Period {
	var latest metrics.Period
	for _, o := range obs {
		if latest.IsZero() || metrics.ComparePeriods(o.Period, latest) > 0 {
			latest = o.Period
		}
	}
	return latest
}

// shownText says which periods obs covers: "Jan 2021 to Dec 2021".
func shownText(obs []metrics.Observation) string {
	if len(obs) == 0 {
		return "no periods"
	}
	first, last := obs[0].Period, obs[0].Period
	for _, o := range obs {
		if metrics.ComparePeriods(o.Period, first) < 0 {
			first = o.Period
		}
		if metrics.ComparePeriods(o.Period, last) > 0 {
			last = o.Period
		}
	}
	if first.Key() == last.Key() {
		return first.Label()
	}
	return fmt.Sprintf("%s to %s", first.Label(), last.Label())
}

// choose narrows obs to the choice: the window, and the area when one is
// chosen and the series has it.
func (tp *timePlace) choose(obs []metrics.Observation) []metrics.Observation {
	out := metrics.FilterWindow(obs, tp.window(latestPeriod(obs)))
	if tp.Area != "" && slices.Contains(tp.Areas, tp.Area) {
		kept := make([]metrics.Observation, 0, len(out))
		for _, o := range out {
			if o.Area == tp.Area {
				kept = append(kept, o)
			}
		}
		out = kept
	}
	tp.Shown = shownText(out)
	return out
}

// baselineYearParam reads ?baseline=YEAR; empty means the default year.
func baselineYearParam(c echo.Context) (int, error) {
	s := strings.TrimSpace(c.QueryParam("baseline"))
	if s == "" {
		return metrics.DefaultBaselineYear, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 1900 || y > 9998 {
		return 0, metrics.Errorf(metrics.EINVALID, "the baseline must be a year such as 2019, not %q", s)
	}
	return y, nil
}

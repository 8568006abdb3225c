package sample

import (
	"context"
	"fmt"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The demo's context beside the numbers: a couple of annotations and one
// commentary, so that the charts show them and the board pack carries a
// commentary. Like the figures, they are illustrative and say so.

// ContextAuthor is the user the demo's annotations and commentary are
// written by.
const ContextAuthor = "demo"

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Annotations are the demo's annotations: the first national lockdown on
// every measure, and an operation on the weapons outcome rate.
func Annotations() []metrics.Annotation {
	return []metrics.Annotation{
		{Label: "First national lockdown", Start: date(2020, time.March, 23), End: date(2020, time.July, 3),
			Detail: "Stay-at-home order from 23 March 2020, eased in stages to 4 July. Illustrative annotation for the demo."},
		{MetricID: "weapons-outcome-rate", Label: "Op Guardian begins (illustrative)", Start: date(2021, time.June, 1),
			Detail: "An invented operation against knife crime, to show an annotation on one measure."},
	}
}

// Commentary is the demo's commentary: on the rural immediate response
// time for January 2022, the month the February 2022 board pack shows.
func Commentary() []metrics.Commentary {
	return []metrics.Commentary{{
		MetricID: "response-rural", Period: metrics.MonthOf(2022, time.January),
		Text: "Illustrative commentary: rural response times have stayed above the 20 minute target since April 2021. " +
			"Fewer officers were on rural shifts while a new shift pattern was introduced.\n" +
			"The force expects the median to fall below the target by the summer.",
	}}
}

// AddContext stores the demo's annotations, commentary, meetings and
// actions, written by ContextAuthor. The performance workbook must be
// stored first: they refer to its measures.
func AddContext(ctx context.Context, st *store.Store) error {
	for _, a := range Annotations() {
		a.CreatedBy = ContextAuthor
		if _, err := st.AddAnnotation(ctx, a); err != nil {
			return fmt.Errorf("sample annotation %q: %w", a.Label, err)
		}
	}
	for _, c := range Commentary() {
		c.Author = ContextAuthor
		if _, err := st.WriteCommentary(ctx, c); err != nil {
			return fmt.Errorf("sample commentary on %s: %w", c.MetricID, err)
		}
	}
	return addCycle(ctx, st)
}

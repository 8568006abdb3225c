package sample

import (
	"context"
	"fmt"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// The demo's board cycle: the Business Co-ordination Board's meetings
// of the minutes, and actions in their spirit (the texts are
// paraphrased, the owners as the minutes name them).

// Board is the demo's board.
const Board = "Business Co-ordination Board"

// Meetings are the demo's calendar.
func Meetings() []metrics.Meeting {
	return []metrics.Meeting{
		{Date: date(2021, time.October, 12), Title: Board, PapersDue: date(2021, time.October, 5)},
		{Date: date(2021, time.December, 16), Title: Board, PapersDue: date(2021, time.December, 9)},
		{Date: date(2022, time.February, 10), Title: Board, PapersDue: date(2022, time.February, 3)},
		{Date: date(2022, time.May, 26), Title: Board, PapersDue: date(2022, time.May, 19)},
	}
}

// Actions are the demo's action log.
func Actions() []metrics.Action {
	return []metrics.Action{
		{Meeting: metrics.Meeting{Date: date(2021, time.October, 12)}, Text: "Explore options for holding the Chief Constable to account on the National Crime and Policing Measures.",
			Owner: "OPCC / Constabulary", Due: date(2021, time.December, 16), Classification: metrics.Open},
		{Meeting: metrics.Meeting{Date: date(2021, time.December, 16)}, Text: "Provide a summary perspective on knife crime (Op Armour, Op Guardian) to the Board in three months.",
			Owner: "Constabulary", Due: date(2022, time.January, 31), Metrics: []string{"weapons-outcome-rate"}},
		{Meeting: metrics.Meeting{Date: date(2021, time.December, 16)}, Text: "Map performance reporting to align with existing reporting mechanisms.",
			Owner: "Head of Business Development", Due: date(2022, time.May, 26), Classification: metrics.Open},
		{Meeting: metrics.Meeting{Date: date(2022, time.February, 10)}, Text: "Bring a report on the Safer Streets project to the May Board.",
			Owner: "Constabulary", Due: date(2022, time.May, 26)},
	}
}

// addCycle stores the demo's meetings and actions.
func addCycle(ctx context.Context, st *store.Store) error {
	for _, m := range Meetings() {
		m.CreatedBy = ContextAuthor
		if _, err := st.AddMeeting(ctx, m); err != nil {
			return fmt.Errorf("sample meeting %s: %w", m.Date.Format(time.DateOnly), err)
		}
	}
	for _, a := range Actions() {
		a.CreatedBy = ContextAuthor
		if _, err := st.AddAction(ctx, a); err != nil {
			return fmt.Errorf("sample action %q: %w", a.Text, err)
		}
	}
	return nil
}

package ingest

import (
	"fmt"
	"io"
	"strings"

	"github.com/assure-pcc/assure/metrics"
)

// WriteText writes the report for a person, as `assure ingest` prints it:
// the verdict, then what the file changes (the catalogue first, then each
// measure, or the finance month), then every error and warning with its
// file, sheet and cell.
func (r Report) WriteText(w io.Writer) {
	verb := r.Status
	if r.DryRun && r.Status == StatusStored {
		verb = "would be stored (dry run)"
	}
	fmt.Fprintf(w, "%s: %s", r.File, verb)
	if r.Mapping != "" {
		fmt.Fprintf(w, " (mapping %s)", r.Mapping)
	}
	switch {
	case r.Status == StatusRejected || r.Status == StatusUnchanged:
		fmt.Fprintln(w)
	case r.Finance != nil:
		fmt.Fprintln(w)
		r.Finance.writeText(w)
	default:
		fmt.Fprintf(w, ": %d values of %d measures from %d rows in %d sheets", r.Counts.Observations, r.Counts.Metrics, r.Counts.Rows, r.Counts.Sheets)
		if r.Counts.Superseded > 0 {
			fmt.Fprintf(w, ", superseding %d earlier values", r.Counts.Superseded)
		}
		if r.Counts.Incidents > 0 {
			fmt.Fprintf(w, ", and %d incidents", r.Counts.Incidents)
		}
		fmt.Fprintln(w)
		if r.Preview != nil {
			r.Preview.writeText(w)
		}
	}
	for _, p := range r.Errors {
		fmt.Fprintf(w, "  error: %s\n", p.Format(r.File))
	}
	if r.ErrorsTruncated > 0 {
		fmt.Fprintf(w, "  ... and %d more errors\n", r.ErrorsTruncated)
	}
	for _, p := range r.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", p.Format(r.File))
	}
}

func (p *Preview) writeText(w io.Writer) {
	if len(p.Catalogue) > 0 {
		fmt.Fprintln(w, "  Catalogue changes:")
		for _, ch := range p.Catalogue {
			fmt.Fprintf(w, "    ! %s\n", ch)
		}
	}
	if len(p.Measures) > 0 {
		fmt.Fprintln(w, "  Measures:")
	}
	for _, m := range p.Measures {
		fmt.Fprintf(w, "    %s\n", m.Summary())
		for _, rv := range m.Largest {
			fmt.Fprintf(w, "      revised: %s\n", rv)
		}
	}
}

// Summary says in a line what a file does to a measure.
func (m MeasureChange) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %q", m.MetricID, m.Name)
	if m.New {
		b.WriteString(" (new, sensitive)")
	}
	fmt.Fprintf(&b, ": %s, %s: %d new, %d revised, %d unchanged", m.PeriodRange(), m.AreaList(), m.NewValues, m.Revised, m.Unchanged)
	return b.String()
}

// PeriodRange says the periods a file touches: "Apr 2021 to Dec 2021 (9
// periods)".
func (m MeasureChange) PeriodRange() string {
	switch m.Periods {
	case 0:
		return "no periods"
	case 1:
		return m.FirstPeriod
	}
	return fmt.Sprintf("%s to %s (%d periods)", m.FirstPeriod, m.LastPeriod, m.Periods)
}

// maxAreasNamed is how many areas a summary names before it counts.
const maxAreasNamed = 6

// AreaList names the areas a file touches, or counts them when there are
// many.
func (m MeasureChange) AreaList() string {
	if len(m.Areas) == 1 {
		return "area " + m.Areas[0]
	}
	if len(m.Areas) <= maxAreasNamed {
		return fmt.Sprintf("%d areas (%s)", len(m.Areas), strings.Join(m.Areas, ", "))
	}
	return fmt.Sprintf("%d areas (%s, ...)", len(m.Areas), strings.Join(m.Areas[:maxAreasNamed], ", "))
}

// String says the revision: "North, Jun 2021: 610 → 640 (Data!E5; was
// Q2.xlsx, Data!E5)".
func (r Revision) String() string {
	return fmt.Sprintf("%s, %s: %s → %s (%s!%s; was %s, %s)", r.Area, r.Period, formatValue(r.Old), formatValue(r.New), r.Sheet, r.Cell, r.OldFile, r.OldCell)
}

func (f *FinanceSummary) writeText(w io.Writer) {
	fmt.Fprintf(w, "  %s: %d revenue lines, %d capital lines, %d reserves\n", f.Label, f.RevenueLines, f.CapitalLines, f.ReserveLines)
	fmt.Fprintf(w, "  Revenue: budget %s, forecast outturn %s, variance %s\n",
		metrics.FormatThousands(f.BudgetGBP), metrics.FormatThousands(f.ForecastGBP), metrics.VarianceInThousands(f.VarianceGBP))
	if f.PreviousVarianceGBP != nil {
		fmt.Fprintf(w, "    since %s (%s): %s\n", f.PreviousMonth, metrics.VarianceInThousands(*f.PreviousVarianceGBP), movement(f.VarianceGBP-*f.PreviousVarianceGBP))
		for _, m := range f.Movements {
			if m.MovementGBP() != 0 {
				fmt.Fprintf(w, "      %s: %s → %s\n", m.BusinessArea, metrics.VarianceInThousands(m.PreviousVarianceGBP), metrics.VarianceInThousands(m.VarianceGBP))
			}
		}
	}
	for _, u := range f.Units {
		fmt.Fprintf(w, "    unit: %s\n", u)
	}
	if f.CapitalLines > 0 {
		fmt.Fprintf(w, "  Capital: approved budget %s, additions %s, forecast %s\n",
			metrics.FormatThousands(f.CapitalBudgetGBP), metrics.FormatThousands(f.CapitalAdditionsGBP), metrics.FormatThousands(f.CapitalForecastGBP))
	}
	if f.ReserveLines > 0 {
		fmt.Fprintf(w, "  Reserves: opening %s, transfers %s, forecast closing %s\n",
			metrics.FormatThousands(f.ReservesOpeningGBP), metrics.FormatThousands(f.ReservesTransfersGBP), metrics.FormatThousands(f.ReservesClosingGBP))
	}
	if f.RevisesUpload != 0 {
		was := ""
		if f.RevisedVarianceGBP != nil {
			was = ", which gave " + metrics.VarianceInThousands(*f.RevisedVarianceGBP)
		}
		fmt.Fprintf(w, "  Revises upload %d (%s)%s:\n", f.RevisesUpload, f.RevisesFile, was)
		if len(f.Revisions) == 0 {
			fmt.Fprintln(w, "    no business area's budget or forecast changes")
		}
		for _, r := range f.Revisions {
			fmt.Fprintf(w, "    %s\n", r.describe())
		}
	}
}

// movement says how far a variance moved, without a sign to decode:
// "moved £152k towards overspend".
func movement(delta int64) string {
	switch {
	case delta < 0:
		return "moved " + strings.TrimPrefix(metrics.FormatThousands(delta), "-") + " towards underspend"
	case delta > 0:
		return "moved " + metrics.FormatThousands(delta) + " towards overspend"
	}
	return "no change"
}

package dashboard

import "github.com/assure-pcc/assure/metrics"

// The pages write numbers by the one policy in metrics/format.go; these
// are its names for the templates and handlers.

// formatValue writes a value that stands alone with its unit: "1,017
// calls", "17.2 minutes", "48.3%".
func formatValue(v float64, unit string) string { return metrics.FormatWithUnit(v, unit) }

// formatFigure writes a value for a table cell whose heading names the
// unit: "1,017", "17.2".
func formatFigure(v float64, unit string) string { return metrics.FormatFigure(v, unit) }

// formatCount writes a count: "1,234".
func formatCount(n float64) string { return metrics.FormatFixed(n, 0) }

// formatPercent writes a percentage to one decimal place: "48.3%".
func formatPercent(v float64) string { return metrics.FormatFixed(v, 1) + "%" }

// formatMinutes writes minutes to one decimal place, without the unit:
// "17.2".
func formatMinutes(v float64) string { return metrics.FormatFixed(v, 1) }

// withUnitHeading adds a unit to a column's heading: "Value (calls)",
// or the heading alone when the unit says nothing.
func withUnitHeading(heading, unit string) string {
	if u := metrics.UnitHeading(unit); u != "" {
		return heading + " (" + u + ")"
	}
	return heading
}

// formatTarget writes a target or threshold with its unit, with no more
// decimals than it was set with: "15 minutes", "65%".
func formatTarget(v float64, unit string) string { return metrics.FormatTarget(v, unit) }

// gbpK writes pounds in thousands with no decimals: "£1,319k". Finance
// figures come in £000 (the monitoring workbook's unit), so every table
// of them has no decimals, and none mixes £m with £k.
func gbpK(gbp int64) string { return metrics.FormatGBPk(gbp, 0) }

// varianceK writes a variance in thousands with its meaning and no
// minus: "£1,319k underspend".
func varianceK(gbp int64) string { return metrics.FormatVarianceK(gbp, 0) }

// kFig writes pounds as a figure in £000 for a table whose headings say
// so: "1,319".
func kFig(gbp int64) string { return metrics.FormatThousandsFigure(gbp, 0) }

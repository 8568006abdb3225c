package ingest

import (
	"strings"
	"unicode"

	"github.com/assure-pcc/assure/ingest/mapping"
)

// headerRowLimit is how far down a sheet the header row may be: title
// rows, logos and notes often sit above it.
const headerRowLimit = 20

// column roles a header cell can name.
type role int

const (
	roleNone role = iota
	roleMetric
	roleMetricID
	roleArea
	rolePeriod
	roleValue
	roleTarget
	roleUnit
	roleClassification
	roleName
	roleDirection
	roleCategory
	roleBenchmark
	roleBenchmarkLabel
	roleDerivation
)

// headerWords maps a normalised header (lower case, letters and digits
// only) to its role. Analysts write headers many ways; these are the ones
// seen in practice and in the template.
var headerWords = map[string]role{
	"metric": roleMetric, "measure": roleMetric, "indicator": roleMetric, "metricname": roleMetric,
	"measurename": roleMetric, "kpi": roleMetric, "performancemeasure": roleMetric,
	"metricid": roleMetricID, "measureid": roleMetricID, "id": roleMetricID, "indicatorid": roleMetricID,
	"area": roleArea, "district": roleArea, "division": roleArea, "location": roleArea, "geography": roleArea,
	"policeforcearea": roleArea, "force": roleArea, "region": roleArea, "policingarea": roleArea,
	"period": rolePeriod, "month": rolePeriod, "quarter": rolePeriod, "date": rolePeriod,
	"periodlabel": rolePeriod, "financialyear": rolePeriod, "year": rolePeriod, "reportingperiod": rolePeriod,
	"value": roleValue, "figure": roleValue, "count": roleValue, "amount": roleValue, "result": roleValue,
	"actual": roleValue, "number": roleValue,
	"target": roleTarget, "goal": roleTarget,
	"unit": roleUnit, "units": roleUnit, "unitofmeasure": roleUnit,
	"classification": roleClassification, "class": roleClassification, "securityclassification": roleClassification,
	"protectivemarking": roleClassification, "marking": roleClassification, "sensitivity": roleClassification,
	"name":      roleName,
	"direction": roleDirection, "directionofgood": roleDirection, "polarity": roleDirection, "goodis": roleDirection,
	"category": roleCategory, "group": roleCategory, "theme": roleCategory, "priority": roleCategory,
	"benchmark": roleBenchmark, "comparator": roleBenchmark, "benchmarkvalue": roleBenchmark,
	"benchmarklabel": roleBenchmarkLabel, "benchmarkname": roleBenchmarkLabel, "benchmarksource": roleBenchmarkLabel,
	"comparatorname": roleBenchmarkLabel,
	"derived":        roleDerivation, "derivation": roleDerivation, "derivedfrom": roleDerivation, "derivedas": roleDerivation,
	"computedas": roleDerivation, "calculatedas": roleDerivation,
}

// normHeader folds a header for matching (see mapping.FoldHeading).
func normHeader(s string) string { return mapping.FoldHeading(s) }

// headerRole names the role of a header cell's text, or roleNone.
// A unit or note in brackets after the name ("Value (count)",
// "Target [minutes]") does not change the column's role.
func headerRole(s string) role { return wordRole(headerWords, s) }

// wordRole is the role words gives a header cell's text, or the zero
// role (none); a unit or note in brackets after the name does not change
// it.
func wordRole[R any](words map[string]R, s string) R {
	if ro, ok := words[normHeader(s)]; ok {
		return ro
	}
	if i := strings.IndexAny(s, "(["); i > 0 {
		return words[normHeader(s[:i])]
	}
	var none R
	return none
}

// cleanLabel trims a label from a cell: surrounding white space,
// including non-breaking spaces, and inner runs of white space.
// Control characters (a NUL from an _x0000_ escape, say) are dropped:
// they are invisible to the analyst and PostgreSQL refuses NUL.
func cleanLabel(s string) string {
	if isCleanASCII(s) {
		return s // the usual label: nothing to trim, join or drop
	}
	return cleanLabelSlow(s)
}

// cleanLabelSlow is cleanLabel for any text.
func cleanLabelSlow(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u00a0' }), " ")
}

// isCleanASCII reports whether s is printable ASCII with no space at
// either end and no two spaces together, which cleanLabel returns as it
// is. It spares the ingest two allocations a cell (a tenth of what a
// 500,000-row ingest allocated).
func isCleanASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return false
			}
		case c < 0x21 || c > 0x7e:
			return false
		}
	}
	return true
}

// isTotalLabel reports whether a metric label marks a total row.
func isTotalLabel(s string) bool {
	switch normHeader(s) {
	case "total", "totals", "grandtotal", "sum", "alltotal":
		return true
	}
	return false
}

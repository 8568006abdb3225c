package ingest

import (
	"strings"
	"unicode"

	"github.com/assure-pcc/assure/ingest/xlsx"
)

// Headers of the monthly revenue and capital monitoring workbook.
//
// Finance officers head their columns in many ways ("Forecast Outturn
// 2021/22 £000", "Variance (Under)/Over", "Balance at 1 April"), so a
// header is matched in two steps: the unit ("£000", "£k", "£m") and
// anything in brackets are taken out, digits dropped, and the rest is
// looked up as a whole; failing that, key words decide, in an order that
// puts the specific before the general ("Forecast closing balance" is a
// closing balance, not a forecast outturn).

// financeTable is the kind of table a finance sheet holds.
type financeTable int

const (
	tableNone financeTable = iota
	tableRevenue
	tableCapital
	tableReserves
)

func (t financeTable) String() string {
	switch t {
	case tableRevenue:
		return "revenue"
	case tableCapital:
		return "capital"
	case tableReserves:
		return "reserves"
	}
	return "unknown"
}

// frole is the role of a finance column.
type frole int

const (
	froleNone frole = iota
	froleArea
	froleScheme
	froleReserve
	froleBudget
	froleForecast
	froleVariance
	froleBudgetToDate
	froleActualToDate
	froleAdditions
	froleFunding
	froleOpening
	froleTransfers
	froleClosing
	froleCommentary
	// frolePercent is a percentage column ("Variance %"): recognised so
	// that it is not taken for an amount, and not read.
	frolePercent
)

var froleNames = map[frole]string{
	froleArea: "Business area", froleScheme: "Scheme", froleReserve: "Reserve",
	froleBudget: "Budget", froleForecast: "Forecast outturn", froleVariance: "Variance",
	froleBudgetToDate: "Budget to date", froleActualToDate: "Actual to date",
	froleAdditions: "Additions", froleFunding: "Funding source",
	froleOpening: "Opening balance", froleTransfers: "Transfers", froleClosing: "Forecast closing balance",
	froleCommentary: "Commentary",
}

func (r frole) String() string { return froleNames[r] }

// isMoney reports whether a column of this role holds amounts.
func (r frole) isMoney() bool {
	switch r {
	case froleBudget, froleForecast, froleVariance, froleBudgetToDate, froleActualToDate,
		froleAdditions, froleOpening, froleTransfers, froleClosing:
		return true
	}
	return false
}

// financeWords are whole headers (folded, digits dropped) and their roles.
var financeWords = map[string]frole{
	"businessarea": froleArea, "area": froleArea, "service": froleArea, "servicearea": froleArea,
	"department": froleArea, "directorate": froleArea, "division": froleArea, "budgetarea": froleArea,
	"portfolio": froleArea, "function": froleArea, "costcentre": froleArea, "budgetholder": froleArea,
	"command": froleArea, "businessunit": froleArea, "serviceline": froleArea,

	"scheme": froleScheme, "schemename": froleScheme, "project": froleScheme, "projectname": froleScheme,
	"capitalscheme": froleScheme, "capitalproject": froleScheme, "capitalprogramme": froleScheme,

	"reserve": froleReserve, "reserves": froleReserve, "reservename": froleReserve,
	"earmarkedreserve": froleReserve, "earmarkedreserves": froleReserve,

	"balanceatapril": froleOpening, "balanceatstofapril": froleOpening, "balancebf": froleOpening,
	"balanceatmarch": froleClosing, "balanceatstofmarch": froleClosing, "balancecf": froleClosing,
	"forecastbalanceatmarch": froleClosing, "forecastbalance": froleClosing,
}

// financeRole names the role of a finance header cell and the unit its
// text states: 1000 for "£000" or "£k", 1,000,000 for "£m", 1 for a bare
// "£", 0 for none.
func financeRole(text string) (frole, int64) {
	scale, rest := moneyUnit(text)
	if strings.Contains(rest, "%") || strings.Contains(strings.ToLower(rest), "percent") {
		return frolePercent, 0
	}
	w := headerLetters(stripBrackets(rest))
	if w == "" {
		return froleNone, scale
	}
	if ro, ok := financeWords[w]; ok {
		return ro, scale
	}
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(w, s) {
				return true
			}
		}
		return false
	}
	switch {
	case has("comment", "narrative", "explanation", "reason", "notes"):
		return froleCommentary, scale
	case has("variance", "overunderspend", "underoverspend", "overspendunderspend", "underspendoverspend"):
		return froleVariance, scale
	case has("todate", "ytd", "yeartodate") && has("budget", "profile"):
		return froleBudgetToDate, scale
	case has("todate", "ytd", "yeartodate") && has("actual", "spend", "expenditure"):
		return froleActualToDate, scale
	case has("closing", "carriedforward", "balanceatmarch"):
		return froleClosing, scale
	case has("opening", "broughtforward", "balanceatapril"):
		return froleOpening, scale
	case has("transfer", "movement"):
		return froleTransfers, scale
	case has("addition"):
		return froleAdditions, scale
	case has("funding", "fundedby", "financedby", "financing", "sourceoffunds"):
		return froleFunding, scale
	case has("forecast", "outturn", "projected"):
		return froleForecast, scale
	case has("budget"):
		return froleBudget, scale
	}
	return froleNone, scale
}

// preferredBudget reports whether a budget header names the budget in
// force ("Revised budget", "Current budget") rather than an earlier one
// ("Original budget"), for sheets that show both.
func preferredBudget(text string) int {
	w := headerLetters(text)
	switch {
	case strings.Contains(w, "original"):
		return 0
	case strings.Contains(w, "revised"), strings.Contains(w, "current"), strings.Contains(w, "latest"), strings.Contains(w, "working"):
		return 2
	}
	return 1
}

// headerLetters folds a header to lower-case letters only: digits (years,
// month numbers) and punctuation do not change a column's role.
func headerLetters(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// stripBrackets removes bracketed asides: "Variance (under)/over" is a
// variance, "Transfers to/(from) reserve" a transfer.
func stripBrackets(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// poundUnits are the units that may follow "£", in the order they are
// tried: a word must not run on into further letters ("£m" but not
// "£made"), while "000" may ("£000s").
var poundUnits = []struct {
	text  string
	word  bool
	scale int64
}{
	{"000s", false, 1000},
	{"000", false, 1000},
	{"k", true, 1000},
	{"thousands", true, 1000},
	{"thousand", true, 1000},
	{"mn", true, 1_000_000},
	{"millions", true, 1_000_000},
	{"million", true, 1_000_000},
	{"m", true, 1_000_000},
	{"bn", true, 1_000_000_000},
	{"billion", true, 1_000_000_000},
}

// moneyUnit finds the unit a text states and returns it in pounds with
// the text that is left: "£000", "£'000", "£k", "£ thousand" and "'000"
// are thousands, "£m", "£mn" and "£ million" millions, "£bn" billions and
// a bare "£" pounds. 0 means the text states no unit.
func moneyUnit(text string) (int64, string) {
	lower := strings.ToLower(text)
	if len(lower) != len(text) {
		// A rare letter whose lower case has another length: work on the
		// lower-case text so that its indexes stay right.
		text = lower
	}
	if i := strings.Index(lower, "£"); i >= 0 {
		after := lower[i+len("£"):]
		j := 0
		for j < len(after) && (after[j] == ' ' || after[j] == '\'') {
			j++
		}
		if strings.HasPrefix(after[j:], "’") {
			j += len("’")
		}
		tail := after[j:]
		for _, u := range poundUnits {
			if !strings.HasPrefix(tail, u.text) {
				continue
			}
			next := tail[len(u.text):]
			if u.word && next != "" && unicode.IsLetter(rune(next[0])) {
				continue
			}
			return u.scale, text[:i] + " " + text[i+len("£")+j+len(u.text):]
		}
		return 1, text[:i] + " " + text[i+len("£"):]
	}
	for _, m := range []string{"'000s", "’000s", "'000", "’000", "(000s)", "(000)"} {
		if i := strings.Index(lower, m); i >= 0 {
			return 1000, text[:i] + " " + text[i+len(m):]
		}
	}
	return 0, text
}

// isUnitOnly reports whether a cell holds nothing but a unit, such as
// "£000", "(£k)" or "£m", and which.
func isUnitOnly(text string) (int64, bool) {
	scale, rest := moneyUnit(text)
	if scale == 0 {
		return 0, false
	}
	rest = strings.Trim(strings.TrimSpace(rest), "()[]")
	switch headerLetters(rest) {
	case "", "s", "in", "figuresin", "allfiguresin", "amountsin", "allamountsin":
		return scale, true
	}
	return 0, false
}

// financeHeader is a located finance header row.
type financeHeader struct {
	row   int
	table financeTable
	cols  map[frole]int
	// scale is the unit stated for each money column, in pounds; 0 when
	// the header gives none.
	scale map[int]int64
	text  map[int]string
	// ignored are headings that were not read, and duplicates the roles
	// that more than one column claimed.
	ignored    []string
	duplicates []string
}

// findFinanceHeader reads a row as a finance header, or reports that it
// is not one. The table is decided by the row's columns: Business area,
// Budget and Forecast outturn make a revenue table; Scheme, Forecast and
// a Budget or Additions a capital one; Reserve, Opening and Closing
// balances a reserves one. nameHint (the folded sheet name) settles a row
// that could be more than one.
func findFinanceHeader(rowNum int, cells []xlsx.Cell, nameHint financeTable) (financeHeader, bool) {
	h := financeHeader{row: rowNum, cols: map[frole]int{}, scale: map[int]int64{}, text: map[int]string{}}
	budgetRank := -1
	for _, c := range cells {
		if c.Type != xlsx.String {
			continue
		}
		text := cleanLabel(c.Value)
		if text == "" {
			continue
		}
		ro, scale := financeRole(text)
		switch ro {
		case froleNone:
			h.ignored = append(h.ignored, text)
			continue
		case frolePercent:
			continue
		}
		if prev, dup := h.cols[ro]; dup {
			// Two budgets: the one in force wins over an original one.
			if ro == froleBudget && preferredBudget(text) > budgetRank {
				h.ignored = append(h.ignored, h.text[prev])
				delete(h.text, prev)
				delete(h.scale, prev)
			} else {
				h.duplicates = append(h.duplicates, text)
				continue
			}
		}
		if ro == froleBudget {
			budgetRank = preferredBudget(text)
		}
		h.cols[ro] = c.Col
		h.text[c.Col] = text
		if ro.isMoney() && scale > 0 {
			h.scale[c.Col] = scale
		}
	}
	has := func(roles ...frole) bool {
		for _, r := range roles {
			if _, ok := h.cols[r]; !ok {
				return false
			}
		}
		return true
	}
	var found []financeTable
	if has(froleArea, froleBudget, froleForecast) {
		found = append(found, tableRevenue)
	}
	if has(froleScheme, froleForecast) && (has(froleBudget) || has(froleAdditions)) {
		found = append(found, tableCapital)
	}
	if has(froleReserve, froleOpening, froleClosing) {
		found = append(found, tableReserves)
	}
	switch len(found) {
	case 0:
		return financeHeader{}, false
	case 1:
		h.table = found[0]
	default:
		h.table = found[0]
		for _, t := range found {
			if t == nameHint {
				h.table = t
			}
		}
	}
	return h, true
}

// sheetTableHint is the table a sheet's name suggests: "Revenue",
// "Revenue M5", "Capital programme", "Reserves".
func sheetTableHint(name string) financeTable {
	w := headerLetters(name)
	switch {
	case strings.HasPrefix(w, "revenue"):
		return tableRevenue
	case strings.HasPrefix(w, "capital"):
		return tableCapital
	case strings.HasPrefix(w, "reserve"), strings.HasPrefix(w, "earmarkedreserve"):
		return tableReserves
	}
	return tableNone
}

// labelRole is the column that names a table's lines.
func (t financeTable) labelRole() frole {
	switch t {
	case tableCapital:
		return froleScheme
	case tableReserves:
		return froleReserve
	}
	return froleArea
}

// moneyRoles are a table's amount columns, in the order they are checked.
func (t financeTable) moneyRoles() []frole {
	switch t {
	case tableCapital:
		return []frole{froleBudget, froleAdditions, froleForecast}
	case tableReserves:
		return []frole{froleOpening, froleTransfers, froleClosing}
	}
	return []frole{froleBudget, froleBudgetToDate, froleActualToDate, froleForecast, froleVariance}
}

// financeTotalKind says whether a line label marks a total: "Total",
// "Total revenue", "Grand total" are totals, "Subtotal" and "Sub-total
// operational" subtotals.
func financeTotalKind(label string) (total, sub bool) {
	w := headerLetters(label)
	switch {
	case strings.HasPrefix(w, "subtotal"):
		return true, true
	case strings.HasPrefix(w, "total"), strings.HasPrefix(w, "grandtotal"), w == "nettotal", w == "overalltotal":
		return true, false
	}
	return false, false
}

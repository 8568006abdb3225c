package metrics

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Finance: the monthly revenue and capital monitoring of a financial year.
//
// Money is whole pounds in an int64, whatever unit the spreadsheet used
// ("£000", "£k", "£m"): £9.2 quintillion is far beyond any police budget,
// and integers add up exactly, so a total is the sum of its lines to the
// pound.
//
// The sign convention, stated on every finance page and in the API:
// variance = forecast outturn − budget. A negative variance is an
// underspend, a positive one an overspend.

// SignConvention is the sentence that states the sign convention, for
// pages and API responses.
const SignConvention = "Variance = forecast outturn − budget: a negative variance is an underspend, a positive one an overspend."

// FinancePeriod is a month of a UK financial year: Month 1 (M1) is April
// of FYStart and Month 12 (M12) is March of FYStart+1. In a partial
// period, as FindFinancePeriod returns it, either field may be 0 for
// "not given".
type FinancePeriod struct {
	FYStart int
	Month   int
}

// Valid reports whether p names a whole period: a financial year from
// 1900/01 to 9998/99 and a month from 1 to 12.
func (p FinancePeriod) Valid() bool {
	return p.FYStart >= periodMinYear && p.FYStart < periodMaxYear && p.Month >= 1 && p.Month <= 12
}

// Label is the period as finance officers write it: "M5 2021/22".
func (p FinancePeriod) Label() string {
	return fmt.Sprintf("M%d %s", p.Month, FinancialYearLabel(p.FYStart))
}

// Key is the period as the --period flag takes it: "2021-22/M5".
func (p FinancePeriod) Key() string {
	return fmt.Sprintf("%s/M%d", FinancialYearParam(p.FYStart), p.Month)
}

// CalendarMonth is the calendar month the period covers: M5 2021/22 is
// August 2021, M10 2021/22 January 2022.
func (p FinancePeriod) CalendarMonth() Period {
	t := time.Date(p.FYStart, time.April+time.Month(p.Month-1), 1, 0, 0, 0, 0, time.UTC)
	return MonthOf(t.Year(), t.Month())
}

// FinanceMonthName is the short name of calendar month of finance month
// m (1..12): "Apr" for 1, "Mar" for 12.
func FinanceMonthName(m int) string {
	return time.Month((m+2)%12 + 1).String()[:3]
}

// FinanceMonthOf is the finance period holding the calendar month of t.
func FinanceMonthOf(t time.Time) FinancePeriod {
	return FinancePeriod{FYStart: FinancialYearStart(t), Month: (int(t.Month())+8)%12 + 1}
}

// FinancialYearLabel is a financial year as people read it: "2021/22".
func FinancialYearLabel(fyStart int) string { return fyLabel(fyStart) }

// FinancialYearParam is a financial year as URLs and file names write
// it, with a dash instead of a slash: "2021-22".
func FinancialYearParam(fyStart int) string {
	return fmt.Sprintf("%d-%02d", fyStart, (fyStart+1)%100)
}

// fyPattern matches a financial year written as a pair of consecutive
// years: "2021/22", "2021-22", "2021/2022", "FY2021/22", "FY 21/22".
// The two-digit form needs the FY prefix, since "21/22" alone could be a
// score or a page count. Group 1 is a four-digit first year, group 2 its
// second; groups 3 and 4 are the two-digit form.
var fyPattern = regexp.MustCompile(`(?i)(?:^|[^0-9a-z])(?:fy\s*)?((?:19|20)\d{2})\s*[/\-–]\s*(\d{2}|(?:19|20)\d{2})(?:[^0-9]|$)|(?:^|[^0-9a-z])fy\s*(\d{2})\s*[/\-–]\s*(\d{2})(?:[^0-9]|$)`)

// monthPattern matches a finance month code: "M5", "M05", "Month 5",
// "Month: 12", "Period 5". Group 1 is the number.
var monthPattern = regexp.MustCompile(`(?i)(?:^|[^0-9a-z])(?:m|month|period)\s*[:.\-]?\s*(0?[1-9]|1[0-2])(?:[^0-9]|$)`)

// financePeriodHint says how to write a finance period.
const financePeriodHint = "write the month as M5 2021/22 (or Month 5 2021/22): M1 is April, M12 is March"

// FindFinancePeriod looks through free text, such as a title cell
// ("Revenue and Capital Monitoring Report Month 5 2021/22") or a file
// name ("Revenue and Capital Monitoring M5 2021-22.xlsx"), for the
// finance month and financial year it names. Either may be missing: the
// result is then a partial period with that field 0. Month names such
// as "August 2021" are not read, because a cover page's meeting date
// would be taken for the month reported.
//
// Text that names two different months, or two different financial
// years, gives a *Error EINVALID saying so.
func FindFinancePeriod(text string) (FinancePeriod, error) {
	if len(text) > 1024 {
		// A title is short; a long text is a paragraph, read only in
		// part so that a hostile cell costs little.
		text = text[:1024]
	}
	// Underscores join words in file names ("Monitoring_M5_2021-22").
	text = strings.ReplaceAll(text, "_", " ")
	var p FinancePeriod
	// Overlapping matches share a separator ("M5 2021/22"), so search
	// from each match's own end rather than let the regexp skip one.
	for rest := text; ; {
		loc := fyPattern.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		var first, second string
		if loc[2] >= 0 {
			first, second = rest[loc[2]:loc[3]], rest[loc[4]:loc[5]]
		} else {
			first, second = "20"+rest[loc[6]:loc[7]], rest[loc[8]:loc[9]]
		}
		end := loc[1]
		if end > 0 && end < len(rest) {
			end-- // leave the trailing separator for the next match
		}
		rest = rest[end:]
		fy, ok := consecutiveYears(first, second)
		if !ok {
			continue
		}
		if p.FYStart != 0 && p.FYStart != fy {
			return FinancePeriod{}, Errorf(EINVALID, "%s names two financial years, %s and %s: keep one", quoteShort(text), FinancialYearLabel(p.FYStart), FinancialYearLabel(fy))
		}
		p.FYStart = fy
	}
	for rest := text; ; {
		loc := monthPattern.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		m, _ := strconv.Atoi(rest[loc[2]:loc[3]])
		end := loc[1]
		if end > 0 && end < len(rest) {
			end--
		}
		rest = rest[end:]
		if p.Month != 0 && p.Month != m {
			return FinancePeriod{}, Errorf(EINVALID, "%s names two months, M%d and M%d: keep one", quoteShort(text), p.Month, m)
		}
		p.Month = m
	}
	return p, nil
}

// consecutiveYears reads a year pair such as "2021" and "22" or "2022"
// as the financial year starting in the first, when the second follows it.
func consecutiveYears(first, second string) (int, bool) {
	y, err := strconv.Atoi(first)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(second)
	if err != nil {
		return 0, false
	}
	if len(second) == 2 {
		if n != (y+1)%100 {
			return 0, false
		}
	} else if n != y+1 {
		return 0, false
	}
	return y, true
}

// ParseFinancePeriod reads a whole finance period, as the --period flag
// takes it: "2021-22/M5", "M5 2021/22", "Month 5 2021-22". Anything that
// does not name exactly one month and one financial year is a *Error
// EINVALID.
func ParseFinancePeriod(s string) (FinancePeriod, error) {
	p, err := FindFinancePeriod(s)
	if err != nil {
		return FinancePeriod{}, err
	}
	if p.FYStart == 0 || p.Month == 0 {
		return FinancePeriod{}, Errorf(EINVALID, "%s is not a finance month: write it as 2021-22/M5 (M1 is April, M12 is March)", quoteShort(s))
	}
	return p, nil
}

// ParseFinancialYear reads a financial year as a URL or a person writes
// it: "2021-22", "2021/22", "2021/2022", "FY2021-22". It returns the
// calendar year in which the financial year starts.
func ParseFinancialYear(s string) (int, error) {
	t := strings.TrimSpace(s)
	if len(t) <= 16 {
		if loc := fyPattern.FindStringSubmatchIndex(t); loc != nil && loc[0] == 0 && loc[1] == len(t) {
			p, err := FindFinancePeriod(t)
			if err == nil && p.FYStart != 0 && p.Month == 0 {
				return p.FYStart, nil
			}
		}
	}
	return 0, Errorf(EINVALID, "%s is not a financial year: write it as 2021-22", quoteShort(s))
}

func quoteShort(s string) string {
	const max = 60
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strconv.Quote(s)
}

// FinanceMonth is one upload's figures for a month of a financial year:
// which file gave them, when, and whether a later upload of the same
// month (a revision) has replaced them.
type FinanceMonth struct {
	Period     FinancePeriod
	UploadID   int64
	File       string
	UploadedAt time.Time
	UploadedBy string
	// PeriodSource says where the month was read, e.g.
	// `title "Month 5 2021/22" (Revenue!A1)` or `file name`.
	PeriodSource string
	// SupersededBy is the upload that revised this month, 0 while these
	// are the current figures.
	SupersededBy int64
	// Revisions is the number of earlier uploads of the same month that
	// this one (directly or through others) replaced: 0 for a month
	// uploaded once.
	Revisions int
}

// Current reports whether these are the month's current figures.
func (m FinanceMonth) Current() bool { return m.SupersededBy == 0 }

// RevenueLine is one business area of the revenue monitoring:
// "Local Policing", "OPCC", "Mutual Aid".
type RevenueLine struct {
	BusinessArea string
	// BudgetGBP is the annual budget, ForecastGBP the forecast outturn.
	BudgetGBP   int64
	ForecastGBP int64
	// StatedVarianceGBP is the variance as the file gave it, nil when it
	// gave none. VarianceGBP is what Assure shows; the two may differ
	// (the ingest warns), and the stated one is kept so that the
	// difference stays visible rather than silently fixed.
	StatedVarianceGBP *int64
	BudgetToDateGBP   *int64
	ActualToDateGBP   *int64
	Commentary        string
	Sheet             string
	Cells             RevenueCells
}

// RevenueCells are the cells of a revenue line's figures; "" when the
// file had no such column.
type RevenueCells struct {
	Area, Budget, Forecast, Variance, BudgetToDate, ActualToDate, Commentary string
}

// VarianceGBP is the forecast outturn minus the budget: negative is an
// underspend.
func (l RevenueLine) VarianceGBP() int64 { return l.ForecastGBP - l.BudgetGBP }

// CapitalLine is one scheme of the capital programme, with any addition
// to it approved this year and how that addition is funded.
type CapitalLine struct {
	Scheme string
	// FundingSource is how the addition (or the scheme) is paid for,
	// normalised by ParseFundingSource: "RCCO", "POCA", "Grant",
	// "Borrowing", "Capital receipts", "Reserves", or the file's own
	// words for any other.
	FundingSource     string
	ApprovedBudgetGBP int64
	AdditionsGBP      int64
	ForecastGBP       int64
	Commentary        string
	Sheet             string
	Cells             CapitalCells
}

// CapitalCells are the cells of a capital line's figures.
type CapitalCells struct {
	Scheme, Funding, ApprovedBudget, Additions, Forecast, Commentary string
}

// BudgetGBP is the scheme's budget with its additions.
func (l CapitalLine) BudgetGBP() int64 { return l.ApprovedBudgetGBP + l.AdditionsGBP }

// VarianceGBP is the forecast minus the budget with additions: negative
// is an underspend (or slippage) of the scheme.
func (l CapitalLine) VarianceGBP() int64 { return l.ForecastGBP - l.BudgetGBP() }

// ReserveLine is one reserve: its balance at the start of the year, the
// transfers to (positive) and from (negative) it, and the forecast
// balance at the end of the year.
type ReserveLine struct {
	Reserve      string
	OpeningGBP   int64
	TransfersGBP int64
	ClosingGBP   int64
	Commentary   string
	Sheet        string
	Cells        ReserveCells
}

// ReserveCells are the cells of a reserve line's figures.
type ReserveCells struct {
	Reserve, Opening, Transfers, Closing, Commentary string
}

// FinanceFigures are a month's figures: the revenue monitoring, the
// capital programme and the reserves, each line in file order.
type FinanceFigures struct {
	Month    FinanceMonth
	Revenue  []RevenueLine
	Capital  []CapitalLine
	Reserves []ReserveLine
}

// MaxFinanceLines bounds the lines of one month: monitoring workbooks
// have tens of lines, and each line is one INSERT.
const MaxFinanceLines = 10000

// Check reports the first reason a month's figures cannot be stored: an
// invalid period, too many lines, a line without a name, or the same
// business area, scheme and funding source, or reserve twice (ignoring
// case and spacing). The error is a *Error EINVALID.
func (f FinanceFigures) Check() error {
	p := f.Month.Period
	if !p.Valid() {
		return Errorf(EINVALID, "finance figures need a month 1 to 12 of a financial year, got FY %d month %d", p.FYStart, p.Month)
	}
	if n := len(f.Revenue) + len(f.Capital) + len(f.Reserves); n > MaxFinanceLines {
		return Errorf(EINVALID, "%s has %d lines, more than the %d a monitoring workbook may have", p.Label(), n, MaxFinanceLines)
	}
	seen := map[string]string{}
	dup := func(kind, name, key, at string) error {
		if strings.TrimSpace(name) == "" {
			return Errorf(EINVALID, "%s: a %s line has no name", at, kind)
		}
		key = kind + "\x00" + key
		if first, ok := seen[key]; ok {
			return Errorf(EINVALID, "%s %q is given twice, at %s and at %s: keep one line", kind, name, first, at)
		}
		seen[key] = at
		return nil
	}
	for _, l := range f.Revenue {
		if err := dup("business area", l.BusinessArea, foldName(l.BusinessArea), Location(l.Sheet, l.Cells.Area)); err != nil {
			return err
		}
	}
	for _, l := range f.Capital {
		// One scheme may be funded from two sources, as two lines.
		key := foldName(l.Scheme) + "\x00" + foldName(l.FundingSource)
		if err := dup("capital scheme", l.Scheme, key, Location(l.Sheet, l.Cells.Scheme)); err != nil {
			return err
		}
	}
	for _, l := range f.Reserves {
		if err := dup("reserve", l.Reserve, foldName(l.Reserve), Location(l.Sheet, l.Cells.Reserve)); err != nil {
			return err
		}
	}
	return nil
}

// foldName compares names as a person does: case and runs of spaces do
// not matter.
func foldName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// SourceCells names the cells of a revenue line's budget, forecast and
// variance, in that order: "Revenue!B4, E4, F4".
func (l RevenueLine) SourceCells() string {
	return cellList(l.Sheet, l.Cells.Budget, l.Cells.Forecast, l.Cells.Variance)
}

// SourceCells names the cells of a scheme's approved budget, additions,
// funding source and forecast, in that order.
func (l CapitalLine) SourceCells() string {
	return cellList(l.Sheet, l.Cells.ApprovedBudget, l.Cells.Additions, l.Cells.Funding, l.Cells.Forecast)
}

// SourceCells names the cells of a reserve's opening balance, transfers
// and closing balance, in that order.
func (l ReserveLine) SourceCells() string {
	return cellList(l.Sheet, l.Cells.Opening, l.Cells.Transfers, l.Cells.Closing)
}

// cellList writes a sheet's cells compactly, leaving out empty ones.
func cellList(sheet string, cells ...string) string {
	var parts []string
	for _, c := range cells {
		if c != "" {
			parts = append(parts, c)
		}
	}
	return sheet + "!" + strings.Join(parts, ", ")
}

// Location writes a cell as a spreadsheet does: Sheet!Cell (the sheet
// or the cell alone when the other is not known).
func Location(sheet, cell string) string {
	switch {
	case sheet == "":
		return cell
	case cell == "":
		return sheet
	}
	return sheet + "!" + cell
}

// FinanceRevision is one upload of a month, current or superseded, with
// its revenue totals: the history of a month's forecast.
type FinanceRevision struct {
	Month       FinanceMonth
	BudgetGBP   int64
	ForecastGBP int64
}

// VarianceGBP is the revision's total forecast variance.
func (r FinanceRevision) VarianceGBP() int64 { return r.ForecastGBP - r.BudgetGBP }

// FinanceYear is what is held for a financial year: each month's current
// figures, in month order, and every upload of every month (History, by
// month, newest upload first within a month).
type FinanceYear struct {
	FYStart int
	Months  []FinanceFigures
	History []FinanceRevision
}

// RevenueTotals are the sums of revenue lines.
type RevenueTotals struct {
	BudgetGBP   int64
	ForecastGBP int64
}

// VarianceGBP is the total forecast outturn minus the total budget.
func (t RevenueTotals) VarianceGBP() int64 { return t.ForecastGBP - t.BudgetGBP }

// SumRevenue adds up revenue lines.
func SumRevenue(lines []RevenueLine) RevenueTotals {
	var t RevenueTotals
	for _, l := range lines {
		t.BudgetGBP += l.BudgetGBP
		t.ForecastGBP += l.ForecastGBP
	}
	return t
}

// CapitalTotals are the sums of capital lines.
type CapitalTotals struct {
	ApprovedBudgetGBP int64
	AdditionsGBP      int64
	ForecastGBP       int64
}

// BudgetGBP is the approved budget plus the additions.
func (t CapitalTotals) BudgetGBP() int64 { return t.ApprovedBudgetGBP + t.AdditionsGBP }

// VarianceGBP is the forecast minus the budget (approved plus additions).
func (t CapitalTotals) VarianceGBP() int64 { return t.ForecastGBP - t.BudgetGBP() }

// SumCapital adds up capital lines.
func SumCapital(lines []CapitalLine) CapitalTotals {
	var t CapitalTotals
	for _, l := range lines {
		t.ApprovedBudgetGBP += l.ApprovedBudgetGBP
		t.AdditionsGBP += l.AdditionsGBP
		t.ForecastGBP += l.ForecastGBP
	}
	return t
}

// ReserveTotals are the sums of reserve lines.
type ReserveTotals struct {
	OpeningGBP   int64
	TransfersGBP int64
	ClosingGBP   int64
}

// SumReserves adds up reserve lines.
func SumReserves(lines []ReserveLine) ReserveTotals {
	var t ReserveTotals
	for _, l := range lines {
		t.OpeningGBP += l.OpeningGBP
		t.TransfersGBP += l.TransfersGBP
		t.ClosingGBP += l.ClosingGBP
	}
	return t
}

// FundingTotal is the capital additions paid for by one funding source.
type FundingTotal struct {
	Source       string
	AdditionsGBP int64
	Schemes      int
}

// AdditionsByFunding totals the capital additions by funding source,
// largest first (then by name), leaving out lines with no addition.
func AdditionsByFunding(lines []CapitalLine) []FundingTotal {
	idx := map[string]int{}
	var out []FundingTotal
	for _, l := range lines {
		if l.AdditionsGBP == 0 {
			continue
		}
		src := l.FundingSource
		if src == "" {
			src = "Not stated"
		}
		i, ok := idx[src]
		if !ok {
			i = len(out)
			idx[src] = i
			out = append(out, FundingTotal{Source: src})
		}
		out[i].AdditionsGBP += l.AdditionsGBP
		out[i].Schemes++
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].AdditionsGBP != out[j].AdditionsGBP {
			return out[i].AdditionsGBP > out[j].AdditionsGBP
		}
		return out[i].Source < out[j].Source
	})
	return out
}

// Funding sources that ParseFundingSource recognises.
const (
	FundingRCCO            = "RCCO"
	FundingPOCA            = "POCA"
	FundingGrant           = "Grant"
	FundingBorrowing       = "Borrowing"
	FundingCapitalReceipts = "Capital receipts"
	FundingReserves        = "Reserves"
)

// ParseFundingSource names the funding source a finance officer wrote:
// "RCCO" or "Revenue contribution to capital" is RCCO, "POCA" or
// "Proceeds of Crime Act" is POCA, "Home Office grant" is Grant,
// "Prudential borrowing" is Borrowing, "Capital receipts", "Earmarked
// reserve" is Reserves. known is false for anything else, which is
// returned trimmed, as written.
func ParseFundingSource(s string) (name string, known bool) {
	w := normalizeWord(s)
	switch {
	case w == "":
		return "", false
	case strings.Contains(w, "rcco"), strings.Contains(w, "revenuecontribution"):
		return FundingRCCO, true
	case strings.Contains(w, "poca"), strings.Contains(w, "proceedsofcrime"), strings.Contains(w, "assetrecovery"):
		return FundingPOCA, true
	case strings.Contains(w, "grant"):
		return FundingGrant, true
	case strings.Contains(w, "borrowing"), strings.Contains(w, "loan"):
		return FundingBorrowing, true
	case strings.Contains(w, "capitalreceipt"), strings.Contains(w, "receipts"):
		return FundingCapitalReceipts, true
	case strings.Contains(w, "reserve"):
		return FundingReserves, true
	}
	return strings.TrimSpace(s), false
}

// BudgetStatus is the RAG status of a budget's forecast.
type BudgetStatus string

// Budget statuses. BudgetNoStatus is for a budget of zero or less, of
// which a percentage means nothing.
const (
	BudgetGreen    BudgetStatus = "green"
	BudgetAmber    BudgetStatus = "amber"
	BudgetRed      BudgetStatus = "red"
	BudgetNoStatus BudgetStatus = "none"
)

// BudgetThresholds set when a forecast variance turns amber or red, as
// percentages of the budget.
type BudgetThresholds struct {
	// AmberOverspendPct: an overspend above this percentage of the
	// budget is amber. 0 makes any overspend at least amber.
	AmberOverspendPct float64
	// RedOverspendPct: an overspend of this percentage of the budget or
	// more is red. It must be above AmberOverspendPct.
	RedOverspendPct float64
	// AmberUnderspendPct: an underspend above this percentage of the
	// budget is amber too (money not spent as planned). 0 turns this
	// off: every underspend is green.
	AmberUnderspendPct float64
}

// DefaultBudgetThresholds: any overspend is amber, an overspend of 1% of
// the budget or more is red, and underspends are green. On these the
// board's M5 2021/22 forecast (an underspend of £404k) was green.
var DefaultBudgetThresholds = BudgetThresholds{AmberOverspendPct: 0, RedOverspendPct: 1, AmberUnderspendPct: 0}

// Validate reports thresholds that cannot be applied.
func (t BudgetThresholds) Validate() error {
	for _, v := range []float64{t.AmberOverspendPct, t.RedOverspendPct, t.AmberUnderspendPct} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return Errorf(EINVALID, "budget thresholds must be percentages of 0 or more, got %v", v)
		}
	}
	if t.RedOverspendPct <= t.AmberOverspendPct {
		return Errorf(EINVALID, "the red overspend threshold (%v%%) must be above the amber one (%v%%)", t.RedOverspendPct, t.AmberOverspendPct)
	}
	return nil
}

// BudgetRAG rates a forecast variance (forecast outturn − budget, in
// pounds) against its budget: red for an overspend of RedOverspendPct of
// the budget or more, amber for an overspend above AmberOverspendPct (or
// an underspend above AmberUnderspendPct, when set), green otherwise. A
// budget of zero or less has no status.
func BudgetRAG(varianceGBP, budgetGBP int64, t BudgetThresholds) BudgetStatus {
	if budgetGBP <= 0 {
		return BudgetNoStatus
	}
	pct := float64(varianceGBP) / float64(budgetGBP) * 100
	switch {
	case pct >= t.RedOverspendPct:
		return BudgetRed
	case pct > t.AmberOverspendPct:
		return BudgetAmber
	case t.AmberUnderspendPct > 0 && -pct > t.AmberUnderspendPct:
		return BudgetAmber
	}
	return BudgetGreen
}

// FormatMoney writes whole pounds the way the board papers do: under
// £1,000 to the pound ("£650"), under £10m in thousands ("£1,319k",
// "£404k"), and from £10m in millions to one decimal place ("£164.7m").
// A negative amount has a leading minus: "-£404k". Rounding is half away
// from zero, so -£1,500 is "-£2k".
func FormatMoney(gbp int64) string {
	neg := gbp < 0
	a := uint64(gbp)
	if neg {
		a = uint64(-gbp) // also right for math.MinInt64, as uint64
	}
	var s string
	switch {
	case a < 1000:
		s = "£" + groupDigits(a)
	case a < 9_999_500:
		s = "£" + groupDigits((a+500)/1000) + "k"
	default:
		tenths := (a + 50_000) / 100_000
		s = "£" + groupDigits(tenths/10) + "." + strconv.FormatUint(tenths%10, 10) + "m"
	}
	if neg && s != "£0" {
		return "-" + s
	}
	return s
}

// FormatThousands writes pounds in thousands, as a monitoring report's
// tables do: "£164,742k", "-£404k". An amount under £1,000 keeps one
// decimal place ("£0.4k") so that it does not read as nothing.
func FormatThousands(gbp int64) string {
	neg := gbp < 0
	a := uint64(gbp)
	if neg {
		a = uint64(-gbp)
	}
	var s string
	if a != 0 && a < 950 {
		s = "£0." + strconv.FormatUint((a+50)/100, 10) + "k"
	} else {
		s = "£" + groupDigits((a+500)/1000) + "k"
	}
	if neg && s != "£0k" {
		return "-" + s
	}
	return s
}

// VarianceInThousands is FormatVariance in thousands: "£1,319k
// underspend".
func VarianceInThousands(varianceGBP int64) string {
	return strings.TrimPrefix(FormatThousands(varianceGBP), "-") + " " + SpendWord(varianceGBP)
}

// FormatPounds writes whole pounds exactly, with thousands separators:
// "-£1,319,000". Messages about totals use it, so that both figures of a
// disagreement are shown to the pound.
func FormatPounds(gbp int64) string {
	if gbp < 0 {
		return "-£" + groupDigits(uint64(-gbp))
	}
	return "£" + groupDigits(uint64(gbp))
}

// SpendWord says what a variance means: "overspend", "underspend" or
// "on budget".
func SpendWord(varianceGBP int64) string {
	switch {
	case varianceGBP > 0:
		return "overspend"
	case varianceGBP < 0:
		return "underspend"
	}
	return "on budget"
}

// FormatVariance writes a variance with its meaning, so that it never
// rests on the sign alone, and without a minus that the word already
// says: "£404k underspend", "£90k overspend", "£0 on budget".
func FormatVariance(varianceGBP int64) string {
	if varianceGBP < 0 {
		return strings.TrimPrefix(FormatMoney(varianceGBP), "-") + " " + SpendWord(varianceGBP)
	}
	return FormatMoney(varianceGBP) + " " + SpendWord(varianceGBP)
}

// groupDigits writes n with a comma between each group of three digits.
func groupDigits(n uint64) string { return groupString(strconv.FormatUint(n, 10)) }

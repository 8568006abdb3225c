package ingest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/assure-pcc/assure/ingest/xlsx"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// Incident-level response times: a sheet of the performance workbook with
// one row per attended incident, recognised by its headers (an incident
// id, urban or rural, and the arrival time or the minutes taken) rather
// than its name. Incidents are always sensitive and are stored apart from
// measures (see store.IncidentRecord). Times are read as written, on the
// workbook's own clock, and an incident belongs to the month of its
// received time; a sheet that gives minutes only needs a month column.

// incidentRole is the role of a column of an incidents sheet.
type incidentRole int

const (
	incNone incidentRole = iota
	incID
	incPriority
	incSetting
	incArea
	incReceived
	incArrived
	incMinutes
	incMonth
)

// incidentHeaderWords map normalised headers (see normHeader) to roles:
// the names command and control exports and analysts use.
var incidentHeaderWords = map[string]incidentRole{
	"incidentid": incID, "incident": incID, "incidentnumber": incID, "incidentno": incID, "incidentref": incID,
	"incidentreference": incID, "cadnumber": incID, "cadref": incID, "cadreference": incID, "logno": incID,
	"lognumber": incID, "id": incID, "ref": incID, "reference": incID,
	"priority": incPriority, "grade": incPriority, "responsegrade": incPriority, "prioritygrade": incPriority,
	"incidentgrade": incPriority, "responsepriority": incPriority, "gradeofresponse": incPriority,
	"setting": incSetting, "urbanrural": incSetting, "urbanorrural": incSetting, "ruralurban": incSetting,
	"ruralorurban": incSetting, "areatype": incSetting, "locality": incSetting, "urbanruralclassification": incSetting,
	"area": incArea, "district": incArea, "division": incArea, "policingarea": incArea, "sector": incArea,
	"command": incArea, "localpolicingarea": incArea,
	"received": incReceived, "receivedat": incReceived, "timereceived": incReceived, "callreceived": incReceived,
	"datetimereceived": incReceived, "receiveddatetime": incReceived, "receivedtime": incReceived, "calltime": incReceived,
	"created": incReceived, "createdat": incReceived, "opened": incReceived, "callreceivedat": incReceived,
	"arrived": incArrived, "arrivedat": incArrived, "timearrived": incArrived, "arrival": incArrived, "arrivaltime": incArrived,
	"arriveddatetime": incArrived, "datetimearrived": incArrived, "onscene": incArrived, "attended": incArrived,
	"attendedat": incArrived, "firstarrival": incArrived, "firstattendance": incArrived,
	"minutes": incMinutes, "responseminutes": incMinutes, "responsetime": incMinutes, "responsetimeminutes": incMinutes,
	"attendanceminutes": incMinutes, "minutestoarrive": incMinutes, "timetoarrive": incMinutes, "attendancetime": incMinutes,
	"month": incMonth, "period": incMonth, "date": incMonth,
}

// incidentHeaderRole is the role of a header cell's text; a unit in
// brackets ("Response time (minutes)") does not change it.
func incidentHeaderRole(s string) incidentRole { return wordRole(incidentHeaderWords, s) }

// maxIncidentMinutes is the longest response time accepted: a week. A
// longer one is a mistyped date, not a wait.
const maxIncidentMinutes = 7 * 24 * 60

// minutesTolerance is how far minutes given beside the two times may
// differ from the times: a minute of rounding.
const minutesTolerance = 1.0

// incidentHeader is a located incidents header row.
type incidentHeader struct {
	row  int
	cols map[incidentRole]int
}

func (h incidentHeader) has(ro incidentRole) bool { _, ok := h.cols[ro]; return ok }

// findIncidentHeader looks among the buffered rows for the header of an
// incidents sheet: an incident id, the setting (urban or rural) and either
// the arrival time or the minutes taken, which no sheet of measures has.
func findIncidentHeader(buffered []bufferedRow) (incidentHeader, int, bool) {
	for i, br := range buffered {
		h := incidentHeader{row: br.num, cols: map[incidentRole]int{}}
		for _, c := range br.cells {
			if c.Type != xlsx.String {
				continue
			}
			if ro := incidentHeaderRole(cleanLabel(c.Value)); ro != incNone {
				if _, dup := h.cols[ro]; !dup {
					h.cols[ro] = c.Col
				}
			}
		}
		if h.has(incID) && h.has(incSetting) && (h.has(incArrived) || h.has(incMinutes)) {
			return h, i, true
		}
	}
	return incidentHeader{}, 0, false
}

// incidentState is what the performance reader keeps of incidents
// between sheets.
type incidentState struct {
	batch []store.IncidentRecord
	// seen maps each incident id to the row that first gave it, to find
	// an incident given twice without writing anything.
	seen map[string]string
}

// readIncidents reads an incidents sheet from its header on: rows are
// the buffered ones after the header, then the rest of rows.
func (r *performanceReader) readIncidents(ctx context.Context, sheet string, h incidentHeader, buffered []bufferedRow, rows *xlsx.Rows) error {
	var missing []string
	for _, need := range []struct {
		ok   bool
		name string
	}{
		{h.has(incPriority), "Priority"},
		{h.has(incArea), "Area"},
		{h.has(incReceived) || h.has(incMonth), "Received (a date and time) or Month"},
		{!h.has(incReceived) || h.has(incArrived) || h.has(incMinutes), "Arrived or Minutes"},
		{!h.has(incArrived) || h.has(incReceived), "Received, to go with Arrived"},
	} {
		if !need.ok {
			missing = append(missing, need.name)
		}
	}
	if len(missing) > 0 {
		r.probs.errorf(sheet, "", "this sheet of incidents (header in row %d) has no %s column: add it, headed as in `assure template performance`",
			h.row, strings.Join(missing, " column and no "))
		return nil
	}
	for _, br := range buffered {
		if err := r.readIncident(ctx, sheet, h, br.num, br.cells); err != nil {
			return err
		}
	}
	for rows.Next() {
		if err := r.readIncident(ctx, sheet, h, rows.RowNum(), rows.Cells()); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		r.probs.errorf(sheet, "", "the sheet is damaged after row %d: %v. Open the file in Excel, save it again and re-upload", rows.RowNum(), err)
	}
	return nil
}

// readIncident checks one row of an incidents sheet and queues it.
func (r *performanceReader) readIncident(ctx context.Context, sheet string, h incidentHeader, rowNum int, cells []xlsx.Cell) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sheet %q row %d: %w", sheet, rowNum, err)
	}
	r.counts.Rows++
	r.rows++
	if r.progress != nil && r.rows%1000 == 0 {
		r.progress(r.rows)
	}
	if !rowHasValues(cells) {
		r.counts.SkippedRows++
		return nil
	}
	get := func(ro incidentRole) (xlsx.Cell, string, bool) {
		col, ok := h.cols[ro]
		if !ok {
			return xlsx.Cell{}, "", false
		}
		ref := xlsx.CellName(col, rowNum)
		for _, c := range cells {
			if c.Col == col {
				return c, ref, c.Type != xlsx.Blank && strings.TrimSpace(c.Value) != ""
			}
		}
		return xlsx.Cell{}, ref, false
	}
	text := func(ro incidentRole, what string) (string, bool) {
		c, ref, ok := get(ro)
		v := cleanLabel(c.Value)
		if !ok || v == "" {
			r.probs.errorf(sheet, ref, "the %s is blank: every incident needs one", what)
			return "", false
		}
		if c.Type == xlsx.Error {
			r.probs.errorf(sheet, ref, "%q is an error value in the spreadsheet: fix the formula or clear the cell", c.Value)
			return "", false
		}
		return v, true
	}
	rec := store.IncidentRecord{Sheet: sheet, Row: rowNum}
	valid := true
	var ok bool
	if rec.ID, ok = text(incID, "incident id"); !ok {
		valid = false
	}
	if rec.Priority, ok = text(incPriority, "priority"); !ok {
		valid = false
	}
	if rec.Area, ok = text(incArea, "area"); !ok {
		valid = false
	}
	if setting, ok := text(incSetting, "urban or rural setting"); !ok {
		valid = false
	} else if s := strings.ToLower(setting); s == "urban" || s == "rural" {
		rec.Setting = s
	} else {
		_, ref, _ := get(incSetting)
		r.probs.errorf(sheet, ref, "%q is not a setting: write Urban or Rural, which have different attendance targets", setting)
		valid = false
	}
	if !r.incidentTimes(sheet, h, &rec, get) {
		valid = false
	}
	if !valid || r.probs.failed() {
		// The file will be rejected: keep checking rows, stop writing.
		return nil
	}
	if r.inc.seen == nil {
		r.inc.seen = map[string]string{}
	}
	here := fmt.Sprintf("%s row %d", sheet, rowNum)
	if first, dup := r.inc.seen[rec.ID]; dup {
		r.probs.errorf("", "", "incident %s appears twice, at %s and at %s: keep one row per incident", rec.ID, first, here)
		return nil
	}
	r.inc.seen[strings.Clone(rec.ID)] = here
	r.counts.Incidents++
	if r.tx == nil {
		return nil // a dry run checks the incidents and stores none
	}
	r.inc.batch = append(r.inc.batch, rec)
	if len(r.inc.batch) >= batchSize {
		return r.flushIncidents(ctx)
	}
	return nil
}

// incidentTimes reads the times, minutes and month of one incident into
// rec, reporting each problem against its cell.
func (r *performanceReader) incidentTimes(sheet string, h incidentHeader, rec *store.IncidentRecord, get func(incidentRole) (xlsx.Cell, string, bool)) bool {
	recCell, recRef, hasRec := get(incReceived)
	arrCell, arrRef, hasArr := get(incArrived)
	minCell, minRef, hasMin := get(incMinutes)
	ok := true
	check := func(ref string, err error) {
		if err != nil {
			r.probs.errorf(sheet, ref, "%s", metrics.ErrorMessage(err))
			ok = false
		}
	}
	var err error
	if hasRec {
		rec.Received, err = r.cellTime(recCell)
		check(recRef, err)
	}
	if hasArr {
		rec.Arrived, err = r.cellTime(arrCell)
		check(arrRef, err)
	}
	hasMinutes := false
	if hasMin {
		rec.Minutes, err = incidentMinutes(minCell)
		check(minRef, err)
		hasMinutes = err == nil
	}
	if !ok {
		return false
	}
	switch {
	case hasRec && hasArr:
		if rec.Arrived.Before(rec.Received) {
			r.probs.errorf(sheet, arrRef, "arrived at %s, before the call was received at %s (%s): check both times",
				rec.Arrived.Format("2006-01-02 15:04"), rec.Received.Format("2006-01-02 15:04"), recRef)
			return false
		}
		m := rec.Arrived.Sub(rec.Received).Minutes()
		if hasMinutes && math.Abs(m-rec.Minutes) > minutesTolerance {
			r.probs.errorf(sheet, minRef, "the times give %s minutes but this cell says %s: correct one of them",
				strconv.FormatFloat(math.Round(m*10)/10, 'f', -1, 64), strconv.FormatFloat(rec.Minutes, 'f', -1, 64))
			return false
		}
		rec.Minutes = m
	case hasRec && hasMinutes:
		// Received and minutes: the arrival is not stored, only the wait.
		rec.Received = time.Time{}
	case hasArr && !hasRec:
		r.probs.errorf(sheet, recRef, "the received time is blank but %s gives the arrival: give both times, or the minutes only", arrRef)
		return false
	case !hasMinutes:
		ref := arrRef
		if !h.has(incArrived) {
			ref = minRef
		}
		r.probs.errorf(sheet, ref, "no response time: give the arrival time or the minutes taken")
		return false
	}
	if rec.Minutes > maxIncidentMinutes {
		r.probs.errorf(sheet, firstNonEmpty(arrRef, minRef), "a response time of %s minutes is more than a week: check the dates",
			strconv.FormatFloat(math.Round(rec.Minutes), 'f', -1, 64))
		return false
	}
	// The month: that of the received time, else the month column.
	switch {
	case hasRec:
		t := rec.Received
		if t.IsZero() {
			t, _ = r.cellTime(recCell)
		}
		rec.Month = metrics.MonthOf(t.Year(), t.Month())
	default:
		c, ref, has := get(incMonth)
		if !has {
			r.probs.errorf(sheet, ref, "the month is blank: every incident belongs to a month")
			return false
		}
		p, err := r.cellPeriod(c)
		if err == nil && p.Kind != metrics.Month {
			err = metrics.Errorf(metrics.EINVALID, "%s is not a month: write the month, such as 2021-08 or Aug-21", p.Label())
		}
		if err != nil {
			r.probs.errorf(sheet, ref, "%s", metrics.ErrorMessage(err))
			return false
		}
		rec.Month = p
	}
	return true
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// incidentTextLayouts are the date-time texts accepted in a cell stored
// as text: ISO 8601, and day-first as British spreadsheets write dates.
var incidentTextLayouts = []string{
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04",
	"2/1/2006 15:04:05", "2/1/2006 15:04",
}

// cellTime reads a date and time from a cell: a date serial under a date
// format (in the workbook's date system), an ISO date cell, or text in
// one of incidentTextLayouts. A date with no time of day is refused: a
// response time cannot be measured from it.
func (r *performanceReader) cellTime(c xlsx.Cell) (time.Time, error) {
	switch c.Type {
	case xlsx.Number:
		if !xlsx.IsDateFormat(c.Format) {
			return time.Time{}, metrics.Errorf(metrics.EINVALID, "%s is a number, not a date and time: format the cell as a date and time, such as 2021-08-03 14:05", c.Value)
		}
		serial, err := strconv.ParseFloat(c.Value, 64)
		if err != nil {
			return time.Time{}, metrics.Errorf(metrics.EINVALID, "%q is not a date and time", c.Value)
		}
		return metrics.DateFromSerial(serial, r.wb.Date1904)
	case xlsx.Date:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04"} {
			if t, err := time.Parse(layout, c.Value); err == nil {
				return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC), nil
			}
		}
	case xlsx.String:
		s := cleanLabel(c.Value)
		for _, layout := range incidentTextLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
	case xlsx.Error:
		return time.Time{}, metrics.Errorf(metrics.EINVALID, "%q is an error value in the spreadsheet: fix the formula or clear the cell", c.Value)
	}
	return time.Time{}, metrics.Errorf(metrics.EINVALID, "%q is not a date and time: write it as 2021-08-03 14:05, or format the cell as a date and time", c.Value)
}

// incidentMinutes reads a response time in minutes: a finite number of at
// least zero.
func incidentMinutes(c xlsx.Cell) (float64, error) {
	switch c.Type {
	case xlsx.Number, xlsx.String:
	case xlsx.Error:
		return 0, metrics.Errorf(metrics.EINVALID, "%q is an error value in the spreadsheet: fix the formula or clear the cell", c.Value)
	default:
		return 0, metrics.Errorf(metrics.EINVALID, "%q is not a number of minutes", c.Value)
	}
	format := c.Format
	if c.Type == xlsx.String {
		format = ""
	}
	v, _, err := ParseNumber(c.Value, format)
	if errors.Is(err, ErrBlank) {
		return 0, metrics.Errorf(metrics.EINVALID, "the minutes are blank: give the minutes taken, or the two times")
	}
	if err != nil {
		return 0, err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, metrics.Errorf(metrics.EINVALID, "%s minutes is not a response time: it must be a number of at least 0", c.Value)
	}
	return v, nil
}

// flushIncidents sends the queued incidents to the store.
func (r *performanceReader) flushIncidents(ctx context.Context) error {
	if len(r.inc.batch) == 0 || r.probs.failed() || r.tx == nil {
		r.inc.batch = r.inc.batch[:0]
		return nil
	}
	if err := r.sink.useTx(func() error { return r.tx.AddIncidents(ctx, r.inc.batch) }); err != nil {
		return fmt.Errorf("store incidents: %w", err)
	}
	r.inc.batch = r.inc.batch[:0]
	return nil
}

// finishIncidents stores the last incidents.
func (r *performanceReader) finishIncidents(ctx context.Context) error {
	return r.flushIncidents(ctx)
}

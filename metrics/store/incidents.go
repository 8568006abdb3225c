package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// Incident-level response times. Incidents are always sensitive: no
// scope but a signed-in one reads them. They belong to their upload; for
// each month the current set is the incidents of the latest stored upload
// that has any for that month, so sending a month again replaces it whole
// (see migrations/*/00005_incidents.sql).

// IncidentRecord is one incident with the month it belongs to and the
// place it was read from.
type IncidentRecord struct {
	metrics.Incident
	// Month is the calendar month the incident belongs to: that of its
	// received time, or of the workbook's month column.
	Month metrics.Period
	// Sheet and Row are where the incident was read (Row is 1-based).
	Sheet string
	Row   int
	// UploadID, File and UploadedAt are set on reads.
	UploadID   int64
	File       string
	UploadedAt time.Time
}

// incidentColumnCount is the number of values inserted per incident.
const incidentColumnCount = 11

const insertIncidentColumns = ` incidents
	(upload_id, sheet, row_no, incident_id, priority, setting, area, month, received, arrived, minutes) VALUES `

// AddIncidents inserts incidents read from the file under this
// transaction's upload, in order. The batch is checked first: an incident
// without an id, a setting other than urban or rural (any case), a month
// that is not a calendar month, only one of the two times, or minutes
// that are negative or not finite give a *metrics.Error EINVALID naming
// the sheet and row, nothing of the batch is stored, and the transaction
// stays usable. Any other error leaves it fit only for Rollback.
func (t *IngestTx) AddIncidents(ctx context.Context, recs []IncidentRecord) error {
	if t.ended {
		return errors.New("add incidents: ingest transaction already ended")
	}
	if t.failed != nil {
		return t.failedError()
	}
	for i := range recs {
		if err := checkIncident(&recs[i]); err != nil {
			return err
		}
	}
	perInsert := min(500, maxParams(t.s.dialect)/incidentColumnCount)
	for len(recs) > 0 {
		n := min(len(recs), perInsert)
		if err := t.insertIncidents(ctx, recs[:n]); err != nil {
			t.failed = fmt.Errorf("store incidents of %s: %w", t.upload.FileName, err)
			return t.failed
		}
		recs = recs[n:]
	}
	return nil
}

func (t *IngestTx) insertIncidents(ctx context.Context, recs []IncidentRecord) error {
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	var b strings.Builder
	b.WriteString(insertInto(t.s.dialect))
	b.WriteString(insertIncidentColumns)
	args := make([]any, 0, len(recs)*incidentColumnCount)
	for i, r := range recs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
		args = append(args, t.upload.ID, r.Sheet, r.Row, r.ID, r.Priority, strings.ToLower(strings.TrimSpace(r.Setting)), r.Area,
			formatDate(r.Month.Start), nullTime(r.Received), nullTime(r.Arrived), r.Minutes)
	}
	_, err := t.tx.ExecContext(ctx, t.s.rebind(b.String()), args...)
	return err
}

func nullTime(tm time.Time) sql.NullString {
	if tm.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(tm), Valid: true}
}

// checkIncident refuses what must never be stored. The ingest checks the
// same things with cell-precise messages; this is the store's own line.
func checkIncident(r *IncidentRecord) error {
	at := fmt.Sprintf("%s row %d", r.Sheet, r.Row)
	switch s := strings.ToLower(strings.TrimSpace(r.Setting)); {
	case r.Row < 1 || r.Sheet == "":
		return metrics.Errorf(metrics.EINVALID, "incident %q has no sheet and row", r.ID)
	case strings.TrimSpace(r.ID) == "":
		return metrics.Errorf(metrics.EINVALID, "%s: the incident has no id", at)
	case s != "urban" && s != "rural":
		return metrics.Errorf(metrics.EINVALID, "%s: setting %q must be urban or rural", at, r.Setting)
	case r.Month.Kind != metrics.Month:
		return metrics.Errorf(metrics.EINVALID, "%s: the incident has no month", at)
	case r.Received.IsZero() != r.Arrived.IsZero():
		return metrics.Errorf(metrics.EINVALID, "%s: give both the received and arrived times, or neither", at)
	case math.IsNaN(r.Minutes) || math.IsInf(r.Minutes, 0) || r.Minutes < 0:
		return metrics.Errorf(metrics.EINVALID, "%s: %v minutes is not a response time", at, r.Minutes)
	}
	return nil
}

// DuplicateIncident is an incident id that a file gives twice, with the
// place of each (Sheet!row).
type DuplicateIncident struct {
	ID            string
	First, Second string
}

// DuplicateIncidents lists up to 50 incidents that this upload gives more
// than once under one id, in file order, and counts them all. An ingest
// calls it after the last AddIncidents and rejects the file when total is
// not zero: two rows for one incident would count it twice.
func (t *IngestTx) DuplicateIncidents(ctx context.Context) (dups []DuplicateIncident, total int, err error) {
	if t.ended {
		return nil, 0, errors.New("duplicate incidents: ingest transaction already ended")
	}
	var n int64
	if err := t.tx.GetContext(ctx, &n, t.s.rebind(`
		SELECT CAST(COUNT(*) - COUNT(DISTINCT incident_id) AS BIGINT) FROM incidents WHERE upload_id = ?`), t.upload.ID); err != nil {
		return nil, 0, fmt.Errorf("check duplicate incidents of %s: %w", t.upload.FileName, err)
	}
	if n == 0 {
		return nil, 0, nil
	}
	var rows []struct {
		ID        string `db:"incident_id"`
		FirstSh   string `db:"first_sheet"`
		FirstRow  int    `db:"first_row"`
		Sheet     string `db:"sheet"`
		RowNumber int    `db:"row_no"`
	}
	err = t.tx.SelectContext(ctx, &rows, t.s.rebind(`
		WITH ranked AS (
			SELECT id, incident_id, sheet, row_no,
				ROW_NUMBER() OVER w AS n,
				FIRST_VALUE(sheet) OVER w AS first_sheet,
				FIRST_VALUE(row_no) OVER w AS first_row
			FROM incidents
			WHERE upload_id = ?
			WINDOW w AS (PARTITION BY incident_id ORDER BY id)
		)
		SELECT incident_id, first_sheet, first_row, sheet, row_no
		FROM ranked WHERE n > 1
		ORDER BY id
		LIMIT ?`), t.upload.ID, maxDuplicatesListed)
	if err != nil {
		return nil, 0, fmt.Errorf("list duplicate incidents of %s: %w", t.upload.FileName, err)
	}
	for _, r := range rows {
		dups = append(dups, DuplicateIncident{ID: r.ID,
			First: fmt.Sprintf("%s row %d", r.FirstSh, r.FirstRow), Second: fmt.Sprintf("%s row %d", r.Sheet, r.RowNumber)})
	}
	return dups, int(n), nil
}

// incidentRow is an incident joined to its upload.
type incidentRow struct {
	UploadID   int64          `db:"upload_id"`
	FileName   string         `db:"file_name"`
	UploadedAt string         `db:"uploaded_at"`
	Sheet      string         `db:"sheet"`
	Row        int            `db:"row_no"`
	ID         string         `db:"incident_id"`
	Priority   string         `db:"priority"`
	Setting    string         `db:"setting"`
	Area       string         `db:"area"`
	Month      string         `db:"month"`
	Received   sql.NullString `db:"received"`
	Arrived    sql.NullString `db:"arrived"`
	Minutes    float64        `db:"minutes"`
}

func (r incidentRow) record() (IncidentRecord, error) {
	month, err := parseDate(r.Month)
	if err != nil {
		return IncidentRecord{}, err
	}
	at, err := parseTime(r.UploadedAt)
	if err != nil {
		return IncidentRecord{}, err
	}
	rec := IncidentRecord{
		Incident: metrics.Incident{ID: r.ID, Priority: r.Priority, Setting: r.Setting, Area: r.Area, Minutes: r.Minutes},
		Month:    metrics.MonthOf(month.Year(), month.Month()),
		Sheet:    r.Sheet, Row: r.Row, UploadID: r.UploadID, File: r.FileName, UploadedAt: at,
	}
	if r.Received.Valid && r.Arrived.Valid {
		if rec.Received, err = parseTime(r.Received.String); err != nil {
			return IncidentRecord{}, err
		}
		if rec.Arrived, err = parseTime(r.Arrived.String); err != nil {
			return IncidentRecord{}, err
		}
	}
	return rec, nil
}

// Incidents returns the current incidents, ordered by month, received
// time (incidents without times last, in both databases) and id: for
// each month, those of the latest stored upload that
// gave any for it. Incidents are always sensitive: a scope that may not
// see sensitive data gets a *metrics.Error ENOTFOUND, as for a page that
// does not exist. No incidents give an empty slice.
func (s *Store) Incidents(ctx context.Context, scope metrics.Scope) ([]IncidentRecord, error) {
	if !scope.Sensitive {
		return nil, metrics.Errorf(metrics.ENOTFOUND, "not found")
	}
	var rows []incidentRow
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		// pairs: each month's uploads, from the month index without
		// reading rows; current: the latest stored one of each month.
		// The scope is in the query too, so that the rows stay safe
		// whatever the check above becomes.
		return tx.SelectContext(ctx, &rows, s.rebind(`
			WITH pairs AS (
				SELECT DISTINCT month, upload_id FROM incidents
			), current_uploads AS (
				SELECT p.month, MAX(p.upload_id) AS upload_id
				FROM pairs p JOIN uploads v ON v.id = p.upload_id
				WHERE v.status = 'stored'
				GROUP BY p.month
			)
			SELECT i.upload_id, u.file_name, u.uploaded_at, i.sheet, i.row_no, i.incident_id, i.priority,
				i.setting, i.area, i.month, i.received, i.arrived, i.minutes
			FROM current_uploads c
			JOIN incidents i ON i.month = c.month AND i.upload_id = c.upload_id
			JOIN uploads u ON u.id = i.upload_id
			WHERE ?
			ORDER BY i.month, i.received IS NULL, i.received, i.incident_id, i.id`), scope.Sensitive)
	})
	if err != nil {
		return nil, wrapRead("incidents", err)
	}
	return fromRows(rows, incidentRow.record)
}

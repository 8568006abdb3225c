package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/assure-pcc/assure/metrics"
)

// blockValues bounds the values of one block that migration 00018
// writes, so that a measure with a long history in one upload is not
// held whole.
const blockValues = 100_000

// convertObservations is migration 00018: every row of observations (one
// value each, with the superseded_by of the schema before value_blocks)
// becomes part of its upload's block for its measure, in the order the
// rows were stored; observations is dropped; and every measure's current
// series is rewritten from the blocks. Which value is current follows
// from the blocks alone: the latest stored upload of an area and period,
// as superseded_by said.
//
// The rows are read one upload and measure at a time, and each block
// written after its rows are read: PostgreSQL's connection cannot write
// while a query's rows are still coming.
func convertObservations(ctx context.Context, tx *sql.Tx, dialect string) error {
	rebind := rebindFor(dialect)
	var groups []struct {
		upload int64
		metric string
	}
	rows, err := tx.QueryContext(ctx, rebind(`
		SELECT DISTINCT o.upload_id, o.metric_id
		FROM observations o JOIN uploads u ON u.id = o.upload_id
		WHERE u.status = ?
		ORDER BY o.upload_id, o.metric_id`), metrics.StatusStored)
	if err != nil {
		return fmt.Errorf("read observations: %w", err)
	}
	for rows.Next() {
		var g struct {
			upload int64
			metric string
		}
		if err := rows.Scan(&g.upload, &g.metric); err != nil {
			rows.Close()
			return fmt.Errorf("read observations: %w", err)
		}
		groups = append(groups, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read observations: %w", err)
	}
	for _, g := range groups {
		if err := convertGroup(ctx, tx, rebind, g.upload, g.metric); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE observations`); err != nil {
		return fmt.Errorf("drop observations: %w", err)
	}
	return fillCurrentSeries(ctx, tx, dialect)
}

// convertGroup writes one upload's values of one measure as blocks of
// at most blockValues values, in the order they were stored.
func convertGroup(ctx context.Context, tx *sql.Tx, rebind func(string) string, upload int64, metric string) error {
	for part, after := 0, int64(0); ; part++ {
		rows, err := tx.QueryContext(ctx, rebind(`
			SELECT o.id, o.metric_id, o.area, o.period_kind, o.period_start, o.period_end, o.value,
				o.upload_id, u.file_name, o.sheet, o.cell, u.uploaded_at
			FROM observations o JOIN uploads u ON u.id = o.upload_id
			WHERE o.upload_id = ? AND o.metric_id = ? AND o.id > ?
			ORDER BY o.id LIMIT ?`), upload, metric, after, blockValues)
		if err != nil {
			return fmt.Errorf("read values of upload %d, %q: %w", upload, metric, err)
		}
		e := newSeriesEncoder()
		for rows.Next() {
			var r obsRow
			if err := rows.Scan(&after, &r.MetricID, &r.Area, &r.PeriodKind, &r.PeriodStart, &r.PeriodEnd, &r.Value,
				&r.UploadID, &r.FileName, &r.Sheet, &r.Cell, &r.UploadedAt); err != nil {
				rows.Close()
				return fmt.Errorf("read values of upload %d, %q: %w", upload, metric, err)
			}
			o, err := r.observation()
			if err != nil {
				rows.Close()
				return fmt.Errorf("value of upload %d, %q at %s: %w", upload, metric, location(r.Sheet, r.Cell), err)
			}
			e.add(&o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read values of upload %d, %q: %w", upload, metric, err)
		}
		if e.n == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, rebind(`INSERT INTO value_blocks (metric_id, upload_id, part, n, body) VALUES (?, ?, ?, ?, ?)`),
			metric, upload, part, e.n, e.bytes()); err != nil {
			return fmt.Errorf("write block %d of upload %d, %q: %w", part, upload, metric, err)
		}
		if e.n < blockValues {
			return nil
		}
	}
}

// obsRow is a row of observations joined to its upload, as the store
// before value_blocks kept each value.
type obsRow struct {
	MetricID    string
	Area        string
	PeriodKind  string
	PeriodStart string
	PeriodEnd   string
	Value       float64
	UploadID    int64
	FileName    string
	Sheet       string
	Cell        string
	UploadedAt  string
}

func (r obsRow) observation() (metrics.Observation, error) {
	start, err := parseDate(r.PeriodStart)
	if err != nil {
		return metrics.Observation{}, err
	}
	end, err := parseDate(r.PeriodEnd)
	if err != nil {
		return metrics.Observation{}, err
	}
	at, err := parseTime(r.UploadedAt)
	if err != nil {
		return metrics.Observation{}, err
	}
	return metrics.Observation{
		MetricID: r.MetricID,
		Area:     r.Area,
		Period:   metrics.Period{Kind: metrics.PeriodKind(r.PeriodKind), Start: start, End: end},
		Value:    r.Value,
		Source: metrics.Source{
			UploadID:   r.UploadID,
			File:       r.FileName,
			Sheet:      r.Sheet,
			Cell:       r.Cell,
			UploadedAt: at,
		},
	}, nil
}

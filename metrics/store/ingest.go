package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// IngestTx is the transaction of one file's ingest: the upload, its
// original bytes, the catalogue rows and the observations it brings are
// stored together or not at all. The ingest streams observations in as it
// validates them, calls Finish, and then Commit, or Rollback when the file
// is rejected or on a dry run. An IngestTx is used by one goroutine.
//
// Ingests take turns: on SQLite an open IngestTx holds the database's
// only write connection and the file's write lock, on PostgreSQL an
// advisory lock, and the next BeginIngest waits (as long as its context
// allows) until it ends. Reads never wait for it and see none of its rows
// until Commit.
type IngestTx struct {
	s      *Store
	tx     *sqlx.Tx
	conn   *sqlx.Conn // on PostgreSQL, the connection tx runs on, for COPY
	upload metrics.Upload
	now    string // the transaction's one timestamp, as stored

	known       map[string]bool     // metric ids known to exist in this transaction
	touched     map[string]struct{} // metrics this upload wrote or gave values to
	snapshotted map[string]bool     // metrics whose entry before this upload is recorded
	// blocks holds, per metric, the values given since they were last
	// written, encoded: the next block (part) of the metric's values.
	// Past maxPending bytes in all, every metric's is written, so that
	// memory stays bounded whatever the file; Finish writes the rest.
	blocks     map[string]*seriesEncoder
	pendingLen int            // the bytes in blocks
	maxPending int            // maxPendingBytes, but in tests
	parts      map[string]int // blocks written per metric: the next part's number
	// since are the metrics given values since the last Finish, whose
	// current series the next Finish merges them into.
	since   map[string]struct{}
	sheets  map[string]int // each sheet's place in the file, for Duplicates' order
	added   int            // values stored
	pending bool           // values added since the last successful Finish
	ended   bool           // committed or rolled back
	// failed is the first write that failed partway, after which the
	// transaction can only be rolled back.
	failed error
}

// IngestCounts is what Finish reports about an upload.
type IngestCounts struct {
	// Observations is the number of values the upload stored.
	Observations int
	// Superseded is the number of older current values that this upload
	// replaced (same metric, area and period).
	Superseded int
	// Metrics is the number of distinct metrics the upload wrote to the
	// catalogue or gave values to.
	Metrics int
}

// BeginIngest starts the transaction of one file: it stores the upload
// row, with status stored, and the original bytes. u.SHA256 and u.Size
// are worked out from original when empty and must match it when given;
// u.UploadedAt defaults to Store.Now. A file whose content is already
// stored gives a *metrics.Error ECONFLICT (the ingest checks
// FindUploadBySHA first; this catches two uploads of one file at once).
// The caller must end the returned IngestTx with Commit or Rollback.
func (s *Store) BeginIngest(ctx context.Context, u metrics.Upload, original []byte) (*IngestTx, error) {
	sum := sha256.Sum256(original)
	digest := hex.EncodeToString(sum[:])
	switch {
	case strings.TrimSpace(u.FileName) == "":
		return nil, metrics.Errorf(metrics.EINVALID, "upload has no file name")
	case u.SHA256 != "" && !strings.EqualFold(u.SHA256, digest):
		return nil, metrics.Errorf(metrics.EINVALID, "%s: sha256 %s does not match the file's content (%s)", u.FileName, u.SHA256, digest)
	case u.Size != 0 && u.Size != int64(len(original)):
		return nil, metrics.Errorf(metrics.EINVALID, "%s: size %d does not match the file's content (%d bytes)", u.FileName, u.Size, len(original))
	}
	if original == nil {
		original = []byte{} // nil would be bound as NULL
	}
	u.SHA256 = digest
	u.Size = int64(len(original))
	return s.beginIngest(ctx, u, original)
}

// beginIngest opens the transaction for an upload whose SHA256 and Size
// are known, storing original as its file's content.
func (s *Store) beginIngest(ctx context.Context, u metrics.Upload, original []byte) (*IngestTx, error) {
	now := s.now()
	u.Status = metrics.StatusStored
	if u.UploadedAt.IsZero() {
		u.UploadedAt = now
	}
	u.UploadedAt = u.UploadedAt.UTC().Truncate(time.Microsecond) // as stored

	// On PostgreSQL the values are loaded with COPY, which pgx offers on
	// its own connection: the transaction is begun on one connection
	// held for it, so that COPY runs inside it.
	var conn *sqlx.Conn
	begin := s.db.BeginTxx
	if s.dialect == Postgres {
		c, err := s.db.Connx(ctx)
		if err != nil {
			return nil, fmt.Errorf("begin ingest of %s: %w", u.FileName, err)
		}
		conn, begin = c, c.BeginTxx
	}
	tx, err := begin(ctx, nil)
	if err != nil {
		if conn != nil {
			conn.Close()
		}
		return nil, fmt.Errorf("begin ingest of %s: %w", u.FileName, err)
	}
	t := &IngestTx{
		s:           s,
		tx:          tx,
		conn:        conn,
		now:         formatTime(now),
		known:       make(map[string]bool),
		touched:     make(map[string]struct{}),
		snapshotted: make(map[string]bool),
		blocks:      make(map[string]*seriesEncoder),
		maxPending:  maxPendingBytes,
		parts:       make(map[string]int),
		since:       make(map[string]struct{}),
		sheets:      make(map[string]int),
	}
	if err := t.insertUpload(ctx, &u, original); err != nil {
		tx.Rollback()
		t.closeConn()
		return nil, err
	}
	t.upload = u
	return t, nil
}

func (t *IngestTx) insertUpload(ctx context.Context, u *metrics.Upload, original []byte) error {
	if err := t.s.lockIngest(ctx, t.tx); err != nil {
		return fmt.Errorf("begin ingest of %s: wait for other ingests: %w", u.FileName, err)
	}
	if prev, found, err := findUploadBySHA(ctx, t.tx, t.s.rebind, u.SHA256); err != nil {
		return fmt.Errorf("begin ingest of %s: %w", u.FileName, err)
	} else if found {
		return alreadyStored(u.FileName, prev.ID)
	}
	err := t.tx.QueryRowxContext(ctx, t.s.rebind(`
		INSERT INTO uploads (file_name, sha256, kind, status, size, uploaded_at, uploaded_by)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		RETURNING id`),
		u.FileName, u.SHA256, u.Kind, u.Status, u.Size, formatTime(u.UploadedAt), u.UploadedBy).Scan(&u.ID)
	if isUniqueViolation(err) {
		// Ingests take turns, so only a writer that bypasses them (a
		// second Assure on an older schema, a manual insert) gets here.
		return alreadyStored(u.FileName, 0)
	}
	if err != nil {
		return fmt.Errorf("store upload %s: %w", u.FileName, err)
	}
	if _, err := t.tx.ExecContext(ctx, t.s.rebind(`INSERT INTO upload_files (upload_id, content) VALUES (?, ?)`), u.ID, original); err != nil {
		return fmt.Errorf("store original of %s: %w", u.FileName, err)
	}
	return nil
}

func alreadyStored(file string, id int64) error {
	if id == 0 {
		return metrics.Errorf(metrics.ECONFLICT, "%s: the same file is already stored", file)
	}
	return metrics.Errorf(metrics.ECONFLICT, "%s: the same file is already stored (upload %d)", file, id)
}

// UploadID is the id of the upload row this transaction inserted.
func (t *IngestTx) UploadID() int64 { return t.upload.ID }

const upsertMetricSQL = `
	INSERT INTO metrics (id, name, unit, direction, target, classification, category, benchmark, benchmark_label, derivation, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET
		name = excluded.name, unit = excluded.unit, direction = excluded.direction,
		target = excluded.target, classification = excluded.classification,
		category = excluded.category, benchmark = excluded.benchmark,
		benchmark_label = excluded.benchmark_label, derivation = excluded.derivation,
		updated_at = excluded.updated_at`

// UpsertMetric writes a catalogue entry read from the file: it inserts
// the metric, or replaces every field of an existing one. The entry as
// it was before is recorded with the upload, so that RollbackUpload can
// restore it; an entry that would not change is left alone. An invalid
// metric (see metrics.Metric.Validate, and a target that is not a finite
// number) gives a *metrics.Error EINVALID and leaves the transaction
// usable.
//
// It writes the classification it is given: the ingest, not the store,
// keeps uploads from opening a measure (they propose it instead, see
// ProposeClassification).
func (t *IngestTx) UpsertMetric(ctx context.Context, m metrics.Metric) error {
	return t.writeMetric(ctx, m, true)
}

// EnsureMetric inserts the metric when the catalogue has no metric with
// its id and leaves an existing one untouched: a file that gives values
// without a catalogue must not overwrite what a catalogue said. Errors as
// UpsertMetric.
func (t *IngestTx) EnsureMetric(ctx context.Context, m metrics.Metric) error {
	return t.writeMetric(ctx, m, false)
}

func (t *IngestTx) writeMetric(ctx context.Context, m metrics.Metric, replace bool) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.Target != nil && (math.IsNaN(*m.Target) || math.IsInf(*m.Target, 0)) {
		return metrics.Errorf(metrics.EINVALID, "metric %q: target %v is not a finite number", m.ID, *m.Target)
	}
	if m.Benchmark != nil && (math.IsNaN(*m.Benchmark) || math.IsInf(*m.Benchmark, 0)) {
		return metrics.Errorf(metrics.EINVALID, "metric %q: benchmark %v is not a finite number", m.ID, *m.Benchmark)
	}
	before, existed, err := t.snapshotIfChanged(ctx, m, replace)
	if err != nil {
		return err
	}
	t.known[m.ID] = true
	t.touched[m.ID] = struct{}{}
	if existed && (!replace || sameEntry(before, m)) {
		return nil
	}
	_, err = t.tx.ExecContext(ctx, t.s.rebind(upsertMetricSQL),
		m.ID, m.Name, m.Unit, string(m.Direction), m.Target, string(m.Classification), m.Category, m.Benchmark, m.BenchmarkLabel, m.Derivation, t.now)
	if err != nil {
		return fmt.Errorf("store metric %q: %w", m.ID, err)
	}
	return nil
}

// snapshotIfChanged reads the entry as it is and records it for rollback
// when the write will change it.
func (t *IngestTx) snapshotIfChanged(ctx context.Context, m metrics.Metric, replace bool) (metrics.Metric, bool, error) {
	var before metrics.Metric
	err := t.tx.GetContext(ctx, &before, t.s.rebind(`SELECT `+metricColumns+` FROM metrics m WHERE m.id = ?`), m.ID)
	existed := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return before, false, fmt.Errorf("read metric %q: %w", m.ID, err)
	}
	if existed && (!replace || sameEntry(before, m)) {
		return before, true, nil
	}
	return before, existed, t.snapshot(ctx, m.ID, before, existed)
}

// sameEntry reports whether two catalogue entries are equal.
func sameEntry(a, b metrics.Metric) bool {
	same := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return same(a.Target, b.Target) && same(a.Benchmark, b.Benchmark) &&
		a.ID == b.ID && a.Name == b.Name && a.Unit == b.Unit && a.Direction == b.Direction &&
		a.Classification == b.Classification && a.Category == b.Category &&
		a.BenchmarkLabel == b.BenchmarkLabel && a.Derivation == b.Derivation
}

// GetMetric returns a catalogue row as this transaction sees it,
// including rows it wrote, whatever its classification (the ingest is not
// a viewer). found is false when there is no such metric.
func (t *IngestTx) GetMetric(ctx context.Context, id string) (metrics.Metric, bool, error) {
	var m metrics.Metric
	err := t.tx.GetContext(ctx, &m, t.s.rebind(`SELECT `+metricColumns+` FROM metrics m WHERE m.id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return metrics.Metric{}, false, nil
	}
	if err != nil {
		return metrics.Metric{}, false, fmt.Errorf("get metric %q: %w", id, err)
	}
	t.known[id] = true
	return m, true, nil
}

// AddObservations stores values read from the file, in order, under
// this transaction's upload; obs[i].Source.Sheet and .Cell record where
// each came from and obs[i].Source.UploadID is ignored. The batch is
// checked before anything is stored: a value that is not a finite number,
// an observation without a metric or with an invalid period, or a metric
// the catalogue does not hold gives a *metrics.Error EINVALID naming the
// cell, nothing of the batch is stored and the transaction stays usable.
// Any other error leaves the transaction fit only for Rollback: Finish
// and Commit refuse after it.
//
// The values are kept encoded, per metric, and written as blocks (see
// value_blocks): when more than maxPendingBytes are kept, and by Finish.
func (t *IngestTx) AddObservations(ctx context.Context, obs []metrics.Observation) error {
	if t.ended {
		return errors.New("add observations: ingest transaction already ended")
	}
	if t.failed != nil {
		return t.failedError()
	}
	for i := range obs {
		if err := checkObservation(&obs[i]); err != nil {
			return err
		}
	}
	if err := t.checkMetrics(ctx, obs); err != nil {
		return err
	}
	for i := range obs {
		t.keep(&obs[i])
	}
	t.added += len(obs)
	t.pending = t.pending || len(obs) > 0
	if t.pendingLen > t.maxPending {
		if err := t.writeBlocks(ctx); err != nil {
			t.failed = fmt.Errorf("store values of %s: %w", t.upload.FileName, err)
			return t.failed
		}
	}
	return nil
}

// keep adds a value to its metric's next block, with its source as it is
// stored.
func (t *IngestTx) keep(o *metrics.Observation) {
	t.touched[o.MetricID] = struct{}{}
	t.since[o.MetricID] = struct{}{}
	if _, ok := t.sheets[o.Source.Sheet]; !ok {
		t.sheets[o.Source.Sheet] = len(t.sheets)
	}
	e := t.blocks[o.MetricID]
	if e == nil {
		e = newSeriesEncoder()
		t.blocks[o.MetricID] = e
	}
	stored := *o
	stored.Source = metrics.Source{UploadID: t.upload.ID, File: t.upload.FileName, Sheet: o.Source.Sheet, Cell: o.Source.Cell, UploadedAt: t.upload.UploadedAt}
	before := len(e.body)
	e.add(&stored)
	t.pendingLen += len(e.body) - before
}

// maxPendingBytes bounds the encoded values an ingest keeps before it
// writes them as blocks. A measure's values are read back whole by
// Finish in any case; this bounds what the many measures of a wide file
// hold at once.
const maxPendingBytes = 4 << 20

// valueBlock is a row of value_blocks.
type valueBlock struct {
	metric string
	part   int
	n      int
	body   []byte
}

// writeBlocks writes every metric's kept values as its next block and
// forgets them.
func (t *IngestTx) writeBlocks(ctx context.Context) error {
	ids := make([]string, 0, len(t.blocks))
	for id, e := range t.blocks {
		if e.n > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	blocks := make([]valueBlock, 0, len(ids))
	for _, id := range ids {
		e := t.blocks[id]
		if e.nonFinite > 0 {
			return fmt.Errorf("%q: %d values are not finite numbers: only finite numbers can be stored", id, e.nonFinite)
		}
		blocks = append(blocks, valueBlock{metric: id, part: t.parts[id], n: e.n, body: e.bytes()})
		t.parts[id]++
		delete(t.blocks, id)
	}
	t.pendingLen = 0
	if t.conn != nil {
		return t.copyBlocks(ctx, blocks)
	}
	for _, b := range blocks {
		if _, err := t.tx.ExecContext(ctx, t.s.rebind(`INSERT INTO value_blocks (metric_id, upload_id, part, n, body) VALUES (?, ?, ?, ?, ?)`),
			b.metric, t.upload.ID, b.part, b.n, b.body); err != nil {
			return fmt.Errorf("block %d of %q: %w", b.part, b.metric, err)
		}
	}
	return nil
}

// copyBlocks loads blocks with PostgreSQL's COPY, on the connection the
// transaction runs on: one round trip for them all, their bytes sent as
// they are rather than as a statement's parameters.
func (t *IngestTx) copyBlocks(ctx context.Context, blocks []valueBlock) error {
	if len(blocks) == 0 {
		return nil
	}
	return t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy: the connection is a %T, not pgx's", dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{"value_blocks"}, []string{"metric_id", "upload_id", "part", "n", "body"},
			pgx.CopyFromSlice(len(blocks), func(i int) ([]any, error) {
				b := &blocks[i]
				return []any{b.metric, t.upload.ID, b.part, b.n, b.body}, nil
			}))
		return err
	})
}

// closeConn gives the connection of a PostgreSQL ingest back to the pool
// once its transaction has ended.
func (t *IngestTx) closeConn() {
	if t.conn != nil {
		t.conn.Close()
		t.conn = nil
	}
}

// checkObservation refuses what must never be stored. The ingest checks
// the same things with better context; this is the store's own line.
func checkObservation(o *metrics.Observation) error {
	at := location(o.Source.Sheet, o.Source.Cell)
	if at == "" {
		at = "value"
	}
	switch {
	case o.MetricID == "":
		return metrics.Errorf(metrics.EINVALID, "%s: the value has no metric", at)
	case math.IsNaN(o.Value) || math.IsInf(o.Value, 0):
		return metrics.Errorf(metrics.EINVALID, "%s: %v is not a finite number: only finite numbers can be stored", at, o.Value)
	case o.Period.Key() == "" || o.Period.Start.IsZero() || o.Period.End.Before(o.Period.Start):
		return metrics.Errorf(metrics.EINVALID, "%s: the value of %q has no valid period", at, o.MetricID)
	}
	return nil
}

// checkMetrics makes sure that every metric of the batch is in the
// catalogue, so that a missing one is reported by name rather than as a
// foreign key failure (which would also abort a PostgreSQL transaction).
// Each id is looked up once per transaction.
func (t *IngestTx) checkMetrics(ctx context.Context, obs []metrics.Observation) error {
	for i := range obs {
		id := obs[i].MetricID
		if t.known[id] {
			continue
		}
		var n int
		if err := t.tx.GetContext(ctx, &n, t.s.rebind(`SELECT COUNT(*) FROM metrics WHERE id = ?`), id); err != nil {
			return fmt.Errorf("look up metric %q: %w", id, err)
		}
		if n == 0 {
			at := location(obs[i].Source.Sheet, obs[i].Source.Cell)
			if at == "" {
				at = "value"
			}
			return metrics.Errorf(metrics.EINVALID, "%s: metric %q is not in the catalogue", at, id)
		}
		t.known[id] = true
	}
	return nil
}

func (t *IngestTx) failedError() error {
	return fmt.Errorf("%s: an earlier write failed, roll back: %w", t.upload.FileName, t.failed)
}

// location is a cell address as a spreadsheet writes it: Sheet!Cell.
func location(sheet, cell string) string { return metrics.Location(sheet, cell) }

// maxDuplicatesListed bounds DuplicateError.Duplicates.
const maxDuplicatesListed = 50

// Finish ends the writing of the upload. First it looks for values that
// this upload gives twice (same metric, area and period key) and, if
// there are any, returns a *DuplicateError listing up to 50 of them; the
// caller must then roll back. Otherwise it writes the values kept since
// the last Finish as blocks, merges each metric's into its current
// series, where they replace older values of the same area and period
// (superseding them), and returns the counts. Commit requires a
// successful Finish after the last AddObservations.
func (t *IngestTx) Finish(ctx context.Context) (IngestCounts, error) {
	return t.FinishSeeing(ctx, nil)
}

// FinishSeeing is Finish that shows before (when not nil) each metric's
// current series as Finish reads it to merge into: as the transaction
// held it before this Finish, which for an ingest's one Finish is the
// series as stored before the upload. It is called on the
// transaction's goroutine, in metric id order, one metric at a time, and
// may block: Finish waits. An ingest compares the file with these
// series as Finish reads them, rather than holding every measure's from
// the start (14 MB for the load test's upload of 200 measures).
func (t *IngestTx) FinishSeeing(ctx context.Context, before func(metricID string, stored StoredSeries)) (IngestCounts, error) {
	if t.ended {
		return IngestCounts{}, errors.New("finish: ingest transaction already ended")
	}
	if t.failed != nil {
		return IngestCounts{}, t.failedError()
	}
	ids := make([]string, 0, len(t.since))
	for id := range t.since {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	// Each metric's values, from its blocks written so far and those
	// kept: checked for duplicates, and merged into its current series
	// while none are found. After a duplicate the caller rolls back, so
	// the series merged before it do not matter; the rest of the metrics
	// are only checked, so that the error lists them all.
	superseded, dups, err := t.finishMetrics(ctx, ids, before)
	if err != nil {
		return IngestCounts{}, t.fail(err)
	}
	if dups.total > 0 {
		return IngestCounts{}, dups.err()
	}
	if err := t.writeBlocks(ctx); err != nil {
		return IngestCounts{}, t.fail(err)
	}
	clear(t.since)
	t.pending = false
	return IngestCounts{Observations: t.added, Superseded: superseded, Metrics: len(t.touched)}, nil
}

// fail records err as the write that failed partway and returns it.
func (t *IngestTx) fail(err error) error {
	t.failed = fmt.Errorf("finish %s: %w", t.upload.FileName, err)
	return t.failed
}

// Commit stores the upload for good. It refuses, and leaves the
// transaction open for Rollback, when observations were added after the
// last successful Finish (their duplicates would go unchecked and the
// values they replace would stay current) or when an insert failed.
func (t *IngestTx) Commit() error {
	if t.ended {
		return errors.New("commit: ingest transaction already ended")
	}
	if t.failed != nil {
		return t.failedError()
	}
	if t.pending {
		return fmt.Errorf("commit %s: Finish must succeed after the last AddObservations", t.upload.FileName)
	}
	t.ended = true
	defer t.closeConn()
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("commit %s: %w", t.upload.FileName, err)
	}
	return nil
}

// Rollback discards everything the transaction wrote: the upload, its
// file, its catalogue rows and its values. It is a no-op after Commit or
// a previous Rollback, so that it can be deferred.
func (t *IngestTx) Rollback() error {
	if t.ended {
		return nil
	}
	t.ended = true
	// What the transaction wrote to SQLite's log is void now: give the
	// disk back (it may be full, which may be why the ingest failed).
	defer t.s.reclaimWAL()
	defer t.closeConn()
	if err := t.tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("roll back %s: %w", t.upload.FileName, err)
	}
	return nil
}

// Duplicate is a value that a file gives twice: the same metric, area
// and period at two places, First and Second, each written Sheet!Cell.
type Duplicate struct {
	MetricID, Area, PeriodKey, First, Second string
}

// DuplicateError rejects an upload that gives some values twice. It
// lists up to 50 of them, in file order; Total counts them all. It
// unwraps to a *metrics.Error EINVALID carrying the same message, so that
// metrics.ErrorCode and metrics.ErrorMessage treat it as the user's
// mistake.
type DuplicateError struct {
	Duplicates []Duplicate
	Total      int
}

// Error says how many values repeat, shows the first few with both
// places, and says what to fix.
func (e *DuplicateError) Error() string {
	const shown = 3
	var b strings.Builder
	if e.Total == 1 {
		b.WriteString("1 value is given twice")
	} else {
		fmt.Fprintf(&b, "%d values are given twice", e.Total)
	}
	b.WriteString(" for the same metric, area and period: ")
	for i, d := range e.Duplicates {
		if i == shown {
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s, area %q, %s at %s and again at %s", d.MetricID, d.Area, d.PeriodKey, d.First, d.Second)
	}
	if more := e.Total - min(shown, len(e.Duplicates)); more > 0 {
		fmt.Fprintf(&b, "; and %d more", more)
	}
	b.WriteString(". Keep one value for each metric, area and period and delete the others.")
	return b.String()
}

// Unwrap returns the error as a *metrics.Error EINVALID.
func (e *DuplicateError) Unwrap() error {
	return &metrics.Error{Code: metrics.EINVALID, Message: e.Error()}
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// What an ingest reads of the catalogue and of the current values, and
// what it writes to the catalogue. The ingest reads through Store (a dry
// run, which writes nothing) or through its IngestTx (a real ingest, which
// must see what it wrote), so both offer the same reads.

// Alias is a name a measure was known by before a catalogue renamed it.
type Alias struct {
	// Norm is metrics.NameKey(Alias).
	Norm     string `db:"norm"`
	Alias    string `db:"alias"`
	MetricID string `db:"metric_id"`
}

// IngestCatalogue is the catalogue as an ingest resolves names against
// it: every measure whatever its classification, their aliases, and the
// classification each pending proposal would give.
type IngestCatalogue struct {
	Metrics []metrics.Metric
	Aliases []Alias
	Pending map[string]metrics.Classification
}

// IngestCatalogue reads the catalogue for a dry run.
func (s *Store) IngestCatalogue(ctx context.Context) (IngestCatalogue, error) {
	var c IngestCatalogue
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		c, err = s.ingestCatalogue(ctx, tx)
		return err
	})
	return c, err
}

// IngestCatalogue reads the catalogue as this transaction sees it.
func (t *IngestTx) IngestCatalogue(ctx context.Context) (IngestCatalogue, error) {
	c, err := t.s.ingestCatalogue(ctx, t.tx)
	if err == nil {
		for _, m := range c.Metrics {
			t.known[m.ID] = true
		}
	}
	return c, err
}

func (s *Store) ingestCatalogue(ctx context.Context, tx *sqlx.Tx) (IngestCatalogue, error) {
	c := IngestCatalogue{Pending: map[string]metrics.Classification{}}
	if err := tx.SelectContext(ctx, &c.Metrics, `SELECT `+metricColumns+` FROM metrics m ORDER BY m.id`); err != nil {
		return c, fmt.Errorf("read catalogue: %w", err)
	}
	if err := tx.SelectContext(ctx, &c.Aliases, `SELECT norm, alias, metric_id FROM metric_aliases ORDER BY norm`); err != nil {
		return c, fmt.Errorf("read aliases: %w", err)
	}
	var pending []struct {
		MetricID       string `db:"metric_id"`
		Classification string `db:"classification"`
	}
	if err := tx.SelectContext(ctx, &pending, `SELECT metric_id, classification FROM classification_proposals WHERE status = 'pending'`); err != nil {
		return c, fmt.Errorf("read proposals: %w", err)
	}
	for _, p := range pending {
		c.Pending[p.MetricID] = metrics.Classification(p.Classification)
	}
	return c, nil
}

// StoredSeries is a measure's current values as an ingest read them,
// kept encoded (as current_series stores them) until Observations
// decodes them.
type StoredSeries struct{ blob []byte }

// StoredValue is one of a measure's current values as an ingest compares
// a file with it: its area, period and value, without its source, which
// StoredValues.Source reads for the few a preview reports. Decoded whole,
// with their sources, as observations, the stored values of the measures
// a file named were a third of what checking it allocated.
type StoredValue struct {
	Area   string
	Period metrics.Period
	Value  float64
	at     int32 // where the value starts in the encoded values
}

// StoredValues are a measure's current values, decoded for comparing.
type StoredValues struct {
	Values []StoredValue // in Series order (period start, then area)
	view   *seriesView
}

// Decode decodes the values, in Series order. Their strings are shared:
// read them, never change them.
func (ss StoredSeries) Decode() (StoredValues, error) {
	if len(ss.blob) == 0 {
		return StoredValues{}, nil
	}
	v, err := parseSeries(ss.blob)
	if err != nil {
		return StoredValues{}, err
	}
	if len(v.body) > math.MaxInt32 {
		// Past where at can say where a value starts.
		return StoredValues{}, fmt.Errorf("%w: %d bytes of values", errCorruptSeries, len(v.body))
	}
	out := StoredValues{Values: make([]StoredValue, 0, v.n), view: v}
	err = v.each(func(x *rawValue) bool {
		out.Values = append(out.Values, StoredValue{Area: v.strs[x.area], Period: v.period(x), Value: x.value, at: int32(x.at)})
		return true
	})
	if err != nil {
		return StoredValues{}, err
	}
	return out, nil
}

// Source is where Values[i] came from.
func (sv StoredValues) Source(i int) (metrics.Source, error) {
	x, err := sv.view.valueAt(int(sv.Values[i].at))
	if err != nil {
		return metrics.Source{}, err
	}
	src := sv.view.ups[x.upload]
	src.Sheet, src.Cell = sv.view.strs[x.sheet], string(x.cell)
	return src, nil
}

// CurrentValues returns a measure's current values, whatever its
// classification, for a dry run.
func (s *Store) CurrentValues(ctx context.Context, metricID string) (StoredSeries, error) {
	var out StoredSeries
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = s.currentBlob(ctx, tx, metricID)
		return err
	})
	return out, err
}

// CurrentValues returns a measure's current values as this transaction
// sees them; call it before adding the upload's own values, which are
// current until Finish supersedes the older ones.
func (t *IngestTx) CurrentValues(ctx context.Context, metricID string) (StoredSeries, error) {
	return t.s.currentBlob(ctx, t.tx, metricID)
}

// currentBlob reads a measure's current series, encoded.
func (s *Store) currentBlob(ctx context.Context, tx *sqlx.Tx, metricID string) (StoredSeries, error) {
	var blob []byte
	err := tx.QueryRowContext(ctx, s.rebind(`SELECT series FROM current_series WHERE metric_id = ?`), metricID).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return StoredSeries{}, nil
	}
	if err != nil {
		return StoredSeries{}, fmt.Errorf("current values of %q: %w", metricID, err)
	}
	return StoredSeries{blob: blob}, nil
}

// snapshot records, once per upload and measure, the catalogue entry as
// it was before this upload changed it (before, or created when it did
// not exist), so that RollbackUpload can restore it.
func (t *IngestTx) snapshot(ctx context.Context, id string, before metrics.Metric, existed bool) error {
	if t.snapshotted[id] {
		return nil
	}
	var err error
	if existed {
		_, err = t.tx.ExecContext(ctx, t.s.rebind(`
			INSERT INTO catalogue_changes (upload_id, metric_id, created, name, unit, direction, target, classification, category,
				benchmark, benchmark_label, derivation)
			VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			t.upload.ID, id, before.Name, before.Unit, string(before.Direction), before.Target, string(before.Classification), before.Category,
			before.Benchmark, before.BenchmarkLabel, before.Derivation)
	} else {
		_, err = t.tx.ExecContext(ctx, t.s.rebind(`INSERT INTO catalogue_changes (upload_id, metric_id, created) VALUES (?, ?, 1)`), t.upload.ID, id)
	}
	if err != nil {
		return fmt.Errorf("record the catalogue entry of %q: %w", id, err)
	}
	t.snapshotted[id] = true
	return nil
}

// AddAlias keeps an old name of a measure, so that workbooks that still
// use it reach the measure. An alias that is already the measure's does
// nothing; one that names another measure gives EINVALID.
func (t *IngestTx) AddAlias(ctx context.Context, metricID, alias string) error {
	norm := metrics.NameKey(alias)
	if norm == "" {
		return nil
	}
	var owner string
	err := t.tx.GetContext(ctx, &owner, t.s.rebind(`SELECT metric_id FROM metric_aliases WHERE norm = ?`), norm)
	switch {
	case err == nil && owner == metricID:
		return nil
	case err == nil:
		return metrics.Errorf(metrics.EINVALID, "the name %q is already another name of %s", alias, owner)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("look up alias %q: %w", alias, err)
	}
	_, err = t.tx.ExecContext(ctx, t.s.rebind(`INSERT INTO metric_aliases (norm, alias, metric_id, upload_id, created_at) VALUES (?, ?, ?, ?, ?)`),
		norm, alias, metricID, t.upload.ID, t.now)
	if err != nil {
		return fmt.Errorf("store alias %q of %s: %w", alias, metricID, err)
	}
	return nil
}

// ProposeClassification asks, for this upload, that a measure be given a
// classification; a person with the right to publish approves or refuses
// it (see ApproveProposal). A proposal already waiting for the measure is
// withdrawn in favour of this one.
func (t *IngestTx) ProposeClassification(ctx context.Context, metricID string, c metrics.Classification, reason string) error {
	return proposeClassification(ctx, t.s, t.tx, metricID, c, t.upload.ID, reason, t.upload.UploadedBy, t.now)
}

func proposeClassification(ctx context.Context, s *Store, tx *sqlx.Tx, metricID string, c metrics.Classification, uploadID int64, reason, by, now string) error {
	if !c.Valid() {
		return metrics.Errorf(metrics.EINVALID, "classification %q must be open or sensitive", c)
	}
	var upload any
	if uploadID != 0 {
		upload = uploadID
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`
		UPDATE classification_proposals SET status = 'withdrawn', decided_at = ?, note = 'replaced by a later proposal'
		WHERE metric_id = ? AND status = 'pending'`), now, metricID); err != nil {
		return fmt.Errorf("withdraw earlier proposal for %s: %w", metricID, err)
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`
		INSERT INTO classification_proposals (metric_id, classification, upload_id, reason, proposed_by, proposed_at, status)
		VALUES (?, ?, ?, ?, ?, ?, 'pending')`), metricID, string(c), upload, reason, by, now); err != nil {
		return fmt.Errorf("propose classification of %s: %w", metricID, err)
	}
	return nil
}

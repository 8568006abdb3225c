package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// Proposal is a request to change a measure's classification that waits
// for a person with the right to publish. Uploads and the catalogue page
// make them; nothing opens a measure but an approval.
type Proposal struct {
	ID             int64                  `db:"id"`
	MetricID       string                 `db:"metric_id"`
	MetricName     string                 `db:"metric_name"`
	Current        metrics.Classification `db:"current_classification"`
	Classification metrics.Classification `db:"classification"`
	// UploadID and FileName name the upload that asked, if one did.
	UploadID   sql.NullInt64  `db:"upload_id"`
	FileName   sql.NullString `db:"file_name"`
	Reason     string         `db:"reason"`
	ProposedBy string         `db:"proposed_by"`
	ProposedAt time.Time      `db:"-"`
	Status     string         `db:"status"`
	DecidedBy  string         `db:"decided_by"`
	DecidedAt  time.Time      `db:"-"`
	Note       string         `db:"note"`

	ProposedRaw string `db:"proposed_at"`
	DecidedRaw  string `db:"decided_at"`
}

// Statuses of a Proposal.
const (
	ProposalPending   = "pending"
	ProposalApproved  = "approved"
	ProposalRefused   = "refused"
	ProposalWithdrawn = "withdrawn"
)

const proposalSelect = `
	SELECT p.id, p.metric_id, m.name AS metric_name, m.classification AS current_classification,
		p.classification, p.upload_id, u.file_name, p.reason, p.proposed_by, p.proposed_at,
		p.status, p.decided_by, p.decided_at, p.note
	FROM classification_proposals p
	JOIN metrics m ON m.id = p.metric_id
	LEFT JOIN uploads u ON u.id = p.upload_id`

func (p *Proposal) parseTimes() error {
	t, err := parseTime(p.ProposedRaw)
	if err != nil {
		return err
	}
	p.ProposedAt = t
	if p.DecidedRaw != "" {
		if p.DecidedAt, err = parseTime(p.DecidedRaw); err != nil {
			return err
		}
	}
	return nil
}

// ListProposals returns the proposals waiting for a decision, oldest
// first, then (with all) the decided ones, newest first.
func (s *Store) ListProposals(ctx context.Context, all bool) ([]Proposal, error) {
	var out []Proposal
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		q := proposalSelect + ` WHERE p.status = 'pending' ORDER BY p.id`
		if all {
			q = proposalSelect + ` ORDER BY CASE WHEN p.status = 'pending' THEN 0 ELSE 1 END, CASE WHEN p.status = 'pending' THEN p.id ELSE -p.id END`
		}
		return tx.SelectContext(ctx, &out, q)
	})
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	for i := range out {
		if err := out[i].parseTimes(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GetProposal returns one proposal; an unknown id gives ENOTFOUND.
func (s *Store) GetProposal(ctx context.Context, id int64) (Proposal, error) {
	return readValue(ctx, s, func(tx *sqlx.Tx) (Proposal, error) { return s.getProposal(ctx, tx, id) })
}

func (s *Store) getProposal(ctx context.Context, tx *sqlx.Tx, id int64) (Proposal, error) {
	var p Proposal
	err := tx.GetContext(ctx, &p, s.rebind(proposalSelect+` WHERE p.id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return p, metrics.Errorf(metrics.ENOTFOUND, "there is no proposal %d", id)
	}
	if err != nil {
		return p, fmt.Errorf("get proposal %d: %w", id, err)
	}
	return p, p.parseTimes()
}

// ProposeClassification asks, from the catalogue page or a script, that
// a measure be given a classification. Making a measure sensitive takes
// effect at once (it only restricts); opening one waits for approval.
// It returns the proposal's id, 0 when the change took effect at once,
// and the entry as it was before.
func (s *Store) ProposeClassification(ctx context.Context, metricID string, c metrics.Classification, reason, by string) (int64, metrics.Metric, error) {
	var before metrics.Metric
	if !c.Valid() {
		return 0, before, metrics.Errorf(metrics.EINVALID, "classification %q must be open or sensitive", c)
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, before, fmt.Errorf("propose classification: %w", err)
	}
	defer tx.Rollback()
	if before, err = s.getVisibleMetric(ctx, tx, metrics.Everything, metricID); err != nil {
		return 0, before, err
	}
	now := formatTime(s.now())
	var id int64
	switch {
	case before.Classification == c:
		return 0, before, metrics.Errorf(metrics.ECONFLICT, "%s is already %s", metricID, c)
	case c == metrics.Sensitive:
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE metrics SET classification = ?, updated_at = ? WHERE id = ?`), string(c), now, metricID); err != nil {
			return 0, before, fmt.Errorf("make %s sensitive: %w", metricID, err)
		}
		// An open proposal waiting for it is moot.
		if _, err := tx.ExecContext(ctx, s.rebind(`
			UPDATE classification_proposals SET status = 'withdrawn', decided_by = ?, decided_at = ?, note = 'the measure was made sensitive'
			WHERE metric_id = ? AND status = 'pending'`), by, now, metricID); err != nil {
			return 0, before, fmt.Errorf("withdraw proposals: %w", err)
		}
	default:
		if err := proposeClassification(ctx, s, tx, metricID, c, 0, reason, by, now); err != nil {
			return 0, before, err
		}
		if err := tx.GetContext(ctx, &id, s.rebind(`SELECT id FROM classification_proposals WHERE metric_id = ? AND status = 'pending'`), metricID); err != nil {
			return 0, before, fmt.Errorf("propose classification: %w", err)
		}
	}
	return id, before, tx.Commit()
}

// Decision is a person's answer to a proposal.
type Decision struct {
	Approve bool
	By      string
	Note    string
	// TwoPerson refuses an approval by the person who proposed the
	// change (or uploaded the file that did).
	TwoPerson bool
}

// DecideProposal approves or refuses a waiting proposal. Approval gives
// the measure the proposed classification at once, in the same
// transaction. A proposal already decided gives ECONFLICT; the proposer
// approving their own, under the two-person rule, EFORBIDDEN.
func (s *Store) DecideProposal(ctx context.Context, id int64, d Decision) (Proposal, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return Proposal{}, fmt.Errorf("decide proposal %d: %w", id, err)
	}
	defer tx.Rollback()
	p, err := s.getProposal(ctx, tx, id)
	if err != nil {
		return p, err
	}
	if p.Status != ProposalPending {
		return p, metrics.Errorf(metrics.ECONFLICT, "proposal %d was already %s by %s", id, p.Status, p.DecidedBy)
	}
	if d.Approve && d.TwoPerson && d.By == p.ProposedBy {
		return p, metrics.Errorf(metrics.EFORBIDDEN, "%s proposed this change, so someone else must approve it (the two-person rule)", d.By)
	}
	status := ProposalRefused
	if d.Approve {
		status = ProposalApproved
	}
	now := formatTime(s.now())
	if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE classification_proposals SET status = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ?`),
		status, d.By, now, d.Note, id); err != nil {
		return p, fmt.Errorf("decide proposal %d: %w", id, err)
	}
	if d.Approve {
		m, err := s.getVisibleMetric(ctx, tx, metrics.Everything, p.MetricID)
		if err != nil {
			return p, err
		}
		m.Classification = p.Classification
		if err := s.checkDerivedOpen(ctx, tx, m); err != nil {
			return p, err
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE metrics SET classification = ?, updated_at = ? WHERE id = ?`),
			string(p.Classification), now, p.MetricID); err != nil {
			return p, fmt.Errorf("classify %s: %w", p.MetricID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return p, fmt.Errorf("decide proposal %d: %w", id, err)
	}
	p.Status, p.DecidedBy, p.Note = status, d.By, d.Note
	p.DecidedAt, _ = parseTime(now)
	return p, nil
}

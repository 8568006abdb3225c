package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/assure-pcc/assure/metrics"
)

// Alerts: subscriptions, webhooks, the events raised and their
// deliveries. Who may be told is decided in the queries: an event about
// a sensitive measure, or about finance, is queued only for an active
// user's subscription or a webhook an administrator cleared for
// sensitive data, and is checked again when it is sent.

// Subscription is a user's choice of alerts.
type Subscription struct {
	ID       int64
	UserID   int64
	UserName string
	Email    string
	Kinds    []metrics.AlertKind
	// Daily sends one digest a day instead of each alert at once.
	Daily bool
}

// Webhook is a receiver of alerts, set up by an administrator.
type Webhook struct {
	ID               int64
	Name, URL        string
	Secret           string
	Kinds            []metrics.AlertKind
	ClearedSensitive bool
	Disabled         bool
	CreatedBy        string
	CreatedAt        time.Time
}

// Subscription returns a user's subscription; ENOTFOUND when they have
// none.
func (s *Store) Subscription(ctx context.Context, userID int64) (Subscription, error) {
	var r struct {
		ID       int64  `db:"id"`
		Email    string `db:"email"`
		Kinds    string `db:"kinds"`
		Delivery string `db:"delivery"`
	}
	err := s.rdb.GetContext(ctx, &r, s.rebind(`SELECT id, email, kinds, delivery FROM alert_subscriptions WHERE user_id = ?`), userID)
	if errors.Is(err, sql.ErrNoRows) {
		return Subscription{}, metrics.Errorf(metrics.ENOTFOUND, "no subscription")
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("subscription: %w", err)
	}
	kinds, _ := metrics.ParseAlertKinds(r.Kinds)
	return Subscription{ID: r.ID, UserID: userID, Email: r.Email, Kinds: kinds, Daily: r.Delivery == "daily"}, nil
}

// validEmail is a plain check of an address: one @, a dot in the
// domain, no spaces or control characters.
func validEmail(a string) error {
	at := strings.LastIndexByte(a, '@')
	if len(a) > 254 || at < 1 || !strings.Contains(a[at+1:], ".") || strings.ContainsAny(a, " \t\r\n<>,;\"") {
		return metrics.Errorf(metrics.EINVALID, "%q is not an e-mail address such as name@example.police.uk", a)
	}
	return nil
}

// SaveSubscription sets a user's subscription (one per user).
func (s *Store) SaveSubscription(ctx context.Context, sub Subscription) error {
	sub.Email = strings.TrimSpace(sub.Email)
	if err := validEmail(sub.Email); err != nil {
		return err
	}
	delivery := "immediate"
	if sub.Daily {
		delivery = "daily"
	}
	now := formatTime(s.now())
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO alert_subscriptions (user_id, email, kinds, delivery, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, kinds = excluded.kinds, delivery = excluded.delivery, updated_at = excluded.updated_at`),
		sub.UserID, sub.Email, metrics.JoinAlertKinds(sub.Kinds), delivery, now, now)
	if err != nil {
		return fmt.Errorf("save subscription: %w", err)
	}
	return nil
}

// DeleteSubscription ends a user's subscription; its waiting deliveries
// go with it.
func (s *Store) DeleteSubscription(ctx context.Context, userID int64) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`DELETE FROM alert_subscriptions WHERE user_id = ?`), userID)
	return err
}

type webhookRow struct {
	ID        int64  `db:"id"`
	Name      string `db:"name"`
	URL       string `db:"url"`
	Secret    string `db:"secret"`
	Kinds     string `db:"kinds"`
	Cleared   int    `db:"cleared_sensitive"`
	Disabled  int    `db:"disabled"`
	CreatedBy string `db:"created_by"`
	CreatedAt string `db:"created_at"`
}

func (r webhookRow) webhook() Webhook {
	kinds, _ := metrics.ParseAlertKinds(r.Kinds)
	at, _ := parseTime(r.CreatedAt)
	return Webhook{ID: r.ID, Name: r.Name, URL: r.URL, Secret: r.Secret, Kinds: kinds, ClearedSensitive: r.Cleared == 1, Disabled: r.Disabled == 1, CreatedBy: r.CreatedBy, CreatedAt: at}
}

// Webhooks lists the webhooks, for administrators.
func (s *Store) Webhooks(ctx context.Context) ([]Webhook, error) {
	var rows []webhookRow
	if err := s.rdb.SelectContext(ctx, &rows, `SELECT id, name, url, secret, kinds, cleared_sensitive, disabled, created_by, created_at FROM alert_webhooks ORDER BY id`); err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	out := make([]Webhook, len(rows))
	for i, r := range rows {
		out[i] = r.webhook()
	}
	return out, nil
}

// AddWebhook adds a webhook and returns its id.
func (s *Store) AddWebhook(ctx context.Context, w Webhook) (int64, error) {
	now := formatTime(s.now())
	var id int64
	err := s.db.GetContext(ctx, &id, s.rebind(`INSERT INTO alert_webhooks (name, url, secret, kinds, cleared_sensitive, disabled, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id`), w.Name, w.URL, w.Secret, metrics.JoinAlertKinds(w.Kinds), boolInt(w.ClearedSensitive), w.CreatedBy, now, now)
	if err != nil {
		return 0, fmt.Errorf("add webhook: %w", err)
	}
	return id, nil
}

// SetWebhook changes a webhook's kinds, clearance and whether it is
// disabled, and returns it as it was. An unknown id gives ENOTFOUND.
func (s *Store) SetWebhook(ctx context.Context, id int64, kinds []metrics.AlertKind, cleared, disabled bool) (Webhook, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return Webhook{}, err
	}
	defer tx.Rollback()
	var r webhookRow
	err = tx.GetContext(ctx, &r, s.rebind(`SELECT id, name, url, secret, kinds, cleared_sensitive, disabled, created_by, created_at FROM alert_webhooks WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Webhook{}, metrics.Errorf(metrics.ENOTFOUND, "There is no webhook %d.", id)
	}
	if err != nil {
		return Webhook{}, err
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE alert_webhooks SET kinds = ?, cleared_sensitive = ?, disabled = ?, updated_at = ? WHERE id = ?`),
		metrics.JoinAlertKinds(kinds), boolInt(cleared), boolInt(disabled), formatTime(s.now()), id); err != nil {
		return Webhook{}, err
	}
	return r.webhook(), tx.Commit()
}

// DeleteWebhook removes a webhook and what waits for it.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, s.rebind(`DELETE FROM alert_webhooks WHERE id = ?`), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return metrics.Errorf(metrics.ENOTFOUND, "There is no webhook %d.", id)
	}
	return nil
}

// AlertCursor is what the alerts last looked at: the data version and
// day, and the standing then (JSON, the caller's).
type AlertCursor struct {
	DataVersion int64
	Day         string
	State       []byte
}

// AdvanceAlerts moves the alerts on: in one transaction it reads the
// cursor (found is false the first time), calls next with it, and, when
// next says to, stores the new cursor and the events it returns, each
// once (an event whose Dedupe was raised before is skipped), with a
// delivery for every subscription and webhook that asked for its kind
// and may be told. It returns the events stored. Two servers advancing
// at once take turns, and the second sees the first's cursor.
func (s *Store) AdvanceAlerts(ctx context.Context, next func(cur AlertCursor, found bool) (AlertCursor, []metrics.AlertEvent, bool, error)) ([]metrics.AlertEvent, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	defer tx.Rollback()
	var r struct {
		DataVersion int64  `db:"data_version"`
		Day         string `db:"day"`
		State       string `db:"state"`
	}
	err = tx.GetContext(ctx, &r, `SELECT data_version, day, state FROM alert_state WHERE id = 1`+s.forUpdate())
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	if !found && s.dialect == Postgres {
		// Two servers starting at once: the first insert wins.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE alert_state IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return nil, err
		}
		if err := tx.GetContext(ctx, &r, `SELECT data_version, day, state FROM alert_state WHERE id = 1`); err == nil {
			found = true
		}
	}
	nc, events, write, err := next(AlertCursor{DataVersion: r.DataVersion, Day: r.Day, State: []byte(r.State)}, found)
	if err != nil || !write {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO alert_state (id, data_version, day, state) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET data_version = excluded.data_version, day = excluded.day, state = excluded.state`),
		nc.DataVersion, nc.Day, string(nc.State)); err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	now := formatTime(s.now())
	var stored []metrics.AlertEvent
	for _, e := range events {
		var id int64
		err := tx.GetContext(ctx, &id, s.rebind(`INSERT INTO alert_events (kind, metric_id, classification, subject, body, payload, dedupe, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe) DO NOTHING RETURNING id`),
			string(e.Kind), nullable(e.MetricID), string(e.Classification), e.Subject, e.Body, eventPayload(e), e.Dedupe, now)
		if errors.Is(err, sql.ErrNoRows) {
			continue // raised before
		}
		if err != nil {
			return nil, fmt.Errorf("alert event: %w", err)
		}
		like := "%," + string(e.Kind) + ",%"
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO alert_deliveries (event_id, subscription_id, status, next_attempt_at)
			SELECT ?, sub.id, CASE WHEN sub.delivery = 'daily' THEN 'digest' ELSE 'pending' END, ?
			FROM alert_subscriptions sub JOIN users u ON u.id = sub.user_id
			WHERE u.disabled = 0 AND (',' || sub.kinds || ',') LIKE ? AND (? = 'open' OR u.role IN ('board', 'finance', 'analyst', 'admin'))`),
			id, now, like, string(e.Classification)); err != nil {
			return nil, fmt.Errorf("alert deliveries: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO alert_deliveries (event_id, webhook_id, status, next_attempt_at)
			SELECT ?, w.id, 'pending', ? FROM alert_webhooks w
			WHERE w.disabled = 0 AND (',' || w.kinds || ',') LIKE ? AND (? = 'open' OR w.cleared_sensitive = 1)`),
			id, now, like, string(e.Classification)); err != nil {
			return nil, fmt.Errorf("alert deliveries: %w", err)
		}
		stored = append(stored, e)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	return stored, nil
}

// Delivery is one alert to send, with where to send it.
type Delivery struct {
	ID       int64
	Attempts int
	Event    metrics.AlertEvent
	EventID  int64
	At       time.Time
	// Email and UserName are set for a subscription, URL and Secret for
	// a webhook.
	Email, UserName string
	SubscriptionID  int64
	WebhookID       int64
	URL, Secret     string
}

type deliveryRow struct {
	ID             int64          `db:"id"`
	Attempts       int            `db:"attempts"`
	EventID        int64          `db:"event_id"`
	Kind           string         `db:"kind"`
	MetricID       sql.NullString `db:"metric_id"`
	Classification string         `db:"classification"`
	Subject        string         `db:"subject"`
	Body           string         `db:"body"`
	Dedupe         string         `db:"dedupe"`
	CreatedAt      string         `db:"created_at"`
	SubscriptionID sql.NullInt64  `db:"subscription_id"`
	Email          sql.NullString `db:"email"`
	UserName       sql.NullString `db:"user_name"`
	WebhookID      sql.NullInt64  `db:"webhook_id"`
	URL            sql.NullString `db:"url"`
	Secret         sql.NullString `db:"secret"`
}

func (r deliveryRow) delivery() Delivery {
	at, _ := parseTime(r.CreatedAt)
	return Delivery{ID: r.ID, Attempts: r.Attempts, EventID: r.EventID, At: at,
		Event: metrics.AlertEvent{Kind: metrics.AlertKind(r.Kind), MetricID: r.MetricID.String, Classification: metrics.Classification(r.Classification),
			Subject: r.Subject, Body: r.Body, Dedupe: r.Dedupe},
		SubscriptionID: r.SubscriptionID.Int64, Email: r.Email.String, UserName: r.UserName.String,
		WebhookID: r.WebhookID.Int64, URL: r.URL.String, Secret: r.Secret.String}
}

// deliveryFrom joins a delivery d to its event e and its subscriber
// (sub and u) or webhook w.
const deliveryFrom = `FROM alert_deliveries d
	JOIN alert_events e ON e.id = d.event_id
	LEFT JOIN alert_subscriptions sub ON sub.id = d.subscription_id
	LEFT JOIN users u ON u.id = sub.user_id
	LEFT JOIN alert_webhooks w ON w.id = d.webhook_id`

// deliveryCleared is true for a delivery whose receiver may still be
// told: an active user, or a webhook not disabled; for a sensitive
// event, a webhook still cleared for it.
const deliveryCleared = `((sub.id IS NOT NULL AND u.disabled = 0)
	OR (w.id IS NOT NULL AND w.disabled = 0 AND (e.classification = 'open' OR w.cleared_sensitive = 1)))`

const deliveryColumns = `d.id, d.attempts, d.event_id, e.kind, e.metric_id, e.classification, e.subject, e.body, e.dedupe, e.created_at,
	d.subscription_id, sub.email, u.name AS user_name, d.webhook_id, w.url, w.secret`

// ClaimDeliveries returns up to limit deliveries due at now (pending,
// next attempt at or before now) whose receiver may be told, and holds
// them for lease: another server does not take them meanwhile. Those
// due whose receiver may no longer be told (disabled, or no longer
// cleared) fail at once, unsent.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	nowText := formatTime(now)
	if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE alert_deliveries SET status = 'failed', last_error = 'withheld: the receiver is no longer cleared for it'
		WHERE status IN ('pending', 'digest') AND id IN (SELECT d.id `+deliveryFrom+` WHERE NOT `+deliveryCleared+`)`)); err != nil {
		return nil, fmt.Errorf("withhold deliveries: %w", err)
	}
	var rows []deliveryRow
	if err := tx.SelectContext(ctx, &rows, s.rebind(`SELECT `+deliveryColumns+` `+deliveryFrom+`
		WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND `+deliveryCleared+`
		ORDER BY d.next_attempt_at, d.id LIMIT ?`+s.lockDeliveries()), nowText, limit); err != nil {
		return nil, fmt.Errorf("due deliveries: %w", err)
	}
	out := make([]Delivery, len(rows))
	for i, r := range rows {
		out[i] = r.delivery()
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE alert_deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending'`),
			formatTime(now.Add(lease)), r.ID); err != nil {
			return nil, err
		}
	}
	return out, tx.Commit()
}

// DigestDeliveries returns the deliveries waiting for a daily digest
// whose subscriber may still be told, by subscription, and holds them
// for lease as ClaimDeliveries does, so that two servers do not both
// send a digest.
func (s *Store) DigestDeliveries(ctx context.Context, now time.Time, lease time.Duration) (map[int64][]Delivery, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var rows []deliveryRow
	if err := tx.SelectContext(ctx, &rows, s.rebind(`SELECT `+deliveryColumns+` `+deliveryFrom+`
		WHERE d.status = 'digest' AND d.next_attempt_at <= ? AND `+deliveryCleared+` ORDER BY d.subscription_id, d.id`+s.lockDeliveries()), formatTime(now)); err != nil {
		return nil, fmt.Errorf("digest deliveries: %w", err)
	}
	out := map[int64][]Delivery{}
	for _, r := range rows {
		d := r.delivery()
		out[d.SubscriptionID] = append(out[d.SubscriptionID], d)
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE alert_deliveries SET next_attempt_at = ? WHERE id = ?`), formatTime(now.Add(lease)), r.ID); err != nil {
			return nil, err
		}
	}
	return out, tx.Commit()
}

// lockDeliveries ends a SELECT of deliveries that another server may be
// claiming at the same moment: on PostgreSQL it locks the deliveries
// read and passes over those another transaction holds. SQLite's writer
// runs one transaction at a time.
func (s *Store) lockDeliveries() string {
	if s.dialect == Postgres {
		return " FOR UPDATE OF d SKIP LOCKED"
	}
	return ""
}

// DeliverySent marks deliveries sent at now.
func (s *Store) DeliverySent(ctx context.Context, now time.Time, ids ...int64) error {
	for _, id := range ids {
		if _, err := s.db.ExecContext(ctx, s.rebind(`UPDATE alert_deliveries SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?`),
			formatTime(now), id); err != nil {
			return err
		}
	}
	return nil
}

// DeliveryFailed records a failed attempt: tried again at retry, or, when
// retry is zero, given up.
func (s *Store) DeliveryFailed(ctx context.Context, id int64, cause string, retry time.Time) error {
	status := "pending"
	next := formatTime(retry)
	if retry.IsZero() {
		status, next = "failed", formatTime(s.now())
	}
	if len(cause) > 500 {
		cause = cause[:500]
	}
	_, err := s.db.ExecContext(ctx, s.rebind(`UPDATE alert_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?`),
		status, next, cause, id)
	return err
}

// DeliveryStatus is a delivery as the alerts page lists it.
type DeliveryStatus struct {
	ID                     int64
	Subject, To, Status    string
	Attempts               int
	LastError              string
	Classification         string
	CreatedAt, NextAttempt string
}

// RecentDeliveries lists the latest deliveries, for administrators.
func (s *Store) RecentDeliveries(ctx context.Context, limit int) ([]DeliveryStatus, error) {
	var rows []struct {
		ID             int64          `db:"id"`
		Subject        string         `db:"subject"`
		Email          sql.NullString `db:"email"`
		Name           sql.NullString `db:"name"`
		Status         string         `db:"status"`
		Attempts       int            `db:"attempts"`
		LastError      string         `db:"last_error"`
		Classification string         `db:"classification"`
		CreatedAt      string         `db:"created_at"`
		Next           string         `db:"next_attempt_at"`
	}
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &rows, s.rebind(`SELECT d.id, e.subject, sub.email, w.name, d.status, d.attempts, d.last_error, e.classification, e.created_at, d.next_attempt_at
			`+deliveryFrom+` ORDER BY d.id DESC LIMIT ?`), limit)
	})
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	out := make([]DeliveryStatus, len(rows))
	for i, r := range rows {
		to := r.Email.String
		if to == "" {
			to = "webhook " + r.Name.String
		}
		out[i] = DeliveryStatus{ID: r.ID, Subject: r.Subject, To: to, Status: r.Status, Attempts: r.Attempts, LastError: r.LastError,
			Classification: r.Classification, CreatedAt: r.CreatedAt, NextAttempt: r.Next}
	}
	return out, nil
}

// eventPayload is the event as JSON, kept beside it.
func eventPayload(e metrics.AlertEvent) string {
	b, err := json.Marshal(map[string]string{"kind": string(e.Kind), "metric": e.MetricID, "classification": string(e.Classification),
		"subject": e.Subject, "text": e.Body})
	if err != nil {
		return "{}"
	}
	return string(b)
}

package dashboard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/boardpack"
	"github.com/assure-pcc/assure/dashboard/notify"
	"github.com/assure-pcc/assure/dashboard/view"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// Alerts. After every change to the figures (an upload on any server,
// through the page, the API, the command line or the drop folder), and
// once a day for what falls overdue, the standing of every measure and
// of the revenue forecast is compared with what was last seen; each new
// special cause of concern, measure turning red, revenue forecast past
// its threshold and measure falling overdue is an event, raised once.
// Subscribers are told by e-mail, at once or in a daily digest, and
// webhooks by signed JSON, retried with backoff. An event about a
// sensitive measure or about finance goes only to active users and to
// webhooks an administrator cleared for sensitive data; with
// SensitiveDomains set, only to addresses in those domains.

// AlertConfig sets up the alerts.
type AlertConfig struct {
	// SMTP is the mail server; e-mail is off while it has no host.
	SMTP notify.SMTP
	// SensitiveDomains, when set, are the only e-mail domains a
	// sensitive alert is sent to (such as a secure police domain).
	SensitiveDomains []string
	// Interval is how often the alerts look for changes and send what
	// waits; 30 s if zero.
	Interval time.Duration
	// DigestHour is the hour (UTC) after which the daily digests go.
	DigestHour int
	// RetryBase is the wait before the first retry, doubled each time
	// (one minute if zero); MaxAttempts the attempts before giving up
	// (8 if zero).
	RetryBase   time.Duration
	MaxAttempts int
	// HTTPClient posts to webhooks; see notify.Poster.
	HTTPClient *http.Client
	// BaseURL, when set, makes the links in e-mails absolute.
	BaseURL string
}

type alerter struct {
	s      *Server
	cfg    AlertConfig
	poster notify.Poster
	// mu makes one look at a time in this process.
	mu         sync.Mutex
	lastDigest string
}

func newAlerter(s *Server, cfg AlertConfig) *alerter {
	if cfg.Interval == 0 {
		cfg.Interval = 30 * time.Second
	}
	if cfg.RetryBase == 0 {
		cfg.RetryBase = time.Minute
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 8
	}
	return &alerter{s: s, cfg: cfg, poster: notify.Poster{Client: cfg.HTTPClient}}
}

// RunAlerts looks for alerts and sends them every Interval until ctx
// ends. Errors are logged, and the next round tries again.
func (s *Server) RunAlerts(ctx context.Context) {
	t := time.NewTicker(s.alerts.cfg.Interval)
	defer t.Stop()
	for {
		if err := s.AlertRound(ctx); err != nil && ctx.Err() == nil {
			s.logger.Warn("alerts", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// AlertRound looks for new alerts, sends what is due, and the daily
// digests once their hour has come.
func (s *Server) AlertRound(ctx context.Context) error {
	a := s.alerts
	a.mu.Lock()
	defer a.mu.Unlock()
	now := s.now().UTC()
	if _, err := a.scan(ctx, now); err != nil {
		return fmt.Errorf("look for alerts: %w", err)
	}
	if err := a.dispatch(ctx, now); err != nil {
		return fmt.Errorf("send alerts: %w", err)
	}
	if day := now.Format(time.DateOnly); now.Hour() >= a.cfg.DigestHour && a.lastDigest != day {
		if err := a.digests(ctx, now); err != nil {
			return fmt.Errorf("send digests: %w", err)
		}
		a.lastDigest = day
	}
	return nil
}

// alertState is the standing alerts compare, as the board would see it
// at the end of day.
func (a *alerter) alertState(ctx context.Context, day time.Time) (metrics.AlertState, error) {
	s, scope := a.s, metrics.Everything
	ms, err := s.store.ListMetrics(ctx, scope)
	if err != nil {
		return metrics.AlertState{}, err
	}
	home := s.settings(ctx).HomeArea
	series, err := view.HeadlineSeries(ctx, s.store, scope, time.Time{}, home)
	if err != nil {
		return metrics.AlertState{}, err
	}
	next := day.AddDate(0, 0, 1)
	st := metrics.AlertState{Pack: boardpack.StateOf(ms, series, next, home)}
	if st.Pack.Finance, err = s.packSource().FinanceState(ctx, scope, boardpack.FarFuture, next); err != nil {
		return st, err
	}
	latest, err := s.store.Latest(ctx, scope)
	if err != nil {
		return st, err
	}
	fresh, err := s.freshnessOn(ctx, scope, day)
	if err != nil {
		return st, err
	}
	st.Late = fresh.lateList(latest)
	return st, nil
}

// scan compares the standing now with what was last seen, when the
// figures or the day have changed since, and raises what is new. The
// first look raises nothing: it only learns the standing.
func (a *alerter) scan(ctx context.Context, now time.Time) ([]metrics.AlertEvent, error) {
	s := a.s
	dv, err := s.store.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	day := metrics.Day(now)
	dayText := day.Format(time.DateOnly)
	var seen store.AlertCursor
	var seenFound bool
	// What was seen, read first, so that the standing is worked out
	// outside the writing transaction.
	if _, err := s.store.AdvanceAlerts(ctx, func(cur store.AlertCursor, found bool) (store.AlertCursor, []metrics.AlertEvent, bool, error) {
		seen, seenFound = cur, found
		return cur, nil, false, nil
	}); err != nil {
		return nil, err
	}
	if seenFound && seen.DataVersion == dv && seen.Day == dayText {
		return nil, nil
	}
	st, err := a.alertState(ctx, day)
	if err != nil {
		return nil, err
	}
	var events []metrics.AlertEvent
	if seenFound {
		var was metrics.AlertState
		if err := json.Unmarshal(seen.State, &was); err == nil {
			events = metrics.AlertsBetween(was, st)
		}
	}
	state, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	stored, err := s.store.AdvanceAlerts(ctx, func(cur store.AlertCursor, found bool) (store.AlertCursor, []metrics.AlertEvent, bool, error) {
		if found != seenFound || cur.DataVersion != seen.DataVersion || cur.Day != seen.Day {
			return cur, nil, false, nil // another server looked meanwhile
		}
		return store.AlertCursor{DataVersion: dv, Day: dayText, State: state}, events, true, nil
	})
	for _, e := range stored {
		s.logger.Info("alert", "kind", e.Kind, "metric", e.MetricID, "subject", e.Subject)
	}
	return stored, err
}

// cleared reports whether an address may be sent an event: an open one
// always; a sensitive one when no domains are set, or the address is in
// one of them.
func (a *alerter) cleared(email string, c metrics.Classification) bool {
	if c == metrics.Open || len(a.cfg.SensitiveDomains) == 0 {
		return true
	}
	domain := strings.ToLower(email[strings.LastIndexByte(email, '@')+1:])
	for _, d := range a.cfg.SensitiveDomains {
		d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// link makes a path absolute when BaseURL is set.
func (a *alerter) link(path string) string {
	return strings.TrimSuffix(a.cfg.BaseURL, "/") + path
}

func (a *alerter) mailBody(d store.Delivery) string {
	var b strings.Builder
	if d.Event.Classification == metrics.Sensitive {
		b.WriteString("OFFICIAL-SENSITIVE\n\n")
	}
	b.WriteString(d.Event.Body + "\n\n")
	if d.Event.MetricID != "" {
		b.WriteString("The measure: " + a.link("/metrics/"+d.Event.MetricID) + "\n")
	} else if d.Event.Kind == metrics.AlertFinance {
		b.WriteString("The finance monitoring: " + a.link("/finance") + "\n")
	}
	b.WriteString("\nSent by Assure because you asked for these alerts: " + a.link("/alerts") + "\n")
	return b.String()
}

// webhookPayload is the JSON a webhook receives.
type webhookPayload struct {
	Delivery       int64     `json:"delivery"`
	Event          int64     `json:"event"`
	Kind           string    `json:"kind"`
	Metric         string    `json:"metric,omitempty"`
	Classification string    `json:"classification"`
	Subject        string    `json:"subject"`
	Text           string    `json:"text"`
	RaisedAt       time.Time `json:"raised_at"`
}

// dispatch sends every delivery due, retrying a failure with backoff
// until MaxAttempts.
func (a *alerter) dispatch(ctx context.Context, now time.Time) error {
	st := a.s.store
	for {
		due, err := st.ClaimDeliveries(ctx, now, 2*time.Minute, 50)
		if err != nil || len(due) == 0 {
			return err
		}
		for _, d := range due {
			var sendErr error
			switch {
			case d.WebhookID != 0:
				body, err := json.Marshal(webhookPayload{Delivery: d.ID, Event: d.EventID, Kind: string(d.Event.Kind), Metric: d.Event.MetricID,
					Classification: string(d.Event.Classification), Subject: d.Event.Subject, Text: d.Event.Body, RaisedAt: d.At})
				if err != nil {
					return err
				}
				sendErr = a.poster.Post(ctx, d.URL, d.Secret, d.ID, string(d.Event.Kind), body, now)
			case !a.cleared(d.Email, d.Event.Classification):
				if err := st.DeliveryFailed(ctx, d.ID, "withheld: the address is not in a domain cleared for sensitive alerts", time.Time{}); err != nil {
					return err
				}
				continue
			default:
				sendErr = a.cfg.SMTP.Send(ctx, d.Email, d.Event.Subject, a.mailBody(d), now)
			}
			if sendErr == nil {
				if err := st.DeliverySent(ctx, now, d.ID); err != nil {
					return err
				}
				continue
			}
			var retry time.Time
			if d.Attempts+1 < a.cfg.MaxAttempts {
				retry = now.Add(a.cfg.RetryBase << min(d.Attempts, 20))
			}
			a.s.logger.Warn("alert not sent", "delivery", d.ID, "attempt", d.Attempts+1, "err", sendErr)
			if err := st.DeliveryFailed(ctx, d.ID, sendErr.Error(), retry); err != nil {
				return err
			}
		}
	}
}

// digests sends each daily subscriber one message with every alert that
// waited for it.
func (a *alerter) digests(ctx context.Context, now time.Time) error {
	st := a.s.store
	bySub, err := st.DigestDeliveries(ctx, now, 10*time.Minute)
	if err != nil {
		return err
	}
	for _, ds := range bySub {
		var b strings.Builder
		var ids []int64
		sensitive := false
		for _, d := range ds {
			if !a.cleared(d.Email, d.Event.Classification) {
				if err := st.DeliveryFailed(ctx, d.ID, "withheld: the address is not in a domain cleared for sensitive alerts", time.Time{}); err != nil {
					return err
				}
				continue
			}
			if d.Event.Classification == metrics.Sensitive {
				sensitive = true
			}
			fmt.Fprintf(&b, "- %s\n  %s\n\n", d.Event.Subject, d.Event.Body)
			ids = append(ids, d.ID)
		}
		if len(ids) == 0 {
			continue
		}
		body := b.String()
		if sensitive {
			body = "OFFICIAL-SENSITIVE\n\n" + body
		}
		body += "Sent by Assure because you asked for a daily digest of these alerts: " + a.link("/alerts") + "\n"
		subject := fmt.Sprintf("Assure: %d alerts, %s", len(ids), now.Format("2 January 2006"))
		if len(ids) == 1 {
			subject = "Assure: 1 alert, " + now.Format("2 January 2006")
		}
		if err := a.cfg.SMTP.Send(ctx, ds[0].Email, subject, body, now); err != nil {
			a.s.logger.Warn("digest not sent", "to", ds[0].UserName, "err", err)
			continue // tried again at the next round
		}
		if err := st.DeliverySent(ctx, now, ids...); err != nil {
			return err
		}
	}
	return nil
}

// The pages: each user's choice of alerts, and the administrators'
// webhooks.

type alertsPage struct {
	Page
	Kinds      []alertKindChoice
	Email      string
	Daily      bool
	Subscribed bool
	MailReady  bool
	Notice     string
	Restricted string
}

type alertKindChoice struct {
	Kind    metrics.AlertKind
	Word    string
	Checked bool
}

func (s *Server) handleAlerts(c echo.Context) error {
	u := auth.User(c)
	sub, err := s.store.Subscription(c.Request().Context(), u.ID)
	if err != nil && metrics.ErrorCode(err) != metrics.ENOTFOUND {
		return err
	}
	p := alertsPage{Page: s.page(c, "Alerts"), Email: sub.Email, Daily: sub.Daily, Subscribed: err == nil, MailReady: s.alerts.cfg.SMTP.Configured(),
		Notice: c.QueryParam("notice"), Restricted: strings.Join(s.alerts.cfg.SensitiveDomains, ", ")}
	for _, k := range metrics.AlertKinds {
		p.Kinds = append(p.Kinds, alertKindChoice{Kind: k, Word: k.Word(), Checked: slices.Contains(sub.Kinds, k)})
	}
	return s.renderOK(c, "alerts", p)
}

// formAlertKinds reads the kinds of alert a form ticked (kind=, once
// each), refusing one there is no such kind of.
func formAlertKinds(c echo.Context) ([]metrics.AlertKind, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, err
	}
	return metrics.ParseAlertKinds(form["kind"]...)
}

func (s *Server) handleAlertsSave(c echo.Context) error {
	u := auth.User(c)
	kinds, err := formAlertKinds(c)
	if err != nil {
		return err
	}
	if len(kinds) == 0 {
		return metrics.Errorf(metrics.EINVALID, "Choose at least one kind of alert, or unsubscribe.")
	}
	sub := store.Subscription{UserID: u.ID, Email: c.FormValue("email"), Kinds: kinds, Daily: c.FormValue("delivery") == "daily"}
	if err := s.store.SaveSubscription(c.Request().Context(), sub); err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditAlerts, fmt.Sprintf("subscribed %s to %s (%s)", strings.TrimSpace(sub.Email), metrics.JoinAlertKinds(kinds), c.FormValue("delivery")))
	return c.Redirect(http.StatusSeeOther, "/alerts?notice=saved")
}

func (s *Server) handleAlertsDelete(c echo.Context) error {
	u := auth.User(c)
	if err := s.store.DeleteSubscription(c.Request().Context(), u.ID); err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditAlerts, "unsubscribed from alerts")
	return c.Redirect(http.StatusSeeOther, "/alerts?notice=unsubscribed")
}

type adminAlertsPage struct {
	Page
	Webhooks   []webhookView
	Deliveries []store.DeliveryStatus
	Kinds      []metrics.AlertKind
	// Secret is a new webhook's secret, shown once.
	Secret, SecretFor string
	Notice            string
}

type webhookView struct {
	store.Webhook
	KindSet map[metrics.AlertKind]bool
}

func (s *Server) handleAdminAlerts(c echo.Context) error {
	ctx := c.Request().Context()
	hooks, err := s.store.Webhooks(ctx)
	if err != nil {
		return err
	}
	ds, err := s.store.RecentDeliveries(ctx, 50)
	if err != nil {
		return err
	}
	p := adminAlertsPage{Page: s.page(c, "Alerts: webhooks"), Deliveries: ds, Kinds: metrics.AlertKinds, Notice: c.QueryParam("notice")}
	p.Sensitive = true
	for _, h := range hooks {
		v := webhookView{Webhook: h, KindSet: map[metrics.AlertKind]bool{}}
		v.Secret = ""
		for _, k := range h.Kinds {
			v.KindSet[k] = true
		}
		p.Webhooks = append(p.Webhooks, v)
	}
	return s.renderOK(c, "admin_alerts", p)
}

// webhookURL checks a webhook's address: http or https, with a host.
func webhookURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return "", metrics.Errorf(metrics.EINVALID, "%q is not a webhook address such as https://example.police.uk/hooks/assure.", raw)
	}
	return u.String(), nil
}

func (s *Server) handleAdminWebhookAdd(c echo.Context) error {
	u := auth.User(c)
	kinds, err := formAlertKinds(c)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(c.FormValue("name"))
	if name == "" || len(name) > 80 {
		return metrics.Errorf(metrics.EINVALID, "A webhook needs a name of up to 80 characters, such as Force performance team.")
	}
	addr, err := webhookURL(c.FormValue("url"))
	if err != nil {
		return err
	}
	var secret [32]byte
	_, _ = rand.Read(secret[:])
	w := store.Webhook{Name: name, URL: addr, Secret: hex.EncodeToString(secret[:]), Kinds: kinds, ClearedSensitive: c.FormValue("cleared") == "on", CreatedBy: u.Name}
	id, err := s.store.AddWebhook(c.Request().Context(), w)
	if err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditAlerts, fmt.Sprintf("added webhook %d %q to %s for %s, cleared for sensitive data: %t", id, name, addr, metrics.JoinAlertKinds(kinds), w.ClearedSensitive))
	p := adminAlertsPage{Page: s.page(c, "Webhook added"), Secret: w.Secret, SecretFor: name}
	return s.renderOK(c, "admin_secret_webhook", p)
}

func (s *Server) handleAdminWebhookEdit(c echo.Context) error {
	u := auth.User(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return metrics.Errorf(metrics.ENOTFOUND, "There is no such webhook.")
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if c.FormValue("delete") == "yes" {
		if err := s.store.DeleteWebhook(ctx, id); err != nil {
			return err
		}
		s.audit(c, u.Name, metrics.AuditAlerts, fmt.Sprintf("deleted webhook %d", id))
		return c.Redirect(http.StatusSeeOther, "/admin/alerts?notice=deleted")
	}
	kinds, err := metrics.ParseAlertKinds(form["kind"]...)
	if err != nil {
		return err
	}
	cleared, disabled := c.FormValue("cleared") == "on", c.FormValue("disabled") == "on"
	before, err := s.store.SetWebhook(ctx, id, kinds, cleared, disabled)
	if err != nil {
		return err
	}
	s.audit(c, u.Name, metrics.AuditAlerts, fmt.Sprintf("webhook %d %q: kinds %s → %s, cleared for sensitive data %t → %t, disabled %t → %t",
		id, before.Name, metrics.JoinAlertKinds(before.Kinds), metrics.JoinAlertKinds(kinds), before.ClearedSensitive, cleared, before.Disabled, disabled))
	return c.Redirect(http.StatusSeeOther, "/admin/alerts?notice=saved")
}

package dashboard

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/notify"
	"github.com/assure-pcc/assure/dashboard/notify/notifytest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// hookReceiver is a webhook on 127.0.0.1 that fails the first failures
// attempts at each delivery and keeps what it is sent, checking each
// signature.
type hookReceiver struct {
	*httptest.Server
	secret   string
	mu       sync.Mutex
	failures int
	got      []webhookPayload
	tries    int
	badSigs  int
	attempts map[string]int
}

func newHookReceiver(t *testing.T, failures int) *hookReceiver {
	h := &hookReceiver{failures: failures, attempts: map[string]int{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.tries++
		ts, _ := strconv.ParseInt(r.Header.Get("X-Assure-Timestamp"), 10, 64)
		if !notify.Verify(h.secret, ts, body, r.Header.Get("X-Assure-Signature")) {
			h.badSigs++
		}
		h.attempts[r.Header.Get("X-Assure-Delivery")]++
		if h.attempts[r.Header.Get("X-Assure-Delivery")] <= h.failures {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var p webhookPayload
		json.Unmarshal(body, &p)
		h.got = append(h.got, p)
	}))
	t.Cleanup(h.Close)
	return h
}

func subjectOf(t *testing.T, data string) string {
	for _, l := range strings.Split(data, "\r\n") {
		if strings.HasPrefix(l, "Subject: ") {
			s, err := new(mime.WordDecoder).DecodeHeader(strings.TrimPrefix(l, "Subject: "))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
	return ""
}

// An upload that turns a sensitive measure red with a new special cause
// tells the subscribers: by e-mail through an SMTP server on 127.0.0.1,
// at once or in the daily digest; a webhook cleared for sensitive data,
// retried with backoff until it answers; never a webhook not cleared,
// nor an address outside the cleared domains. Figures falling overdue
// are told too, once.
func TestAlertsReachSubscribers(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			mail := notifytest.Start(t, notify.TLSStartTLS)
			r := newCycleRig(t, d)
			r.srv.alerts.cfg.SMTP = notify.SMTP{Host: mail.Host, Port: mail.Port, TLS: notify.TLSStartTLS, From: "assure@force.police.uk", TLSConfig: mail.Client}
			r.srv.alerts.cfg.SensitiveDomains = []string{"police.uk"}
			r.srv.alerts.cfg.DigestHour = 7
			ctx := context.Background()
			eve := addUser(t, r.st, "eve", metrics.RoleBoard, boardPassword)
			ana, _, _ := r.st.UserByName(ctx, "ana")
			bob, _, _ := r.st.UserByName(ctx, "bob")
			for _, sub := range []store.Subscription{
				{UserID: bob.ID, Email: "bob@force.police.uk", Kinds: metrics.AlertKinds},
				{UserID: ana.ID, Email: "ana@force.police.uk", Kinds: []metrics.AlertKind{metrics.AlertRed, metrics.AlertConcern}, Daily: true},
				{UserID: eve.ID, Email: "eve@example.com", Kinds: metrics.AlertKinds},
			} {
				if err := r.st.SaveSubscription(ctx, sub); err != nil {
					t.Fatal(err)
				}
			}
			cleared, open := newHookReceiver(t, 2), newHookReceiver(t, 0)
			for _, h := range []struct {
				hook    *hookReceiver
				cleared bool
			}{{cleared, true}, {open, false}} {
				w := store.Webhook{Name: "hook", URL: h.hook.URL, Secret: "secret-" + strconv.FormatBool(h.cleared), Kinds: metrics.AlertKinds, ClearedSensitive: h.cleared, CreatedBy: "admin"}
				h.hook.secret = w.Secret
				if _, err := r.st.AddWebhook(ctx, w); err != nil {
					t.Fatal(err)
				}
			}
			round := func(at time.Time) {
				t.Helper()
				r.clock.set(at)
				if err := r.srv.AlertRound(ctx); err != nil {
					t.Fatal(err)
				}
			}
			r.ingest(t, "Q2.xlsx", cycleBookAs(t, false, "sensitive"))
			round(time.Date(2021, 10, 5, 6, 0, 0, 0, time.UTC)) // learns the standing
			if n := len(mail.Messages()); n != 0 {
				t.Fatalf("the first look sent %d messages", n)
			}
			r.clock.set(time.Date(2022, 1, 20, 6, 0, 0, 0, time.UTC))
			r.ingest(t, "Q3.xlsx", cycleBookAs(t, true, "sensitive"))
			t0 := time.Date(2022, 1, 20, 6, 1, 0, 0, time.UTC)
			round(t0)
			msgs := mail.Messages()
			var subjects []string
			for _, m := range msgs {
				if m.To[0] != "bob@force.police.uk" || !m.TLS || !strings.Contains(m.Data, "OFFICIAL-SENSITIVE") {
					t.Errorf("message to %v (TLS %t)", m.To, m.TLS)
				}
				subjects = append(subjects, subjectOf(t, m.Data))
			}
			if !contains(subjects, "Immediate response, urban is off target") || !contains(subjects, "Immediate response, urban: an unusual change of concern") {
				t.Errorf("subjects %q", subjects)
			}
			// The cleared hook failed once; the open hook was told nothing
			// sensitive; eve's address is outside the cleared domains.
			if cleared.tries != 2 || len(cleared.got) != 0 || open.tries != 0 {
				t.Errorf("hooks: cleared %d tries, open %d tries", cleared.tries, open.tries)
			}
			recent, _ := r.st.RecentDeliveries(ctx, 50)
			withheld := 0
			for _, dl := range recent {
				if dl.To == "eve@example.com" && dl.Status == "failed" && strings.HasPrefix(dl.LastError, "withheld") {
					withheld++
				}
			}
			if withheld == 0 {
				t.Errorf("eve's alerts were not withheld: %+v", recent)
			}
			// Retried after a minute (fails again), then two minutes more.
			round(t0.Add(time.Minute))
			round(t0.Add(2 * time.Minute)) // not yet due
			if cleared.tries != 4 || len(cleared.got) != 0 {
				t.Errorf("after two rounds the hook was tried %d times, want each alert twice", cleared.tries)
			}
			round(t0.Add(3 * time.Minute))
			if len(cleared.got) != 2 || cleared.tries != 6 || cleared.badSigs != 0 {
				t.Fatalf("the cleared hook got %+v (%d tries, %d bad signatures)", cleared.got, cleared.tries, cleared.badSigs)
			}
			for _, p := range cleared.got {
				if p.Classification != "sensitive" || p.Metric != "resp" || (p.Kind != "red" && p.Kind != "concern") {
					t.Errorf("payload %+v", p)
				}
			}
			// After 07:00 ana's digest goes, once, with both alerts.
			round(time.Date(2022, 1, 20, 7, 30, 0, 0, time.UTC))
			round(time.Date(2022, 1, 20, 8, 30, 0, 0, time.UTC))
			var digests []notifytest.Message
			for _, m := range mail.Messages() {
				if m.To[0] == "ana@force.police.uk" {
					digests = append(digests, m)
				}
			}
			if len(digests) != 1 || subjectOf(t, digests[0].Data) != "Assure: 2 alerts, 20 January 2022" || !strings.Contains(digests[0].Data, "off target") {
				t.Fatalf("digests %+v", digests)
			}
			// Nothing is raised twice: a later round with no change adds
			// nothing; January's figures falling overdue is one alert.
			before := len(mail.Messages())
			round(time.Date(2022, 1, 21, 9, 0, 0, 0, time.UTC))
			if len(mail.Messages()) != before {
				t.Errorf("a round with no change sent %d messages", len(mail.Messages())-before)
			}
			// February's figures were due on 21 March.
			round(time.Date(2022, 3, 21, 9, 0, 0, 0, time.UTC))
			if len(mail.Messages()) != before {
				t.Error("figures were called overdue on their due day")
			}
			round(time.Date(2022, 3, 22, 9, 0, 0, 0, time.UTC))
			round(time.Date(2022, 3, 23, 9, 0, 0, 0, time.UTC))
			overdue := 0
			for _, m := range mail.Messages()[before:] {
				if m.To[0] == "bob@force.police.uk" && strings.Contains(subjectOf(t, m.Data), "figures overdue") {
					overdue++
				}
			}
			if overdue != 2 { // resp and calls, each once
				t.Errorf("%d overdue alerts, want one for each measure", overdue)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

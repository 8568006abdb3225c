package notify_test

import (
	"context"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/notify"
	"github.com/assure-pcc/assure/dashboard/notify/notifytest"
)

// Mail goes through an SMTP server on 127.0.0.1 in each TLS mode, with
// the subject encoded and a header injection kept on its line.
func TestSendEachTLSMode(t *testing.T) {
	now := time.Date(2022, 2, 1, 9, 0, 0, 0, time.UTC)
	for _, mode := range []string{notify.TLSNone, notify.TLSStartTLS, notify.TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			srv := notifytest.Start(t, mode)
			m := notify.SMTP{Host: srv.Host, Port: srv.Port, TLS: mode, From: "assure@force.police.uk", TLSConfig: srv.Client, Username: "assure", Password: "pw"}
			if mode == notify.TLSNone {
				m.Username = "" // PLAIN is never sent in clear
			}
			subject := "Réponse time off target\r\nBcc: thief@example.com"
			if err := m.Send(context.Background(), "board@force.police.uk", subject, "Line one\nLine two, £404k", now); err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			got := msgs[0]
			if got.From != "assure@force.police.uk" || len(got.To) != 1 || got.To[0] != "board@force.police.uk" || got.TLS != (mode != notify.TLSNone) {
				t.Errorf("message %+v", got)
			}
			if mode != notify.TLSNone && !strings.HasPrefix(got.Auth, "AUTH PLAIN") {
				t.Errorf("no sign-in over TLS: %q", got.Auth)
			}
			var subj string
			for _, l := range strings.Split(got.Data, "\r\n") {
				if strings.HasPrefix(l, "Bcc:") {
					t.Errorf("a header was injected: %q", l)
				}
				if strings.HasPrefix(l, "Subject: ") {
					subj, _ = new(mime.WordDecoder).DecodeHeader(strings.TrimPrefix(l, "Subject: "))
				}
			}
			if subj != "Réponse time off target Bcc: thief@example.com" {
				t.Errorf("subject %q", subj)
			}
			if !strings.Contains(got.Data, "Line two, =C2=A3404k") {
				t.Errorf("body %q", got.Data)
			}
		})
	}
	// A server that does not offer STARTTLS is refused unless told none.
	srv := notifytest.Start(t, notify.TLSNone)
	m := notify.SMTP{Host: srv.Host, Port: srv.Port, TLS: notify.TLSStartTLS, From: "a@b.uk", TLSConfig: srv.Client}
	if err := m.Send(context.Background(), "x@b.uk", "s", "b", now); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("sent in clear to a server without STARTTLS: %v", err)
	}
	if len(srv.Messages()) != 0 {
		t.Error("a message went in clear")
	}
}

func TestWebhookSignature(t *testing.T) {
	var got *http.Request
	var body []byte
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, body = r, nil
		body, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	now := time.Unix(1644483600, 0)
	if err := (notify.Poster{}).Post(context.Background(), hook.URL, "s3cret", 7, "red", []byte(`{"kind":"red"}`), now); err != nil {
		t.Fatal(err)
	}
	ts, _ := strconv.ParseInt(got.Header.Get("X-Assure-Timestamp"), 10, 64)
	if ts != now.Unix() || got.Header.Get("X-Assure-Delivery") != "7" || got.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", got.Header)
	}
	sig := got.Header.Get("X-Assure-Signature")
	if !notify.Verify("s3cret", ts, body, sig) || notify.Verify("other", ts, body, sig) || notify.Verify("s3cret", ts+1, body, sig) {
		t.Errorf("signature %q does not verify as it should", sig)
	}
	// HMAC-SHA256 of "1644483600.{\"kind\":\"red\"}" under "s3cret", worked
	// out apart: the receiver's side.
	if want := "sha256=" + hmacHex("s3cret", `1644483600.{"kind":"red"}`); sig != want {
		t.Errorf("signature %s, want %s", sig, want)
	}
	fail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer fail.Close()
	if err := (notify.Poster{}).Post(context.Background(), fail.URL, "s", 1, "red", []byte("{}"), now); err == nil {
		t.Error("a 502 counted as sent")
	}
}

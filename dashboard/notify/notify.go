// Package notify sends Assure's alerts: e-mail through an SMTP server,
// and JSON to webhooks, signed with HMAC-SHA256. It only sends; who is
// told what is decided before (see dashboard/alerts.go).
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// TLS modes of an SMTP server.
const (
	// TLSNone sends in clear: only for a relay on the same host or a
	// trusted network.
	TLSNone = "none"
	// TLSStartTLS upgrades the connection with STARTTLS, and refuses a
	// server that does not offer it (port 587).
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the start (port 465).
	TLSImplicit = "tls"
)

// SMTP is an SMTP server to send through.
type SMTP struct {
	Host string
	Port int
	// TLS is TLSNone, TLSStartTLS (the default) or TLSImplicit.
	TLS string
	// From is the sender's address.
	From string
	// Username and Password, when set, authenticate with PLAIN, which
	// is sent only over TLS.
	Username, Password string
	// TLSConfig, when set, replaces the default (the system's roots,
	// the server named Host).
	TLSConfig *tls.Config
	// Timeout bounds one message, connection included; 30 s if zero.
	Timeout time.Duration
}

// Configured reports whether there is a server to send through.
func (m SMTP) Configured() bool { return m.Host != "" && m.From != "" }

// Validate checks the settings.
func (m SMTP) Validate() error {
	switch m.TLS {
	case "", TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return fmt.Errorf("SMTP TLS %q: use none, starttls or tls", m.TLS)
	}
	if m.Host != "" && (m.Port < 1 || m.Port > 65535) {
		return fmt.Errorf("SMTP port %d is not a port", m.Port)
	}
	if m.Host != "" && !strings.Contains(m.From, "@") {
		return fmt.Errorf("the SMTP sender %q is not an address", m.From)
	}
	return nil
}

func (m SMTP) tlsConfig() *tls.Config {
	if m.TLSConfig != nil {
		c := m.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = m.Host
		}
		return c
	}
	return &tls.Config{ServerName: m.Host, MinVersion: tls.VersionTLS12}
}

// oneLine keeps a header's text on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
}

// Message is the text of an e-mail, headers and body, as sent: plain
// text in UTF-8, quoted-printable, the subject encoded as RFC 2047 asks.
func (m SMTP) Message(to, subject, body string, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	var id [12]byte
	_, _ = rand.Read(id[:])
	domain := m.From[strings.LastIndexByte(m.From, '@')+1:]
	fmt.Fprintf(&b, "From: %s\r\n", oneLine(m.From))
	fmt.Fprintf(&b, "To: %s\r\n", oneLine(to))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", oneLine(subject)))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id[:]), oneLine(domain))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\nAuto-Submitted: auto-generated\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// Send sends one message to one address.
func (m SMTP) Send(ctx context.Context, to, subject, body string, now time.Time) error {
	if !m.Configured() {
		return errors.New("no SMTP server is set up: give --smtp-host and --smtp-from")
	}
	if strings.ContainsAny(to, "\r\n<>") {
		return fmt.Errorf("%q is not an address", to)
	}
	msg, err := m.Message(to, subject, body, now)
	if err != nil {
		return err
	}
	timeout := m.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(m.Host, strconv.Itoa(m.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if m.TLS == TLSImplicit {
		tc := tls.Client(conn, m.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS with %s: %w", addr, err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, m.Host)
	if err != nil {
		return fmt.Errorf("SMTP with %s: %w", addr, err)
	}
	defer c.Close()
	if err := c.Hello("assure.localdomain"); err != nil {
		return fmt.Errorf("SMTP hello: %w", err)
	}
	if m.TLS == "" || m.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("%s does not offer STARTTLS: set --smtp-tls none only for a relay on a trusted network", addr)
		}
		if err := c.StartTLS(m.tlsConfig()); err != nil {
			return fmt.Errorf("STARTTLS with %s: %w", addr, err)
		}
	}
	if m.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, m.Host)); err != nil {
			return fmt.Errorf("SMTP sign-in: %w", err)
		}
	}
	if err := c.Mail(m.From); err != nil {
		return fmt.Errorf("SMTP sender: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("SMTP recipient %s: %w", to, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("SMTP data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("SMTP data: %w", err)
	}
	return c.Quit()
}

// Signature is the value of the X-Assure-Signature header of a webhook
// body sent at timestamp ts (Unix seconds): "sha256=" and the hex
// HMAC-SHA256, under the hook's secret, of the timestamp, a dot and the
// body. A receiver computes it again and compares in constant time, and
// refuses a timestamp far from its own clock.
func Signature(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", ts)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether sig is the signature of body at ts.
func Verify(secret string, ts int64, body []byte, sig string) bool {
	return hmac.Equal([]byte(Signature(secret, ts, body)), []byte(sig))
}

// Poster sends webhooks.
type Poster struct {
	// Client sends the requests; one with a 10 s timeout that follows no
	// redirect if nil.
	Client *http.Client
}

// ErrStatus is a webhook's answer other than 2xx.
type ErrStatus struct{ Code int }

func (e ErrStatus) Error() string { return fmt.Sprintf("the webhook answered %d", e.Code) }

// Post sends body (JSON) to url, signed with secret, as delivery id of
// an event of kind, at now. Any 2xx answer is success.
func (p Poster) Post(ctx context.Context, url, secret string, id int64, kind string, body []byte, now time.Time) error {
	client := p.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", url, err)
	}
	ts := now.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Assure alerts")
	req.Header.Set("X-Assure-Event", kind)
	req.Header.Set("X-Assure-Delivery", strconv.FormatInt(id, 10))
	req.Header.Set("X-Assure-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Assure-Signature", Signature(secret, ts, body))
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return ErrStatus{resp.StatusCode}
	}
	return nil
}

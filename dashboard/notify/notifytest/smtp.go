// Package notifytest is an SMTP server for tests, on 127.0.0.1: it
// speaks enough SMTP for net/smtp (EHLO, STARTTLS, AUTH PLAIN, MAIL,
// RCPT, DATA, QUIT), over plain TCP, STARTTLS or TLS from the start,
// with a certificate of its own that Client trusts, and keeps what it
// is sent.
package notifytest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one message received.
type Message struct {
	From string
	To   []string
	Data string
	// TLS is true when the message came over TLS.
	TLS  bool
	Auth string
}

// Server is a running SMTP server.
type Server struct {
	Host string
	Port int
	// Client trusts the server's certificate.
	Client *tls.Config
	mode   string
	conf   *tls.Config
	ln     net.Listener
	mu     sync.Mutex
	msgs   []Message
	wg     sync.WaitGroup
}

// Start starts a server in mode "none", "starttls" or "tls", stopped
// when the test ends.
func Start(t testing.TB, mode string) *Server {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, Client: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, mode: mode, ln: ln,
		conf: &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// Messages are the messages received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() { defer s.wg.Done(); s.handle(conn) }()
	}
}

func (s *Server) handle(conn net.Conn) {
	defer func() { conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	secure := false
	if s.mode == "tls" {
		conn = tls.Server(conn, s.conf)
		secure = true
	}
	r := bufio.NewReader(conn)
	say := func(line string) { conn.Write([]byte(line + "\r\n")) }
	say("220 127.0.0.1 test ESMTP")
	var m Message
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO":
			if s.mode == "starttls" && !secure {
				say("250-127.0.0.1")
				say("250-STARTTLS")
				say("250 8BITMIME")
			} else {
				say("250-127.0.0.1")
				say("250-AUTH PLAIN")
				say("250 8BITMIME")
			}
		case "HELO", "NOOP", "RSET":
			say("250 OK")
		case "STARTTLS":
			say("220 go ahead")
			tc := tls.Server(conn, s.conf)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, r, secure = tc, bufio.NewReader(tc), true
		case "AUTH":
			m.Auth = line
			say("235 accepted")
		case "MAIL":
			m.From = address(line)
			say("250 OK")
		case "RCPT":
			m.To = append(m.To, address(line))
			say("250 OK")
		case "DATA":
			say("354 end with .")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			m.Data, m.TLS = b.String(), secure
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			m = Message{}
			say("250 queued as " + strconv.Itoa(len(s.msgs)))
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

// address is the <address> of a MAIL or RCPT line.
func address(line string) string {
	i, j := strings.IndexByte(line, '<'), strings.IndexByte(line, '>')
	if i < 0 || j < i {
		return ""
	}
	return line[i+1 : j]
}

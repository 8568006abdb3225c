package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// countingListener counts the bytes the server reads from every
// connection, so a test can tell a body refused unread from one read and
// then refused.
type countingListener struct {
	net.Listener
	read atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, read: &l.read}, nil
}

type countingConn struct {
	net.Conn
	read *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// countedServer serves srv on 127.0.0.1, counting what it reads.
func countedServer(t *testing.T, srv *Server) (*httptest.Server, *countingListener) {
	t.Helper()
	ts := httptest.NewUnstartedServer(srv)
	cl := &countingListener{Listener: ts.Listener}
	ts.Listener = cl
	ts.Start()
	t.Cleanup(ts.Close)
	return ts, cl
}

// bigMultipart is a multipart body with a file part of size bytes,
// streamed, never held in memory: twenty of them at once would be
// 800 MB otherwise. fields come before the file, as a browser sends them.
func bigMultipart(size int64, fields map[string]string) (body io.Reader, length int64, contentType string) {
	var head bytes.Buffer
	w := multipart.NewWriter(&head)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	w.CreateFormFile("file", "big.xlsx")
	tail := "\r\n--" + w.Boundary() + "--\r\n"
	length = int64(head.Len()) + size + int64(len(tail))
	return io.MultiReader(bytes.NewReader(head.Bytes()), io.LimitReader(zeros{}, size), strings.NewReader(tail)),
		length, w.FormDataContentType()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// postBig sends a body of size bytes; chunked leaves its length out.
// A server may close the connection once it has answered without
// reading the body, so a transport error is returned, not fatal.
func postBig(ts *httptest.Server, path string, size int64, chunked bool, header http.Header) (int, error) {
	body, length, ct := bigMultipart(size, nil)
	req, _ := http.NewRequest(http.MethodPost, ts.URL+path, body)
	req.Header.Set("Content-Type", ct)
	for k, v := range header {
		req.Header[k] = v
	}
	req.ContentLength = length
	if chunked {
		req.ContentLength = -1
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// tempFiles lists the multipart forms' temporary files left in dir
// (the tests' own temporary folders are made there too).
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		if strings.HasPrefix(e.Name(), "multipart-") {
			names = append(names, e.Name())
		}
	}
	return names
}

// Every route has a body limit, applied before anything reads the body:
// a declared length over it is refused at once, and so is a body sent
// without a length that runs past it. A route reading nothing takes no
// body at all; the sign-in form takes a few kilobytes.
func TestEveryRouteLimitsItsBody(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) { everyRouteLimitsItsBody(t, d) })
	}
}

func everyRouteLimitsItsBody(t *testing.T, dialect string) {
	srv, _ := testServer(t, dialect)
	ts, _ := countedServer(t, srv)
	if got := srv.bodyLimit(http.MethodPost, "/login"); got > 8<<10 {
		t.Errorf("the sign-in form takes %d bytes, want a few kilobytes", got)
	}
	// Every route named in the table exists: a typo there would leave
	// a route at its method's default.
	routes := map[string]bool{}
	for _, r := range srv.echo.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	for k := range srv.bodyLimits {
		if !routes[k] {
			t.Errorf("body limit for %q, a route the server does not have", k)
		}
	}
	walked := 0
	for _, r := range srv.echo.Routes() {
		if r.Method == "echo_route_not_found" || strings.Contains(r.Path, "*") {
			continue
		}
		limit := srv.bodyLimit(r.Method, r.Path)
		path := strings.NewReplacer(":id", "1", ":file", "x.csv").Replace(r.Path)
		for _, chunked := range []bool{false, true} {
			if chunked && limit > bufferedBodyLimit {
				continue // the upload routes: see the tests below
			}
			status, err := postOrGet(ts, r.Method, path, limit+1, chunked)
			if err != nil {
				t.Errorf("%s %s with %d bytes (chunked %t): %v", r.Method, path, limit+1, chunked, err)
				continue
			}
			if status != http.StatusRequestEntityTooLarge {
				t.Errorf("%s %s with %d bytes, over its limit of %d (chunked %t) = %d, want 413", r.Method, path, limit+1, limit, chunked, status)
			}
		}
		walked++
	}
	if walked < 40 {
		t.Errorf("walked only %d routes", walked)
	}
	// Within its limit, the sign-in form is read as ever.
	c := newClient(t, ts)
	addUser(t, srv.store, "board", metrics.RoleBoard, boardPassword)
	if resp := c.login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in = %d, want 303", resp.StatusCode)
	}
}

func postOrGet(ts *httptest.Server, method, path string, size int64, chunked bool) (int, error) {
	var body io.Reader = io.LimitReader(zeros{}, size)
	req, _ := http.NewRequest(method, ts.URL+path, body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.ContentLength = size
	if chunked {
		req.ContentLength = -1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Twenty anonymous 40 MB posts to /login at once, half of them without a
// declared length: each is refused as too large having been read no
// further than the form's limit, and nothing is left on disk (before,
// each was parsed in full and its file part stayed in the temporary
// folder for good).
func TestOversizedAnonymousPostsAreRefusedUnread(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			srv, _ := testServer(t, d)
			ts, cl := countedServer(t, srv)
			const n, size = 20, 40 << 20
			var wg sync.WaitGroup
			statuses := make([]int, n)
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() {
					statuses[i], errs[i] = postBig(ts, "/login", size, i%2 == 1, nil)
				})
			}
			wg.Wait()
			for i := range n {
				if errs[i] != nil {
					t.Errorf("post %d: %v", i, errs[i])
				} else if statuses[i] != http.StatusRequestEntityTooLarge {
					t.Errorf("post %d (chunked %t) = %d, want 413", i, i%2 == 1, statuses[i])
				}
			}
			// Each post may be read to its limit plus what the
			// connection had buffered; 20 × 40 MB were sent.
			if read := cl.read.Load(); read > n<<20 {
				t.Errorf("the server read %d bytes of %d posts of 40 MB: it read bodies it should have refused", read, n)
			}
			if left := tempFiles(t, tmp); len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

// uploadRig is a server with an analyst (who may upload), a board member
// (who may not) and a token for each, counting what it reads.
type uploadRig struct {
	srv                       *Server
	ts                        *httptest.Server
	cl                        *countingListener
	st                        *store.Store
	analystToken, boardToken  string
	analyst, board, anonymous *client
}

func newUploadRig(t *testing.T, dialect string, parallel int) *uploadRig {
	t.Helper()
	srv, st := testServer(t, dialect)
	srv.parses = newParseQueue(parallel)
	// Room for the 40 MB uploads these tests send, as in production.
	srv.ingester.Package.MaxFileBytes = 100 << 20
	srv.bodyLimits = srv.routeBodyLimits()
	r := &uploadRig{srv: srv, st: st}
	r.ts, r.cl = countedServer(t, srv)
	ana := addUser(t, st, "ana", metrics.RoleAnalyst, analystPassword)
	brd := addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	for _, u := range []struct {
		id  int64
		tok *string
	}{{ana.ID, &r.analystToken}, {brd.ID, &r.boardToken}} {
		tok, sum, err := auth.NewAPIToken()
		if err != nil {
			t.Fatal(err)
		}
		if err := st.AddToken(context.Background(), u.id, "t", sum); err != nil {
			t.Fatal(err)
		}
		*u.tok = tok
	}
	r.analyst, r.board, r.anonymous = newClient(t, r.ts), newClient(t, r.ts), newClient(t, r.ts)
	if resp := r.analyst.login("ana", analystPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("analyst sign-in = %d", resp.StatusCode)
	}
	if resp := r.board.login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("board sign-in = %d", resp.StatusCode)
	}
	return r
}

// postBigAs posts a 40 MB upload with the client's cookies (and a CSRF
// token in the form, first, as the browser sends it) or a bearer token.
func (r *uploadRig) postBigAs(t *testing.T, c *client, path, bearer string) int {
	t.Helper()
	fields := map[string]string{}
	if c != nil && bearer == "" {
		fields["_csrf"] = c.csrf("/login")
	}
	body, length, ct := bigMultipart(40<<20, fields)
	req, _ := http.NewRequest(http.MethodPost, r.ts.URL+path, body)
	req.ContentLength = length
	req.Header.Set("Content-Type", ct)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if c != nil {
		hc.Jar = c.http.Jar
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Someone who may not upload (the public, a board member, with a session
// or a token) is refused before a byte of the file is read.
func TestUploadsOfThoseWhoMayNotAreRefusedUnread(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			r := newUploadRig(t, d, 2)
			for _, tc := range []struct {
				name, path, bearer string
				c                  *client
				want               int
			}{
				{"public, form", "/uploads", "", r.anonymous, http.StatusSeeOther},
				{"public, API", "/api/v1/uploads", "", nil, http.StatusUnauthorized},
				{"board, form", "/uploads", "", r.board, http.StatusForbidden},
				{"board, API with a session", "/api/v1/uploads", "", r.board, http.StatusForbidden},
				{"board, API with a token", "/api/v1/uploads", r.boardToken, nil, http.StatusForbidden},
			} {
				before := r.cl.read.Load()
				if got := r.postBigAs(t, tc.c, tc.path, tc.bearer); got != tc.want {
					t.Errorf("%s: POST %s = %d, want %d", tc.name, tc.path, got, tc.want)
				}
				// The page fetched for the CSRF token is read too; the
				// 40 MB body must not be.
				if read := r.cl.read.Load() - before; read > 1<<20 {
					t.Errorf("%s: the server read %d bytes of a refused 40 MB upload", tc.name, read)
				}
			}
		})
	}
}

// An upload's temporary file is removed whatever becomes of the upload:
// checked and kept for confirmation, rejected as no workbook, refused by
// a forged CSRF token, or cut off at the limit without a declared length.
func TestUploadTemporaryFilesAreAlwaysRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			r := newUploadRig(t, d, 2)
			r.srv.ingester.Package.MaxFileBytes = 4 << 20
			r.srv.bodyLimits = r.srv.routeBodyLimits()
			// A real workbook padded past the in-memory part of the form,
			// so that it goes through a temporary file.
			book := uploadWorkbook(t, 42)
			padded := append(book, bytes.Repeat([]byte{0}, 2<<20)...)
			check := func(what string) {
				t.Helper()
				if left := tempFiles(t, tmp); len(left) > 0 {
					t.Errorf("%s: temporary files left behind: %v", what, left)
				}
			}
			resp, body := r.analyst.upload("/uploads", "book.xlsx", padded, map[string]string{"_csrf": r.analyst.csrf("/uploads")}, nil)
			if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusOK {
				t.Errorf("padded workbook = %d: %.300s", resp.StatusCode, body)
			}
			check("a checked upload")
			resp, _ = r.analyst.upload("/api/v1/uploads?dry_run=true", "junk.xlsx", bytes.Repeat([]byte("x"), 3<<20), nil,
				http.Header{"Authorization": {"Bearer " + r.analystToken}})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("junk = %d, want 422", resp.StatusCode)
			}
			check("a rejected upload")
			resp, _ = r.analyst.upload("/uploads", "book.xlsx", padded, map[string]string{"_csrf": "forged"}, nil)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("forged CSRF token = %d, want 403", resp.StatusCode)
			}
			check("an upload with a forged CSRF token")
			status, err := postBig(r.ts, "/api/v1/uploads", 40<<20, true, http.Header{"Authorization": {"Bearer " + r.analystToken}})
			if err == nil && status != http.StatusRequestEntityTooLarge {
				t.Errorf("40 MB without a length, over a 4 MB limit = %d, want 413", status)
			}
			check("an upload cut off at the limit")
			// A good upload still goes through.
			resp, body = r.analyst.upload("/api/v1/uploads?dry_run=true", "book.xlsx", book, nil,
				http.Header{"Authorization": {"Bearer " + r.analystToken}})
			if resp.StatusCode != http.StatusOK {
				t.Errorf("a good workbook = %d: %.300s", resp.StatusCode, body)
			}
		})
	}
}

// Uploads take turns: with one turn held, another upload waits with its
// body unread, and goes through once the turn is free; a burst of
// uploads is a queue, every one answered, none refused or failed.
func TestUploadsQueueForTheirTurn(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			r := newUploadRig(t, d, 1)
			book := uploadWorkbook(t, 42)
			release, err := r.srv.parses.wait(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			before := r.cl.read.Load()
			done := make(chan int, 1)
			go func() {
				body, ct := multipartFile(t, "book.xlsx", append(book, bytes.Repeat([]byte{0}, 8<<20)...), nil)
				req, _ := http.NewRequest(http.MethodPost, r.ts.URL+"/api/v1/uploads?dry_run=true", body)
				req.Header.Set("Content-Type", ct)
				req.Header.Set("Authorization", "Bearer "+r.analystToken)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					done <- 0
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				done <- resp.StatusCode
			}()
			for deadline := time.Now().Add(10 * time.Second); r.srv.parses.waiting.Load() == 0; {
				if time.Now().After(deadline) {
					t.Fatal("the upload never queued")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if read := r.cl.read.Load() - before; read > 1<<20 {
				t.Errorf("a queued upload of 8 MB had %d bytes read before its turn", read)
			}
			select {
			case s := <-done:
				t.Fatalf("the upload was answered (%d) while the only turn was held", s)
			default:
			}
			release()
			if s := <-done; s != http.StatusUnprocessableEntity && s != http.StatusOK {
				t.Errorf("the queued upload = %d after its turn, want a report", s)
			}

			// A burst: every upload answered with its report.
			const n = 8
			var wg sync.WaitGroup
			statuses := make([]int, n)
			for i := range n {
				wg.Go(func() {
					body, ct := multipartFile(t, fmt.Sprintf("book%d.xlsx", i), book, nil)
					req, _ := http.NewRequest(http.MethodPost, r.ts.URL+"/api/v1/uploads?dry_run=true", body)
					req.Header.Set("Content-Type", ct)
					req.Header.Set("Authorization", "Bearer "+r.analystToken)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					statuses[i] = resp.StatusCode
				})
			}
			wg.Wait()
			for i, s := range statuses {
				if s != http.StatusOK {
					t.Errorf("upload %d of the burst = %d, want 200", i, s)
				}
			}
		})
	}
}

// The confirmation of a checked upload, which parses the file again,
// takes its turn too.
func TestUploadConfirmationTakesItsTurn(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) { uploadConfirmationTakesItsTurn(t, d) })
	}
}

func uploadConfirmationTakesItsTurn(t *testing.T, dialect string) {
	r := newUploadRig(t, dialect, 1)
	resp, body := r.analyst.upload("/uploads", "book.xlsx", uploadWorkbook(t, 42), map[string]string{"_csrf": r.analyst.csrf("/uploads")}, nil)
	m := confirmSHA.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("check = %d, no confirmation form", resp.StatusCode)
	}
	release, err := r.srv.parses.wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	token := r.analyst.csrf("/uploads")
	go func() {
		req, _ := http.NewRequest(http.MethodPost, r.ts.URL+"/uploads/confirm", strings.NewReader(url.Values{"_csrf": {token}, "sha256": {m[1]}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := r.analyst.http.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	for deadline := time.Now().Add(10 * time.Second); r.srv.parses.waiting.Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the confirmation never queued")
		}
		time.Sleep(5 * time.Millisecond)
	}
	release()
	if s := <-done; s != http.StatusOK {
		t.Errorf("confirmation = %d, want 200", s)
	}
}

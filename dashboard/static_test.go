package dashboard

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/static"
)

// TestStaticFilesAreCompressedAndCachedByContent: pages link to the
// embedded files by names that carry their content's hash, which are
// kept for a year; text goes out gzipped to browsers that accept it, and
// unchanged files answer 304.
func TestStaticFilesAreCompressedAndCachedByContent(t *testing.T) {
	srv, _ := testServer(t, "sqlite")
	_, page := get(t, srv, "/")
	links := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(page, -1)
	hashed := regexp.MustCompile(`^/static/[a-z]+/[a-z.]+\.[0-9a-f]{12}\.[a-z]+$`)
	var echarts string
	for _, l := range links {
		if !hashed.MatchString(l[1]) {
			t.Errorf("the page links to %s, not a content-hashed name", l[1])
		}
		if strings.Contains(l[1], "echarts.min.") {
			echarts = l[1]
		}
	}
	if echarts == "" {
		t.Fatalf("the overview does not load ECharts: %v", links)
	}
	want, _ := static.FS.ReadFile("js/echarts.min.js")

	req := httptest.NewRequest(http.MethodGet, echarts, nil)
	req.Header.Set("Accept-Encoding", "br, gzip, deflate")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	resp := rec.Result()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") ||
		resp.Header.Get("Vary") != "Accept-Encoding" || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") {
		t.Fatalf("GET %s = %d %v", echarts, resp.StatusCode, resp.Header)
	}
	if rec.Body.Len() > len(want)/2 {
		t.Errorf("ECharts went out as %d bytes of %d", rec.Body.Len(), len(want))
	}
	zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if !bytes.Equal(got, want) {
		t.Error("the gzipped file is not the embedded one")
	}

	// Without gzip, the file as it is; by its plain name, kept an hour.
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/static/js/echarts.min.js", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), want) ||
		rec.Header().Get("Cache-Control") != "public, max-age=3600" {
		t.Errorf("plain name: %d %v, %d bytes", rec.Code, rec.Header(), rec.Body.Len())
	}
	// The browser asks again with the ETag it has: nothing to send.
	req = httptest.NewRequest(http.MethodGet, echarts, nil)
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	for _, p := range []string{"/static/js/nope.js", "/static/../static.go", "/static/js/README.md"} {
		if resp, _ := get(t, srv, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
		}
	}
}

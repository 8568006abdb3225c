package dashboard

import (
	"bytes"
	"compress/flate"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/assure-pcc/assure/dashboard/cache"
	"github.com/assure-pcc/assure/metrics"
)

// BenchmarkPackLevels compresses pages of a database of realistic size
// at each level packLevel could be, reporting the bytes kept per page
// (kept-bytes/op) beside the time: each kept page is compressed again
// by the request that renders it after every upload. It needs a database
// such as the load test's, kept with --keep (see BenchmarkViews):
//
//	ASSURE_BENCH_DB=/tmp/views/assure.db go test -run '^$' -bench PackLevels ./dashboard/
func BenchmarkPackLevels(b *testing.B) {
	srv, open := benchOpenMeasure(b)
	pages := map[string]string{"metric": "/metrics/" + open, "series": "/api/v1/metrics/" + open + "/series", "overview": "/"}
	for name, p := range pages {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s = %d", p, rec.Code)
		}
		body := rec.Body.Bytes()
		for _, level := range []int{flate.HuffmanOnly, flate.BestSpeed, 2, 3, 4, flate.DefaultCompression} {
			b.Run(name+"/"+strconv.Itoa(level), func(b *testing.B) {
				w, _ := flate.NewWriter(io.Discard, level)
				var buf bytes.Buffer
				b.SetBytes(int64(len(body)))
				for b.Loop() {
					buf.Reset()
					w.Reset(&buf)
					w.Write(body)
					w.Flush()
				}
				b.ReportMetric(float64(buf.Len()), "kept-bytes/op")
				b.ReportMetric(float64(len(body)), "page-bytes/op")
			})
		}
	}
}

// BenchmarkRenderKept makes the public overview, a metric page, its
// published page and its series as a reader who misses makes them after
// an upload, rendered, packed to be kept and sent compressed, reporting
// the bytes allocated beside the time. It needs a database such as the
// load test's (see BenchmarkViews):
//
//	ASSURE_BENCH_DB=/tmp/views/assure.db go test -run '^$' -bench RenderKept -benchmem ./dashboard/
func BenchmarkRenderKept(b *testing.B) {
	srv, open := benchOpenMeasure(b)
	for name, p := range map[string]string{"metric": "/metrics/" + open, "overview": "/",
		"public-metric": "/public/metrics/" + open, "series": "/api/v1/metrics/" + open + "/series"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				// Nothing kept: every request makes its answer.
				srv.shared.kept = cache.New(defaultPageCacheBytes, (*cachedPage).cost)
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodGet, p, nil)
				// As browsers and the load test's clients ask: the
				// page is sent as kept, compressed.
				req.Header.Set("Accept-Encoding", "gzip")
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s = %d", p, rec.Code)
				}
			}
		})
	}
}

// benchOpenMeasure is a server on the benchmark's database and the id of
// a measure its public may see.
func benchOpenMeasure(b *testing.B) (*Server, string) {
	srv, st := benchServer(b)
	ms, err := st.ListMetrics(context.Background(), metrics.Public)
	if err != nil || len(ms) == 0 {
		b.Fatalf("no open measure: %v", err)
	}
	return srv, ms[0].ID
}

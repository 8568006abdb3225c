package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// An upload that fills the database's disk is answered 503 with what is
// wrong and that nothing was stored, not a bare 500; the server goes on
// serving. The disk is SQLite's own size limit (max_page_count), which
// fails a write with the code a full disk gives.
func TestUploadOntoAFullDiskSaysSoAndStoresNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	book := filepath.Join(dir, "big.xlsx")
	ingesttest.WriteLong(t, book, 20_000)
	content, err := os.ReadFile(book)
	if err != nil {
		t.Fatal(err)
	}
	// Room for the upload's record and file, not for its values.
	fi, _ := os.Stat(db)
	limit := fi.Size()/4096 + int64(len(content))/4096 + 64
	st, err = store.Open(ctx, fmt.Sprintf("file:%s?_pragma=max_page_count(%d)", db, limit))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := New(Config{Store: st, Ingester: ingest.New(st, nil), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	u := addUser(t, st, "ana", metrics.RoleAnalyst, analystPassword)
	token, sum, _ := auth.NewAPIToken()
	if err := st.AddToken(ctx, u.ID, "ci", sum); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, ts)

	resp, body := c.upload("/api/v1/uploads", "big.xlsx", content, nil, http.Header{"Authorization": {"Bearer " + token}})
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("upload onto a full disk = %d, want 503: %s", resp.StatusCode, body)
	}
	for _, want := range []string{"disk holding the database is full", "Nothing was stored"} {
		if !strings.Contains(body, want) {
			t.Errorf("the answer does not say %q: %s", want, body)
		}
	}
	if ups, err := st.ListUploads(ctx); err != nil || len(ups) != 0 {
		t.Errorf("after the failed upload: %d uploads (%v), want none", len(ups), err)
	}
	if resp, _ := c.get("/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz after the failed upload = %d, want 200", resp.StatusCode)
	}
}

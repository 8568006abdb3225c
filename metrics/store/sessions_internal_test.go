package store

import (
	"context"
	"testing"
	"time"
)

// Every signed-in page looks its session up first, so the lookup must
// not wait for a write: on SQLite an upload holds the one write
// connection for seconds. With a write transaction open, a session is
// still found and the page version still read, within a deadline far
// shorter than the write.
func TestReadsDoNotWaitForTheWriter(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir()+"/a.db")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Sessions().CommitCtx(ctx, "tok", []byte("data"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// An upload's transaction, holding the writer (BEGIN IMMEDIATE).
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ('other', x'00', '2999-01-01T00:00:00.000000Z')`); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if data, found, err := s.Sessions().FindCtx(rctx, "tok"); err != nil || !found || string(data) != "data" {
		t.Errorf("session lookup during a write: %q %t %v", data, found, err)
	}
	if _, err := s.PageVersion(rctx); err != nil {
		t.Errorf("page version during a write: %v", err)
	}
}

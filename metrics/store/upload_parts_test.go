package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// A streamed original is stored in parts and read back whole; a stream
// that differs from the digest it was announced with stores nothing.
func TestBeginIngestFromStoresParts(t *testing.T) {
	defer store.SetFilePartBytes(1000)()
	content := bytes.Repeat([]byte("Month,Force,Crime\n2019-01,Essex,Robbery\n"), 100) // 4,100 bytes: 5 parts
	sum := sha256.Sum256(content)
	digest := hex.EncodeToString(sum[:])
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := metrics.Upload{FileName: "big.csv", Kind: metrics.KindTable, SHA256: digest, Size: int64(len(content))}
		tx, err := s.BeginIngestFrom(ctx, u, bytes.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		got, back, err := s.UploadContent(ctx, tx.UploadID())
		if err != nil || !bytes.Equal(back, content) || got.SHA256 != digest || got.Size != int64(len(content)) {
			t.Fatalf("read back %d bytes (%v), upload %+v", len(back), err, got)
		}

		changed := append([]byte(nil), content...)
		changed[10] = 'X'
		u.FileName, u.SHA256 = "changed.csv", strings.Repeat("ab", 32)
		if _, err := s.BeginIngestFrom(ctx, u, bytes.NewReader(changed)); metrics.ErrorCode(err) != metrics.ECONFLICT {
			t.Errorf("a changed file: %v", err)
		}
		if ups, _ := s.ListUploads(ctx); len(ups) != 1 {
			t.Errorf("%d uploads after a refused stream, want 1", len(ups))
		}
	})
}

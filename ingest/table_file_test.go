package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// TestIngestCSVFileStreams: a CSV table given as a file is streamed
// through the mapping and into the store, and its original comes back
// byte for byte; the same file again is unchanged.
func TestIngestCSVFileStreams(t *testing.T) {
	m := namedMapping(t, "police-uk-street")
	forEachStore(t, func(t *testing.T, st *store.Store) {
		path := filepath.Join(t.TempDir(), "street.csv")
		writeStreetCSV(t, path, 20000)
		content, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		in := New(st, nil)
		rep, err := in.IngestFile(t.Context(), path, Options{Mapping: m})
		if err != nil {
			t.Fatal(err)
		}
		requireStatus(t, rep, StatusStored)
		if rep.Counts.Rows != 20000 || rep.Kind != metrics.KindTable {
			t.Errorf("report = %+v", rep)
		}
		up, original, err := st.UploadContent(t.Context(), rep.UploadID)
		if err != nil || !bytes.Equal(original, content) || up.Size != int64(len(content)) {
			t.Errorf("original: %d bytes of %d (%v)", len(original), len(content), err)
		}
		again, err := in.IngestFile(t.Context(), path, Options{Mapping: m})
		if err != nil || again.Status != StatusUnchanged {
			t.Errorf("again: %+v %v", again, err)
		}
		in.Table.MaxCSVBytes = 1000
		os.WriteFile(path, append(content, "x\n"...), 0o600)
		big, err := in.IngestFile(t.Context(), path, Options{Mapping: m})
		if err != nil || big.Status != StatusRejected || !strings.Contains(big.Errors[0].Message, "--max-csv-mb") {
			t.Errorf("over the limit: %+v %v", big, err)
		}
	})
}

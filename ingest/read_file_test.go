package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
)

func TestReadFileLimited(t *testing.T) {
	content := bytes.Repeat([]byte("assure"), 1000)
	path := filepath.Join(t.TempDir(), "file.xlsx")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		max  int64
		fits bool
	}{{int64(len(content)), true}, {int64(len(content)) + 1, true}, {int64(len(content)) - 1, false}, {0, false}} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readFileLimited(f, tt.max)
		f.Close()
		switch {
		case tt.fits && (err != nil || !bytes.Equal(got, content)):
			t.Errorf("max %d: %d bytes, %v; want the file's %d", tt.max, len(got), err, len(content))
		case !tt.fits && (metrics.ErrorCode(err) != metrics.ETOOLARGE || !strings.Contains(err.Error(), "--max-file-mb")):
			t.Errorf("max %d: %v; want too large, naming --max-file-mb", tt.max, err)
		}
	}
}

package ingest

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// realdata is the folder of public spreadsheets that nobody on this
// project wrote, beside the repository.
const realdata = "../../shared/realdata"

// TestRealFilesAreReadOrRejectedClearly ingests every real spreadsheet in
// the shared corpus (other libraries' test files, ONS tables, budgets):
// each must be stored or rejected with a message, never fail Assure
// itself, panic or hang. None of them is a performance workbook in
// Assure's layout, so "rejected" is the usual verdict; what matters is
// that the message says what the file is and what to do.
func TestRealFilesAreReadOrRejectedClearly(t *testing.T) {
	if _, err := os.Stat(realdata); err != nil {
		t.Skipf("no shared corpus at %s: %v", realdata, err)
	}
	st := storetest.Open(t, "sqlite")
	in := New(st, nil)
	in.Timeout = 30 * time.Second
	var files []string
	err := filepath.WalkDir(realdata, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("found only %d files under %s", len(files), realdata)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			rep, err := in.IngestFile(context.Background(), path, Options{DryRun: true})
			if err != nil {
				t.Fatalf("Assure failed on a file (it should report, not fail): %v", err)
			}
			switch rep.Status {
			case StatusStored:
			case StatusRejected:
				if len(rep.Errors) == 0 {
					t.Fatal("rejected with no error listed")
				}
				for _, p := range rep.Errors {
					if len(p.Message) < 20 || strings.Contains(p.Message, "panic") || strings.Contains(p.Message, "runtime error") {
						t.Errorf("unclear message: %q", p.Message)
					}
				}
			default:
				t.Fatalf("status %q", rep.Status)
			}
			name := filepath.Base(path)
			switch {
			case strings.HasSuffix(name, ".xls"), strings.HasSuffix(name, ".ods"), strings.HasSuffix(name, ".xlsb"),
				strings.HasPrefix(name, "encrypt"), name == "pass_protected.xlsx":
				if rep.Status != StatusRejected {
					t.Errorf("%s should be rejected, got %s", name, rep.Status)
				}
			}
			if testing.Verbose() {
				msg := ""
				if len(rep.Errors) > 0 {
					msg = rep.Errors[0].Message
				}
				t.Logf("%s: %s %s", name, rep.Status, msg)
			}
		})
	}
}

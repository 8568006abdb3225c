package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest/ingesttest"
)

func dropBook(t *testing.T) []byte {
	return ingesttest.Book(t,
		ingesttest.Sheet{Name: "Data", Rows: [][]any{{"Metric", "Area", "Period", "Value"}, {"calls-999", "Force", "2021-08", 400}}})
}

// waitFor waits up to ten seconds for a file to appear.
func waitFor(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// assure watch DIR and assure serve --watch DIR both take a dropped file
// to done/ with its report, and a bad one to rejected/.
func TestWatchCommands(t *testing.T) {
	for _, cmd := range [][]string{{"watch"}, {"serve", "--addr", "127.0.0.1:0", "--watch"}} {
		t.Run(cmd[0], func(t *testing.T) {
			tmp := t.TempDir()
			db, dir := filepath.Join(tmp, "a.db"), filepath.Join(tmp, "drop")
			os.Mkdir(dir, 0o750)
			if code, _, errs := runWithStdin(t, "a long enough password\n", "user", "add", "--db", db, "--role", "analyst", "ana"); code != 0 {
				t.Fatalf("user add: %s", errs)
			}
			// The folder goes last for watch, after --watch for serve.
			withDir := func(extra ...string) []string {
				if cmd[0] == "watch" {
					return append(append(append([]string{}, cmd...), extra...), dir)
				}
				return append(append(append([]string{}, cmd...), dir), extra...)
			}
			if code, _, errs := runWithStdin(t, "", withDir("--db", db)...); code != 2 || !strings.Contains(errs, "needs a user to upload as") {
				t.Errorf("without a user: %d %q", code, errs)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			args := withDir("--db", db, "--watch-as", "ana", "--watch-settle", "20ms", "--watch-poll", "50ms")
			var out, errb bytes.Buffer
			go func() { done <- run(ctx, args, strings.NewReader(""), &out, &errb) }()
			os.WriteFile(filepath.Join(dir, "Q3.xlsx"), dropBook(t), 0o640)
			os.WriteFile(filepath.Join(dir, "junk.xlsx"), []byte("junk"), 0o640)
			waitFor(t, filepath.Join(dir, "done", "Q3.xlsx.report.txt"))
			waitFor(t, filepath.Join(dir, "rejected", "junk.xlsx.report.txt"))
			cancel()
			if err := <-done; err != nil {
				t.Errorf("%s: %v (%s)", cmd[0], err, errb.String())
			}
			rep, _ := os.ReadFile(filepath.Join(dir, "done", "Q3.xlsx.report.txt"))
			if !strings.HasPrefix(string(rep), "Q3.xlsx: stored") {
				t.Errorf("report %q", rep)
			}
		})
	}
}

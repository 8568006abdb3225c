package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/ingest/watch"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

func book(t *testing.T, value float64) []byte {
	return ingesttest.Book(t,
		ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
			{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"},
			{"calls-999", "999 calls, average per day", "calls", "none", nil, "open", "Demand"},
		}},
		ingesttest.Sheet{Name: "Data", Rows: [][]any{
			{"Metric", "Area", "Period", "Value"},
			{"calls-999", "Force", "2021-08", value},
		}},
	)
}

// clock is a clock the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type rig struct {
	dir   string
	st    *store.Store
	w     *watch.Watcher
	clock *clock
}

func newRig(t *testing.T, dialect, as string) *rig {
	t.Helper()
	st := storetest.Open(t, dialect)
	for name, role := range map[string]metrics.Role{"ana": metrics.RoleAnalyst, "fin": metrics.RoleFinance, "bob": metrics.RoleBoard} {
		if _, err := st.CreateUser(context.Background(), name, role, "x"); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	ck := &clock{t: time.Date(2022, 2, 1, 9, 0, 0, 0, time.UTC)}
	w, err := watch.New(watch.Config{Dir: dir, Ingester: ingest.New(st, nil), As: as, Settle: time.Minute, Now: ck.now})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{dir: dir, st: st, w: w, clock: ck}
}

func (r *rig) scan(t *testing.T) {
	t.Helper()
	if _, err := r.w.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (r *rig) drop(t *testing.T, name string, content []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, name), content, 0o640); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func forEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) { t.Parallel(); fn(t, d) })
	}
}

func TestGoodRejectedAndUnsettledFiles(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		r := newRig(t, dialect, "ana")
		good := book(t, 400)
		r.drop(t, "Q3.xlsx", good)
		r.drop(t, "notes.xlsx", []byte("this is not a workbook"))
		r.drop(t, "~$Q3.xlsx", []byte("an Office lock file"))
		// A file still being written: half of it is there.
		r.drop(t, "Q4.xlsx", book(t, 410)[:100])
		r.scan(t) // seen, not yet settled
		if !exists(filepath.Join(r.dir, "Q3.xlsx")) {
			t.Fatal("a file was taken before it had settled")
		}
		r.clock.add(30 * time.Second)
		// Q4 grows meanwhile.
		r.drop(t, "Q4.xlsx", book(t, 410)[:2000])
		r.clock.add(40 * time.Second)
		r.scan(t)
		// Q3 and notes have been the same for 70 s: taken. Q4 changed
		// 40 s ago: it waits.
		report := readFile(t, filepath.Join(r.dir, "done", "Q3.xlsx.report.txt"))
		if !strings.Contains(report, "Q3.xlsx: stored") || exists(filepath.Join(r.dir, "Q3.xlsx")) || !exists(filepath.Join(r.dir, "done", "Q3.xlsx")) {
			t.Errorf("the good file: report %q", report)
		}
		rej := readFile(t, filepath.Join(r.dir, "rejected", "notes.xlsx.report.txt"))
		if !strings.Contains(rej, "notes.xlsx: rejected") || !strings.Contains(rej, "error:") {
			t.Errorf("the rejected file's report %q", rej)
		}
		if !exists(filepath.Join(r.dir, "Q4.xlsx")) || !exists(filepath.Join(r.dir, "~$Q3.xlsx")) {
			t.Error("a file still being written, or a lock file, was taken")
		}
		// The report is the one `assure ingest` prints.
		var want strings.Builder
		rep, _ := ingest.New(storetest.Open(t, "sqlite"), nil).Ingest(context.Background(), "Q3.xlsx", good, ingest.Options{DryRun: true})
		rep.DryRun = false
		rep.WriteText(&want)
		if first := strings.SplitN(want.String(), "\n", 2)[0]; !strings.Contains(report, first) {
			t.Errorf("report %q, want the ingest's text %q", report, first)
		}
		ctx := context.Background()
		ups, _ := r.st.ListUploads(ctx)
		if len(ups) != 1 || ups[0].UploadedBy != "ana" {
			t.Fatalf("uploads %+v, want one by ana", ups)
		}
		// Audited as ana, from the drop folder.
		log, _ := r.st.AuditLog(ctx, 10)
		var audited []string
		for _, e := range log {
			audited = append(audited, e.Actor+" "+e.Action+" "+e.Detail)
		}
		if !strings.Contains(strings.Join(audited, "\n"), "ana upload Q3.xlsx") || !strings.Contains(strings.Join(audited, "\n"), "ana upload_rejected notes.xlsx") {
			t.Errorf("audit %q", audited)
		}
		// The upload made no measure open: that waits for approval.
		if ms, _ := r.st.ListMetrics(ctx, metrics.Public); len(ms) != 0 {
			t.Errorf("a dropped file opened %+v", ms)
		}
		// Q4 written in full, it settles and is taken.
		r.drop(t, "Q4.xlsx", book(t, 410))
		r.scan(t)
		r.clock.add(2 * time.Minute)
		r.scan(t)
		if !strings.Contains(readFile(t, filepath.Join(r.dir, "done", "Q4.xlsx.report.txt")), "stored") {
			t.Error("the finished file was not stored")
		}
	})
}

// The same file dropped twice, under another name or the same one, is
// ingested once; a rejected file dropped again is not read again.
func TestTheSameFileTwice(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		r := newRig(t, dialect, "ana")
		content := book(t, 400)
		settle := func() { r.scan(t); r.clock.add(2 * time.Minute); r.scan(t) }
		r.drop(t, "Q3.xlsx", content)
		r.drop(t, "bad.xlsx", []byte("not a workbook"))
		settle()
		r.drop(t, "Q3 copy.xlsx", content)
		r.drop(t, "Q3.xlsx", content)
		r.drop(t, "bad.xlsx", []byte("not a workbook"))
		settle()
		ups, _ := r.st.ListUploads(context.Background())
		if len(ups) != 1 {
			t.Fatalf("%d uploads, want 1", len(ups))
		}
		again := readFile(t, filepath.Join(r.dir, "done", "Q3 copy.xlsx.report.txt"))
		if !strings.Contains(again, "unchanged") || !strings.Contains(again, "not ingested again") {
			t.Errorf("the copy's report %q", again)
		}
		// The second Q3.xlsx does not overwrite the first in done/.
		if !exists(filepath.Join(r.dir, "done", "Q3 (2).xlsx")) || !exists(filepath.Join(r.dir, "done", "Q3 (2).xlsx.report.txt")) {
			t.Error("the second Q3.xlsx was not kept beside the first")
		}
		if !strings.Contains(readFile(t, filepath.Join(r.dir, "rejected", "bad (2).xlsx.report.txt")), "not ingested again") {
			t.Error("a rejected file was read again")
		}
	})
}

// The user the folder uploads as must be allowed the kind of file: a
// finance user's folder refuses a performance workbook, and a disabled
// user's folder refuses everything.
func TestTheFolderUploadsAsItsUser(t *testing.T) {
	r := newRig(t, "sqlite", "fin")
	r.drop(t, "Q3.xlsx", book(t, 400))
	r.scan(t)
	r.clock.add(2 * time.Minute)
	r.scan(t)
	if rep := readFile(t, filepath.Join(r.dir, "rejected", "Q3.xlsx.report.txt")); !strings.Contains(rep, "fin (finance) may not upload performance workbooks") {
		t.Errorf("report %q", rep)
	}
	if _, err := watch.New(watch.Config{Dir: r.dir, Ingester: ingest.New(r.st, nil), As: "bob"}); err == nil {
		t.Error("a board member's drop folder was set up")
	}
	if _, err := watch.New(watch.Config{Dir: r.dir, Ingester: ingest.New(r.st, nil), As: "nobody"}); err == nil {
		t.Error("a drop folder for no user was set up")
	}
}

// Run, with notifications, takes a file within a moment of its being
// dropped (the settle time is a few milliseconds here).
func TestRunTakesADroppedFile(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	st.CreateUser(context.Background(), "ana", metrics.RoleAnalyst, "x")
	dir := t.TempDir()
	w, err := watch.New(watch.Config{Dir: dir, Ingester: ingest.New(st, nil), As: "ana", Settle: 20 * time.Millisecond, Poll: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()
	if err := os.WriteFile(filepath.Join(dir, "Q3.xlsx"), book(t, 400), 0o640); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !exists(filepath.Join(dir, "done", "Q3.xlsx.report.txt")) {
		if time.Now().After(deadline) {
			t.Fatal("the dropped file was not taken")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

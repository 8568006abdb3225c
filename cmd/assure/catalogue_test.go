package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/ingest/ingesttest"
)

// proposalLine matches a waiting proposal as `catalogue proposals` lists
// it, capturing its id and measure.
var proposalLine = regexp.MustCompile(`(?m)^(\d+)  pending  (\S+) `)

// approveAllByCLI approves every waiting proposal through the command
// line, as an administrator named admin (added if missing).
func approveAllByCLI(t *testing.T, db string) {
	t.Helper()
	runWithStdin(t, "Approvals for the board 7\n", "user", "add", "--db", db, "--role", "admin", "admin")
	_, out, _ := runCmd(t, "catalogue", "proposals", "--db", db)
	for _, m := range proposalLine.FindAllStringSubmatch(out, -1) {
		if code, o, e := runCmd(t, "catalogue", "approve", "--db", db, "--by", "admin", "--note", "test", m[1]); code != 0 {
			t.Fatalf("approve %s (%s): exit %d %s %s", m[1], m[2], code, o, e)
		}
	}
}

// TestCatalogueCommands: an upload that says open only proposes it; the
// proposal is listed, refused or approved by an administrator, never by
// someone else, and by the proposer only when the two-person rule is
// off.
func TestCatalogueCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	file := filepath.Join(dir, "q.xlsx")
	book := ingesttest.Book(t,
		ingesttest.Sheet{Name: "Metrics", Rows: [][]any{{"Id", "Name", "Classification"}, {"calls", "Calls", "open"}, {"crime", "Crime", "open"}}},
		ingesttest.Sheet{Name: "Data", Rows: [][]any{{"Metric", "Area", "Period", "Value"}, {"calls", "Force", "2021-04", 5}, {"crime", "Force", "2021-04", 7}}},
	)
	writeFile(t, file, book)
	if code, out, errs := runCmd(t, "ingest", "--db", db, file); code != 0 || !strings.Contains(out, "waits for approval") {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
	}
	runWithStdin(t, "a long enough password\n", "user", "add", "--db", db, "--role", "analyst", "ana")
	runWithStdin(t, "Root of the office 42x\n", "user", "add", "--db", db, "--role", "admin", "root")
	_, out, _ := runCmd(t, "catalogue", "proposals", "--db", db)
	ids := proposalLine.FindAllStringSubmatch(out, -1)
	if len(ids) != 2 || ids[0][2] != "calls" || !strings.Contains(out, "from upload 1, q.xlsx") {
		t.Fatalf("proposals:\n%s", out)
	}
	if code, _, errs := runCmd(t, "catalogue", "approve", "--db", db, "--by", "ana", ids[0][1]); code != 2 || !strings.Contains(errs, "administrator") {
		t.Errorf("an analyst approved: exit %d %s", code, errs)
	}
	if code, out, errs := runCmd(t, "catalogue", "refuse", "--db", db, "--by", "root", "--note", "not yet", ids[1][1]); code != 0 || !strings.Contains(out, "refused: crime is now sensitive") {
		t.Errorf("refuse: exit %d %s %s", code, out, errs)
	}
	if code, out, errs := runCmd(t, "catalogue", "approve", "--db", db, "--by", "root", ids[0][1]); code != 0 || !strings.Contains(out, "approved: calls is now open") {
		t.Errorf("approve: exit %d %s %s", code, out, errs)
	}
	if code, _, errs := runCmd(t, "catalogue", "approve", "--db", db, "--by", "root", ids[0][1]); code != 1 || !strings.Contains(errs, "already approved") {
		t.Errorf("approving twice: exit %d %s", code, errs)
	}
	_, out, _ = runCmd(t, "catalogue", "proposals", "--db", db, "--all")
	if !strings.Contains(out, "approved by root") || !strings.Contains(out, "refused by root") {
		t.Errorf("decided proposals:\n%s", out)
	}
}

func writeFile(t *testing.T, path string, content []byte) {
	t.Helper()
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
}

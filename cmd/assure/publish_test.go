package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/cmd/assure/sample"
)

// assure publish: the open measures and the board pack's open part into
// a folder, its manifest named; a symbolic link and a bad date refused.
func TestPublishCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	samples := filepath.Join(dir, "samples")
	if err := os.Mkdir(samples, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := sample.WriteAll(samples)
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCmd(t, append([]string{"ingest", "--db", db}, files...)...); code != 0 {
		t.Fatalf("ingest: exit %d %s %s", code, out, errs)
	}
	approveAllByCLI(t, db)
	site := filepath.Join(dir, "site")
	code, out, errs := runCmd(t, "publish", "--db", db, "--meeting", "2022-02-10", site)
	if code != 0 || !strings.Contains(out, "open measures") || !strings.Contains(out, "manifest: "+filepath.Join(site, "manifest.json")) ||
		!strings.Contains(out, filepath.Join(site, "boardpack", "2022-02-10.html")) {
		t.Fatalf("publish: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	for _, f := range []string{"index.html", "manifest.json", "boardpack/2022-02-10.html", "metrics/calls-999.csv"} {
		if _, err := os.Stat(filepath.Join(site, f)); err != nil {
			t.Errorf("the site lacks %s", f)
		}
	}
	if _, err := os.Stat(filepath.Join(site, "metrics", "response-urban.html")); err == nil {
		t.Error("a sensitive measure was published")
	}

	link := filepath.Join(dir, "link")
	if err := os.Symlink(site, link); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCmd(t, "publish", "--db", db, link); code != 1 || !strings.Contains(errs, "symbolic link") {
		t.Errorf("publish into a link: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := runCmd(t, "publish", "--db", db, "--meeting", "10/02/2022", site); code != 2 || !strings.Contains(errs, "--meeting") {
		t.Errorf("publish with a badly written meeting: exit %d, stderr %q", code, errs)
	}
	if code, out, _ := runCmd(t, "publish", "--help"); code != 0 || !strings.Contains(out, "Usage: assure publish") {
		t.Errorf("publish --help: exit %d, %q", code, out)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestWithMapping: --map takes a shipped mapping's name or a
// mapping file; a bad mapping is a usage error naming its line.
func TestIngestWithMapping(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	csvFile := filepath.Join(dir, "street.csv")
	os.WriteFile(csvFile, []byte("Month,Falls within,Crime type\n2019-01,Essex Police,Burglary\n2019-01,Essex Police,Burglary\n2019-02,Essex Police,Robbery\n"), 0o600)

	code, out, errs := runCmd(t, "ingest", "--db", db, "--json", "--map", "police-uk-street", csvFile)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	var rep struct {
		Kind, Mapping, Status string
		Counts                struct{ Observations int }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Kind != "table" || rep.Mapping != "police-uk-street" || rep.Status != "stored" || rep.Counts.Observations != 2 {
		t.Errorf("report %s (%v)", out, err)
	}

	mapFile := filepath.Join(dir, "m.yaml")
	os.WriteFile(mapFile, []byte("area: {fixed: Essex}\nperiod: {column: Month}\nmetric: {column: Crime type}\nvalue: {count: true}\nclasification: open\n"), 0o600)
	code, _, errs = runCmd(t, "ingest", "--db", db, "--map", mapFile, csvFile)
	if code != 2 || !strings.Contains(errs, "line 5: field clasification not found") {
		t.Errorf("a mapping with a typo: exit %d, stderr %q", code, errs)
	}
	os.WriteFile(mapFile, []byte("area: {fixed: Essex}\nmetric: {column: Crime type}\nvalue: {count: true}\n"), 0o600)
	os.WriteFile(csvFile, []byte("Crime type\nBurglary\nRobbery\n"), 0o600)
	if code, out, errs := runCmd(t, "ingest", "--db", db, "--map", mapFile, "--period", "YE Dec 2019", csvFile); code != 0 || !strings.Contains(out, "stored (mapping m.yaml)") {
		t.Errorf("a mapping file with --period: exit %d, %s %s", code, out, errs)
	}
	if code, _, errs := runCmd(t, "ingest", "--db", db, "--map", mapFile, "--period", "sometime", csvFile); code != 2 || !strings.Contains(errs, "--period") {
		t.Errorf("a bad --period: exit %d, %s", code, errs)
	}
	if code, _, errs := runCmd(t, "ingest", "--db", db, "--map", "no-such-mapping", csvFile); code != 2 || !strings.Contains(errs, "ons-pfa-p1") {
		t.Errorf("an unknown mapping: exit %d, %s", code, errs)
	}
}

package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
)

// tinyArgs is a configuration small enough for every test run: 5
// metrics x 2 areas x 12 months, a year of finance, 2 clients for 2 s
// and a 200-row upload.
var tinyArgs = []string{"--metrics", "5", "--areas", "2", "--months", "12", "--finance-years", "1",
	"--clients", "2", "--duration", "2s", "--ingest-rows", "200", "--ingest-after", "500ms", "--json"}

// runTiny runs the load test and decodes its JSON results.
func runTiny(t *testing.T, args ...string) *results {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, append(append([]string{}, tinyArgs...), args...), &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	var res results
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("results: %v\n%s", err, stdout.String())
	}
	return &res
}

// checkTiny checks what every tiny run must show: every route asked for
// and answered without error, and the upload stored and read back.
func checkTiny(t *testing.T, res *results) {
	t.Helper()
	if res.Observations != 5*2*12 || res.Finance != 12 {
		t.Errorf("generated %d observations and %d finance workbooks, want 120 and 12", res.Observations, res.Finance)
	}
	if m := res.Memory; m.PeakHeapMB <= 0 || m.PeakRSSMB < m.StartRSSMB || (m.StartRSSMB <= 0 && runtime.GOOS == "linux") {
		t.Errorf("memory while the load ran: %+v", m)
	}
	if res.Errors != 0 || res.All.Errors != 0 {
		t.Errorf("%d errors: %v", res.Errors, res.ErrorKinds)
	}
	if len(res.Routes) != int(nRoutes) {
		t.Errorf("%d routes asked for, want %d: %+v", len(res.Routes), nRoutes, res.Routes)
	}
	for _, r := range res.Routes {
		if r.Requests == 0 || r.P50 <= 0 {
			t.Errorf("route %s: %+v", r.Name, r)
		}
	}
	if in := res.Ingest; in == nil || in.HTTPStatus != 201 || in.Status != "stored" || in.Stored != 200 {
		t.Errorf("upload: %+v", res.Ingest)
	} else if in.Superseded != 5*2*12 {
		// 200 rows go 20 months back over 5 metrics x 2 areas: they
		// revise all 12 months held.
		t.Errorf("upload superseded %d values, want 120", in.Superseded)
	}
}

// TestTinySQLite runs the whole load test, small, on SQLite: generation,
// sign-in, every route, the upload during the load, and the report.
func TestTinySQLite(t *testing.T) {
	res := runTiny(t)
	checkTiny(t, res)
	if !strings.HasPrefix(res.Database, "SQLite ") || res.Servers != 1 {
		t.Errorf("ran on %s with %d servers", res.Database, res.Servers)
	}
}

// TestTinyServerProcess runs it with the server as a process of its
// own, the assure binary built for the test: its memory is measured
// apart from the clients', and it is stopped at the end.
func TestTinyServerProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the assure binary")
	}
	bin := filepath.Join(t.TempDir(), "assure")
	build := exec.Command("go", "build", "-o", bin, "../assure")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	res := runTiny(t, "--server-bin", bin)
	checkTiny(t, res)
	if res.Memory.ServerPeakRSSMB <= 0 || res.Memory.ServerStartRSSMB <= 0 {
		t.Errorf("the server process's memory was not measured: %+v", res.Memory)
	}
	// Memory is sampled until the upload ends, which may be after the
	// load window.
	end := res.WindowS
	if in := res.Ingest; in != nil {
		end = max(end, in.StartS+in.DurationS)
	}
	if at := res.Memory.ServerPeakAtS; at < 0 || at > end+1 {
		t.Errorf("the server's peak was seen at %.2f s, outside the load and upload's %.2f s", at, end)
	}
}

// TestTinyPostgresTwoServers runs it on two servers sharing PostgreSQL,
// when ASSURE_TEST_POSTGRES names a database to make a schema in: the
// session and the token must work on both, and the schema must be gone
// afterwards.
func TestTinyPostgresTwoServers(t *testing.T) {
	dsn := os.Getenv("ASSURE_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("ASSURE_TEST_POSTGRES is not set")
	}
	res := runTiny(t, "--db", dsn, "--servers", "2")
	checkTiny(t, res)
	if !strings.HasPrefix(res.Database, "PostgreSQL ") || res.Servers != 2 {
		t.Errorf("ran on %s with %d servers", res.Database, res.Servers)
	}
	schema := res.Database[strings.LastIndex(res.Database, " ")+1:]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = $1", schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("schema %s was left behind", schema)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string // in the error; "" for none
	}{
		{[]string{"--help"}, ""},
		{[]string{"--servers", "2"}, "PostgreSQL"},
		{[]string{"--clients", "0"}, "--clients"},
		{[]string{"--routes", "overview,nope"}, `unknown route "nope"`},
		{[]string{"--metrics", "100000", "--areas", "100", "--months", "100"}, "observations"},
		{[]string{"extra"}, "no arguments"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tt.args, &stdout, &stderr)
		switch {
		case tt.want == "" && (err != nil || !strings.Contains(stdout.String(), "Usage: loadtest")):
			t.Errorf("%v: %v, stdout %q", tt.args, err, stdout.String())
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%v: error %v, want one saying %q", tt.args, err, tt.want)
		}
	}
}

// TestExistingSQLiteFileRefused: the run fills its database with
// generated data and removes it afterwards, so it must never be given an
// existing one.
func TestExistingSQLiteFileRefused(t *testing.T) {
	path := t.TempDir() + "/real.db"
	if err := os.WriteFile(path, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), append(append([]string{}, tinyArgs...), "--db", path), &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("error %v, want a refusal", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Errorf("the existing file was changed")
	}
}

func TestCatalogueShare(t *testing.T) {
	ms := catalogue(200, 0.35)
	sensitive := 0
	for _, m := range ms {
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		if m.Classification == metrics.Sensitive {
			sensitive++
			if !strings.HasPrefix(m.Name, sensitiveMarker) {
				t.Errorf("sensitive %s is named %q", m.ID, m.Name)
			}
		} else if strings.Contains(m.Name, sensitiveMarker) {
			t.Errorf("open %s is named %q", m.ID, m.Name)
		}
	}
	if sensitive != 70 {
		t.Errorf("%d sensitive of 200, want 70", sensitive)
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {95, 95}, {99, 99}, {100, 100}, {0, 1}} {
		if got := percentile(d, tt.p); got != tt.want {
			t.Errorf("p%v = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := percentile(d[:1], 99); got != 1 {
		t.Errorf("p99 of one = %v", got)
	}
}

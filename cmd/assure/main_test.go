package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// runCmd calls run as main would and returns its exit code and output.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	code = exitCode(err, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{nil, 2, "", "Usage"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"version"}, 0, "assure ", ""},
		{[]string{"help"}, 0, "assure serve", ""},
		{[]string{"ingest"}, 2, "", "at least one FILE"},
		{[]string{"ingest", "--nope", "x.xlsx"}, 2, "", "flag provided but not defined"},
		{[]string{"ingest", "--kind", "weird", "x.xlsx"}, 2, "", "--kind"},
		{[]string{"template"}, 2, "", "needs a kind"},
		{[]string{"template", "budget", "x.xlsx"}, 2, "", "unknown template"},
		{[]string{"serve", "extra"}, 2, "", "no arguments"},
		{[]string{"serve", "--trusted-proxies", "lb.example"}, 2, "", `trusted proxy "lb.example"`},
		{[]string{"serve", "--trusted-proxies", "10.0.0.0/33"}, 2, "", "address range"},
		{[]string{"serve", "--parallel-uploads", "0"}, 2, "", "--parallel-uploads"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errs := runCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.inStdout) || !strings.Contains(errs, tt.inStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q", code, out, errs, tt.code, tt.inStdout, tt.inStderr)
			}
		})
	}
}

func TestHelpOnEverySubcommand(t *testing.T) {
	for _, cmd := range []string{"serve", "ingest", "demo", "template"} {
		code, out, _ := runCmd(t, cmd, "--help")
		if code != 0 || !strings.Contains(out, "Usage: assure "+cmd) {
			t.Errorf("%s --help: exit %d, stdout %q", cmd, code, out)
		}
	}
}

func TestTemplateThenIngest(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	tmpl := filepath.Join(dir, "blank.xlsx")
	if code, out, errs := runCmd(t, "template", "performance", tmpl); code != 0 {
		t.Fatalf("template: exit %d %s %s", code, out, errs)
	}
	if code, _, _ := runCmd(t, "template", "performance", tmpl); code != 1 {
		t.Errorf("template over an existing file without --force: exit %d, want 1", code)
	}

	// Fill the template in as an analyst would, then ingest it.
	f, err := excelize.OpenFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for cell, v := range map[string]any{"A2": "calls-999", "B2": "Force", "C2": "2021-08", "D2": 451, "A3": "calls-999", "B3": "Force", "C3": "2021-09", "D3": "tbc"} {
		if err := f.SetCellValue("Data", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	bad := filepath.Join(dir, "bad.xlsx")
	if err := f.SaveAs(bad); err != nil {
		t.Fatal(err)
	}
	f.Close()

	code, out, _ := runCmd(t, "ingest", "--db", db, "--json", tmpl, bad)
	if code != 1 {
		t.Errorf("ingest of a good and a bad file: exit %d, want 1", code)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	var reports []map[string]any
	for dec.More() {
		var r map[string]any
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("--json output is not a JSON stream: %v\n%s", err, out)
		}
		reports = append(reports, r)
	}
	if len(reports) != 2 || reports[0]["status"] != "stored" || reports[1]["status"] != "rejected" {
		t.Fatalf("reports = %v", reports)
	}
	errs := reports[1]["errors"].([]any)
	first := errs[0].(map[string]any)
	if first["sheet"] != "Data" || first["cell"] != "D3" || !strings.Contains(first["message"].(string), "tbc") {
		t.Errorf("error = %v", first)
	}
	if code, out, _ := runCmd(t, "ingest", "--db", db, tmpl); code != 0 || !strings.Contains(out, "unchanged") {
		t.Errorf("second ingest of the same file: exit %d, %q", code, out)
	}
}

// demoRun is a running demo: its address and what it printed.
type demoRun struct {
	addr string
	mu   sync.Mutex
	out  bytes.Buffer
}

func (d *demoRun) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.out.Write(p)
}

func (d *demoRun) text() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.out.String()
}

// startDemo runs the demo on a free port until the test ends, then
// checks that it shut down cleanly.
func startDemo(t *testing.T) *demoRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &demoRun{}
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() {
		done <- demo(ctx, "127.0.0.1:0", t.TempDir(), d, logger, func(a string) { addrc <- a })
	}()
	select {
	case d.addr = <-addrc:
	case err := <-done:
		cancel()
		t.Fatalf("demo stopped: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("demo did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("demo returned %v after shutdown", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("demo did not shut down")
		}
	})
	return d
}

func TestDemoServesCharts(t *testing.T) {
	d := startDemo(t)
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + d.addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	code, body := get("/")
	if code != 200 || !strings.Contains(body, "999 calls, average per day") {
		t.Errorf("overview = %d:\n%s", code, body)
	}
	code, body = get("/metrics/calls-999")
	if code != 200 || !strings.Contains(body, `data-chart="chart-series"`) || !strings.Contains(body, "Mar 2022") {
		t.Errorf("metric page = %d", code)
	}
	code, body = get("/api/v1/metrics/calls-999/series")
	var series struct {
		Observations []struct {
			PeriodStart string  `json:"period_start"`
			Value       float64 `json:"value"`
		} `json:"observations"`
	}
	if err := json.Unmarshal([]byte(body), &series); err != nil || code != 200 || len(series.Observations) != 39 { // Jan 2019 to Mar 2022: the 2019 baseline and three financial years
		t.Errorf("series = %d, %d observations, %v", code, len(series.Observations), err)
	}
	// The public does not see the sensitive sample measures.
	if code, _ := get("/metrics/response-urban"); code != 404 {
		t.Errorf("sensitive metric page = %d, want 404", code)
	}
	if _, body := get("/api/v1/metrics"); strings.Contains(body, "response-urban") {
		t.Errorf("the public API lists a sensitive metric: %s", body)
	}
}

func TestMain(m *testing.M) {
	// Keep ASSURE_* settings of the developer's shell out of the tests.
	os.Unsetenv("ASSURE_DB")
	os.Unsetenv("ASSURE_ADDR")
	os.Exit(m.Run())
}

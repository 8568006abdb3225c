package dashboard

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	rtmetrics "runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/spreadsheet"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// rezip copies a workbook, replacing (or adding) parts.
func rezip(t *testing.T, base []byte, parts map[string]func(io.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	done := map[string]bool{}
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if fill, ok := parts[f.Name]; ok {
			fill(w)
			done[f.Name] = true
			continue
		}
		r, _ := f.Open()
		io.Copy(w, r)
		r.Close()
	}
	for name, fill := range parts {
		if !done[name] {
			w, _ := zw.Create(name)
			fill(w)
		}
	}
	zw.Close()
	return buf.Bytes()
}

func text(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }

// TestHostileUploadsAreRefusedQuicklyWhileTheServerAnswers sends hostile
// files to the upload API at once, while another client keeps asking for
// /healthz: each file is refused with a message within 10 s, the server
// keeps answering, and the heap stays under 300 MB.
func TestHostileUploadsAreRefusedQuicklyWhileTheServerAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 300 MB zip bomb")
	}
	st := storetest.Open(t, "sqlite")
	srv, err := New(Config{Store: st, Ingester: ingest.New(st, nil)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	u, err := st.CreateUser(context.Background(), "ana", metrics.RoleAnalyst, "x")
	if err != nil {
		t.Fatal(err)
	}
	token, sum, _ := auth.NewAPIToken()
	st.AddToken(context.Background(), u.ID, "t", sum)

	var tmpl bytes.Buffer
	if err := spreadsheet.WritePerformanceTemplate(&tmpl); err != nil {
		t.Fatal(err)
	}
	sheet := "xl/worksheets/sheet3.xml" // the template's Data sheet
	hostile := map[string][]byte{
		"bomb.xlsx": rezip(t, tmpl.Bytes(), map[string]func(io.Writer){sheet: func(w io.Writer) {
			zeros := make([]byte, 1<<20)
			for i := 0; i < 300; i++ {
				w.Write(zeros)
			}
		}}),
		"truncated.xlsx": rezip(t, tmpl.Bytes(), map[string]func(io.Writer){sheet: text(
			`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Metric`)}),
		"laughs.xlsx": rezip(t, tmpl.Bytes(), map[string]func(io.Writer){sheet: text(
			`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>`)}),
		"far-row.xlsx": rezip(t, tmpl.Bytes(), map[string]func(io.Writer){sheet: text(
			`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="2147483647"><c r="A2147483647"><v>1</v></c></row></sheetData></worksheet>`)}),
		"calls.xlsx": []byte("Metric,Area,Period,Value\ncalls-999,Force,2021-08,1\n"),
	}
	for _, real := range []string{"xlsx-corpus/excelize/encryptAES.xlsx", "xlsx-corpus/calamine/any_sheets.xls"} {
		if b, err := os.ReadFile("../../shared/realdata/" + real); err == nil {
			hostile[real[strings.LastIndex(real, "/")+1:]] = b
		}
	}

	stop := make(chan struct{})
	var peak uint64
	var health struct {
		sync.Mutex
		n, bad int
		worst  time.Duration
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the heap's high-water mark
		defer wg.Done()
		sample := []rtmetrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			rtmetrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	go func() { // another user of the server meanwhile
		defer wg.Done()
		for {
			start := time.Now()
			resp, err := http.Get(ts.URL + "/healthz")
			d := time.Since(start)
			health.Lock()
			health.n++
			if err != nil || resp.StatusCode != 200 {
				health.bad++
			}
			health.worst = max(health.worst, d)
			health.Unlock()
			if resp != nil {
				resp.Body.Close()
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()

	runtime.GC()
	c := newClient(t, ts)
	var uploads sync.WaitGroup
	for name, content := range hostile {
		uploads.Add(1)
		go func() {
			defer uploads.Done()
			start := time.Now()
			resp, body := c.upload("/api/v1/uploads", name, content, nil, http.Header{"Authorization": {"Bearer " + token}})
			took := time.Since(start)
			if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("%s: %d %s", name, resp.StatusCode, body)
			}
			if !strings.Contains(body, `"message"`) && !strings.Contains(body, `"error"`) {
				t.Errorf("%s: no message: %s", name, body)
			}
			if took > 10*time.Second {
				t.Errorf("%s took %s to refuse", name, took)
			}
			t.Logf("%s: %d in %s: %.160s", name, resp.StatusCode, took.Round(time.Millisecond), body)
		}()
	}
	uploads.Wait()
	close(stop)
	wg.Wait()
	if peak > 300<<20 {
		t.Errorf("the heap peaked at %d MB, over 300 MB", peak>>20)
	}
	if health.bad > 0 || health.n < 1 {
		t.Errorf("/healthz meanwhile: %d requests, %d failed", health.n, health.bad)
	}
	t.Logf("heap peak %d MB; /healthz answered %d times meanwhile, slowest %s", peak>>20, health.n, health.worst.Round(time.Millisecond))
	if ups, _ := st.ListUploads(context.Background()); len(ups) != 0 {
		t.Errorf("a hostile file was stored")
	}
}

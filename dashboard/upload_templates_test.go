package dashboard

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// templateRows reads a sheet of a downloaded workbook, headings first.
func templateRows(t *testing.T, content []byte, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(content))
	if err != nil {
		t.Fatalf("the download does not open as a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	return rows
}

// column is the first cell of each row below the headings.
func column(rows [][]string, col int) []string {
	var out []string
	for _, r := range rows[1:] {
		if col < len(r) {
			out = append(out, r[col])
		}
	}
	return out
}

// Each template is downloaded only by those who upload its kind; the
// performance one holds the catalogue's ids and a Data row for each area
// a measure reports, and checks back in as a file that changes nothing.
func TestUploadTemplateDownloads(t *testing.T) {
	ts, st := uploadServer(t, "sqlite")
	addUser(t, st, "admin", metrics.RoleAdmin, analystPassword)
	ctx := context.Background()
	tests := []struct {
		user, password      string
		performance, budget int
	}{
		{"", "", http.StatusSeeOther, http.StatusSeeOther},
		{"board", boardPassword, http.StatusForbidden, http.StatusForbidden},
		{"admin", analystPassword, http.StatusForbidden, http.StatusForbidden},
		{"fin", analystPassword, http.StatusForbidden, http.StatusOK},
		{"ana", analystPassword, http.StatusOK, http.StatusForbidden},
	}
	var performance []byte
	for _, tt := range tests {
		c := newClient(t, ts)
		if tt.user != "" {
			c.login(tt.user, tt.password)
		}
		for path, want := range map[string]int{"/uploads/templates/performance.xlsx": tt.performance, "/uploads/templates/finance.xlsx": tt.budget} {
			resp, body := c.get(path)
			if resp.StatusCode != want {
				t.Errorf("%q: %s = %d, want %d", tt.user, path, resp.StatusCode, want)
				continue
			}
			if want != http.StatusOK {
				continue
			}
			if ct := resp.Header.Get("Content-Type"); ct != xlsxType {
				t.Errorf("%s: content type %q", path, ct)
			}
			if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") || !strings.HasSuffix(cd, `.xlsx"`) {
				t.Errorf("%s: content disposition %q", path, cd)
			}
			if strings.HasSuffix(path, "finance.xlsx") {
				if got := templateRows(t, []byte(body), "Revenue"); len(got) < 3 || !slices.Contains(column(got, 0), "Local Policing") {
					t.Errorf("finance template's Revenue sheet = %q", got)
				}
				continue
			}
			performance = []byte(body)
		}
	}
	if performance == nil {
		t.Fatal("the analyst got no performance template")
	}

	all, err := st.ListMetrics(ctx, metrics.Everything)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range all {
		ids = append(ids, m.ID)
	}
	metricsRows := templateRows(t, performance, "Metrics")
	if got := column(metricsRows, 0); !slices.Equal(got, ids) {
		t.Errorf("Metrics sheet ids = %q, want the catalogue's %q", got, ids)
	}
	if len(metricsRows) > 1 && (metricsRows[1][1] != all[0].Name || metricsRows[0][1] != "Name") {
		t.Errorf("Metrics sheet row 2 = %q, want the name %q", metricsRows[1], all[0].Name)
	}
	var data []string
	for _, r := range templateRows(t, performance, "Data")[1:] {
		data = append(data, strings.Join(r, "|"))
	}
	// calls-999 reported North and South (South only in August, within a
	// year of its latest month); periods and values are left blank.
	for _, want := range []string{"calls-999|North", "calls-999|South", "secret|North", "hostile|<img src=x onerror=alert(2)>"} {
		if !slices.Contains(data, want) {
			t.Errorf("Data sheet %q lacks the row %q", data, want)
		}
	}

	// Checked back in as it came, it is accepted and changes nothing:
	// there is nothing to store.
	c := newClient(t, ts)
	c.login("ana", analystPassword)
	resp, body := c.upload("/uploads", "template.xlsx", performance, map[string]string{"_csrf": c.csrf("/uploads")}, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "template.xlsx: nothing to store") || strings.Contains(body, "Changes to the catalogue") {
		t.Errorf("the template as downloaded, checked = %d, catalogue changes shown %t", resp.StatusCode, strings.Contains(body, "Changes to the catalogue"))
	}
}

// The pre-filled template holds only what its reader may see: a reader
// without rights to sensitive figures gets no sensitive measure, on
// either sheet.
func TestPerformanceTemplateScope(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) { testPerformanceTemplateScope(t, d) })
	}
}

func testPerformanceTemplateScope(t *testing.T, dialect string) {
	srv, _ := testServer(t, dialect)
	for _, tt := range []struct {
		scope  metrics.Scope
		secret bool
	}{{metrics.Public, false}, {metrics.Everything, true}} {
		content, err := srv.performanceTemplate(context.Background(), tt.scope)
		if err != nil {
			t.Fatal(err)
		}
		ids := column(templateRows(t, content, "Metrics"), 0)
		data := column(templateRows(t, content, "Data"), 0)
		if !slices.Contains(ids, "calls-999") || !slices.Contains(data, "calls-999") {
			t.Errorf("scope %+v: the open measure is missing: %q, %q", tt.scope, ids, data)
		}
		if slices.Contains(ids, "secret") != tt.secret || slices.Contains(data, "secret") != tt.secret {
			t.Errorf("scope %+v: the sensitive measure listed %t, %t, want %t", tt.scope, slices.Contains(ids, "secret"), slices.Contains(data, "secret"), tt.secret)
		}
	}
}

// The uploads page leads each uploader to their template, then the
// check; a rollback is a link to its confirmation page; hashes are
// folded away.
func TestUploadsPageGuides(t *testing.T) {
	ts, st := uploadServer(t, "sqlite")
	ups, err := st.ListUploads(context.Background())
	if err != nil || len(ups) == 0 {
		t.Fatalf("uploads = %v, %v", ups, err)
	}
	up := ups[0]
	for _, tt := range []struct {
		user, password             string
		performance, budget, check bool
		rollback                   bool
	}{
		{"board", boardPassword, false, false, false, false},
		{"fin", analystPassword, false, true, true, false},
		{"ana", analystPassword, true, false, true, true},
	} {
		c := newClient(t, ts)
		c.login(tt.user, tt.password)
		resp, body := c.get("/uploads")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: /uploads = %d", tt.user, resp.StatusCode)
		}
		for what, want := range map[string]bool{
			`href="/uploads/templates/performance.xlsx"`:            tt.performance,
			`href="/uploads/templates/finance.xlsx"`:                tt.budget,
			`Check the file`:                                        tt.check,
			`href="/uploads/` + strconvFormat(up.ID) + `/rollback"`: tt.rollback,
		} {
			if strings.Contains(body, what) != want {
				t.Errorf("%s: /uploads shows %s: %t, want %t", tt.user, what, !want, want)
			}
		}
		hash := strings.Index(body, up.SHA256)
		if details := strings.LastIndex(body[:max(hash, 0)], "<details"); hash < 0 || details < 0 || strings.Contains(body[details:hash], "</details>") {
			t.Errorf("%s: the SHA-256 is not folded in a <details>", tt.user)
		}
		if tt.rollback {
			resp, body := c.get("/uploads/" + strconvFormat(up.ID) + "/rollback")
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `method="post" action="/uploads/`+strconvFormat(up.ID)+`/rollback"`) {
				t.Errorf("%s: the rollback's confirmation page = %d", tt.user, resp.StatusCode)
			}
		}
	}
}

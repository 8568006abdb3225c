package dashboard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/cmd/assure/sample"
	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/ingest/ingesttest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

const analystPassword = "analyst password, long enough"

// multipartFile builds a multipart body with the file and extra fields.
func multipartFile(t *testing.T, name string, content []byte, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	w.Close()
	return &buf, w.FormDataContentType()
}

func (c *client) upload(path, name string, content []byte, fields map[string]string, header http.Header) (*http.Response, string) {
	c.t.Helper()
	body, ct := multipartFile(c.t, name, content, fields)
	req, _ := http.NewRequest(http.MethodPost, c.base+path, body)
	req.Header.Set("Content-Type", ct)
	for k, v := range header {
		req.Header[k] = v
	}
	return c.do(req)
}

// hostileName is a metric name that is a script: it must be shown as text.
const hostileName = `<script>alert("upload")</script>`

func uploadWorkbook(t *testing.T, value any) []byte {
	return ingesttest.Book(t,
		ingesttest.Sheet{Name: "Metrics", Rows: [][]any{
			{"Id", "Name", "Unit", "Direction", "Target", "Classification", "Category"},
			{"uploaded", hostileName, "calls", "none", nil, "open", "Demand"},
		}},
		ingesttest.Sheet{Name: "Data", Rows: [][]any{
			{"Metric", "Area", "Period", "Value"},
			{"uploaded", "Force", "2021-08", value},
		}},
	)
}

func uploadServer(t *testing.T, dialect string) (*httptest.Server, *store.Store) {
	t.Helper()
	ts, st := authServer(t, dialect)
	addUser(t, st, "ana", metrics.RoleAnalyst, analystPassword)
	addUser(t, st, "fin", metrics.RoleFinance, analystPassword)
	return ts, st
}

var confirmSHA = regexp.MustCompile(`name="sha256" value="([0-9a-f]{64})"`)

func TestUploadInTheBrowserCheckThenStoreThenRollBack(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st := uploadServer(t, d)
			c := newClient(t, ts)
			if resp := c.login("ana", analystPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login = %d", resp.StatusCode)
			}
			before, _ := st.ListUploads(context.Background())
			content := uploadWorkbook(t, 123)
			resp, body := c.upload("/uploads", "Q3.xlsx", content, map[string]string{"_csrf": c.csrf("/uploads")}, nil)
			m := confirmSHA.FindStringSubmatch(body)
			if resp.StatusCode != 200 || m == nil || !strings.Contains(body, "checked, not yet stored") {
				t.Fatalf("check = %d, confirm form present %t", resp.StatusCode, m != nil)
			}
			if ups, _ := st.ListUploads(context.Background()); len(ups) != len(before) {
				t.Fatal("the dry run stored the file")
			}
			resp, body = c.post("/uploads/confirm", map[string][]string{"sha256": {m[1]}, "_csrf": {c.csrf("/uploads")}}, nil)
			if resp.StatusCode != 200 || !strings.Contains(body, "Q3.xlsx: stored") {
				t.Fatalf("confirm = %d", resp.StatusCode)
			}
			for _, path := range []string{"/", "/metrics/uploaded", "/uploads"} {
				_, body := c.get(path)
				if strings.Contains(body, hostileName) {
					t.Errorf("%s shows the metric name as markup", path)
				}
			}
			if _, body := c.get("/metrics/uploaded"); !strings.Contains(body, "&lt;script&gt;alert(&#34;upload&#34;)&lt;/script&gt;") {
				t.Errorf("the metric name should appear escaped, as text")
			}
			ups, _ := st.ListUploads(context.Background())
			if len(ups) != len(before)+1 || ups[0].UploadedBy != "ana" {
				t.Fatalf("uploads = %+v", ups)
			}
			id := ups[0].ID
			resp, original := c.get("/uploads/" + strconvFormat(id) + "/original")
			if resp.StatusCode != 200 || original != string(content) {
				t.Errorf("download original = %d, same bytes %t", resp.StatusCode, original == string(content))
			}
			resp, _ = c.post("/uploads/"+strconvFormat(id)+"/rollback", map[string][]string{"_csrf": {c.csrf("/uploads")}}, nil)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("rollback = %d", resp.StatusCode)
			}
			if obs, _ := st.Series(context.Background(), metrics.Everything, "uploaded"); len(obs) != 0 {
				t.Errorf("values remain after rollback: %d", len(obs))
			}
			log, _ := st.AuditLog(context.Background(), 20)
			actions := map[string]bool{}
			for _, e := range log {
				actions[e.Action] = true
			}
			for _, a := range []string{metrics.AuditLogin, metrics.AuditUpload, metrics.AuditRollback} {
				if !actions[a] {
					t.Errorf("audit log lacks %s", a)
				}
			}
		})
	}
}

func TestUploadRejectedShowsEveryErrorAndStoresNothing(t *testing.T) {
	ts, st := uploadServer(t, "sqlite")
	c := newClient(t, ts)
	c.login("ana", analystPassword)
	before, _ := st.ListUploads(context.Background())
	resp, body := c.upload("/uploads", "bad.xlsx", uploadWorkbook(t, "tbc"), map[string]string{"_csrf": c.csrf("/uploads")}, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Nothing was stored") ||
		!strings.Contains(body, "<td>Data</td><td>D2</td>") || !strings.Contains(body, "&#34;tbc&#34; is not a number") {
		t.Errorf("rejected upload = %d", resp.StatusCode)
	}
	if ups, _ := st.ListUploads(context.Background()); len(ups) != len(before) {
		t.Errorf("a rejected upload stored %d uploads", len(ups)-len(before))
	}
}

func TestUploadPermissions(t *testing.T) {
	ts, _ := uploadServer(t, "sqlite")
	content := uploadWorkbook(t, 1)
	tests := []struct {
		user, password string
		status         int
	}{
		{"board", boardPassword, http.StatusForbidden},
		{"fin", analystPassword, http.StatusForbidden},
		{"ana", analystPassword, http.StatusOK},
	}
	for _, tt := range tests {
		c := newClient(t, ts)
		c.login(tt.user, tt.password)
		resp, body := c.upload("/uploads", "Q3.xlsx", content, map[string]string{"_csrf": c.csrf("/uploads")}, nil)
		if resp.StatusCode != tt.status {
			t.Errorf("%s uploading a performance workbook = %d, want %d: %s", tt.user, resp.StatusCode, tt.status, body[:min(len(body), 200)])
		}
	}
	// The public is sent to sign in; a form without its token is refused.
	c := newClient(t, ts)
	if resp, _ := c.get("/uploads"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("public /uploads = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	c.login("ana", analystPassword)
	if resp, _ := c.upload("/uploads", "Q3.xlsx", content, nil, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("upload without the CSRF token = %d, want 403", resp.StatusCode)
	}
}

func TestAPIUpload(t *testing.T) {
	ts, st := uploadServer(t, "sqlite")
	u, _, _ := st.UserByName(context.Background(), "ana")
	token, sum, _ := auth.NewAPIToken()
	if err := st.AddToken(context.Background(), u.ID, "ci", sum); err != nil {
		t.Fatal(err)
	}
	auth := http.Header{"Authorization": {"Bearer " + token}}
	c := newClient(t, ts)

	resp, body := c.upload("/api/v1/uploads?dry_run=true", "Q3.xlsx", uploadWorkbook(t, 7), nil, auth)
	var rep ingest.Report
	if err := json.Unmarshal([]byte(body), &rep); err != nil || resp.StatusCode != 200 || !rep.DryRun || rep.Status != "stored" {
		t.Fatalf("dry run = %d %+v %v", resp.StatusCode, rep, err)
	}
	resp, body = c.upload("/api/v1/uploads", "Q3.xlsx", uploadWorkbook(t, 7), nil, auth)
	var raw map[string]any
	if err := json.Unmarshal([]byte(body), &raw); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload = %d %s", resp.StatusCode, body)
	}
	for _, key := range []string{"file", "sha256", "kind", "status", "counts", "errors"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("the report lacks %q, which ingest --json has", key)
		}
	}
	resp, body = c.upload("/api/v1/uploads", "bad.xlsx", uploadWorkbook(t, "tbc"), nil, auth)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"cell":"D2"`) {
		t.Errorf("rejected upload = %d %s", resp.StatusCode, body)
	}
	// Over the limit: a clear 413, before the whole body is read.
	big := bytes.Repeat([]byte("x"), int(defaultTestLimit)+10)
	resp, body = c.upload("/api/v1/uploads", "big.xlsx", big, nil, auth)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "upload limit") {
		t.Errorf("too large = %d %s", resp.StatusCode, body)
	}
	if resp, _ := c.upload("/api/v1/uploads", "Q3.xlsx", uploadWorkbook(t, 8), nil, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous API upload = %d, want 401", resp.StatusCode)
	}
}

// A finance workbook whose title and name give no month is refused with
// the fix, and stored when the uploader gives the month.
func TestFinanceUploadWithPeriod(t *testing.T) {
	ts, st := uploadServer(t, "sqlite")
	u, _, _ := st.UserByName(context.Background(), "fin")
	token, sum, _ := auth.NewAPIToken()
	if err := st.AddToken(context.Background(), u.ID, "ci", sum); err != nil {
		t.Fatal(err)
	}
	files, err := sample.WriteFinance(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var m7 []byte
	for _, f := range files {
		if strings.Contains(f, "M7") {
			m7, _ = os.ReadFile(f)
		}
	}
	if m7 == nil {
		t.Fatal("no M7 sample")
	}
	auth := http.Header{"Authorization": {"Bearer " + token}}
	c := newClient(t, ts)
	resp, body := c.upload("/api/v1/uploads?dry_run=true", "monitoring.xlsx", m7, nil, auth)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "period") {
		t.Errorf("no month anywhere = %d %s", resp.StatusCode, body)
	}
	resp, body = c.upload("/api/v1/uploads?period=2021-22/M7", "monitoring.xlsx", m7, nil, auth)
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("with the month given = %d %s", resp.StatusCode, body)
	}
}

// TestUploadOfAnEmptyWorkbookStoresNothing: the performance template as
// downloaded passes its check but holds nothing to store: the page says
// so, offers no Store button, keeps nothing to confirm, and the history
// is unchanged; a workbook with one value still waits to be stored.
func TestUploadOfAnEmptyWorkbookStoresNothing(t *testing.T) {
	ts, st := uploadServer(t, "sqlite")
	c := newClient(t, ts)
	if resp := c.login("ana", analystPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	resp, template := c.get("/uploads/templates/performance.xlsx")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("template = %d", resp.StatusCode)
	}
	before, _ := st.ListUploads(context.Background())
	resp, body := c.upload("/uploads", "template.xlsx", []byte(template), map[string]string{"_csrf": c.csrf("/uploads")}, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "template.xlsx: nothing to store") || !strings.Contains(body, "there is nothing to store") {
		t.Errorf("the empty template's check = %d, without saying there is nothing to store", resp.StatusCode)
	}
	if confirmSHA.MatchString(body) || strings.Contains(body, "Store this file") {
		t.Error("the empty template is offered to be stored")
	}
	sum := sha256.Sum256([]byte(template))
	resp, _ = c.post("/uploads/confirm", map[string][]string{"sha256": {hex.EncodeToString(sum[:])}, "_csrf": {c.csrf("/uploads")}}, nil)
	if resp.StatusCode == http.StatusOK {
		t.Error("the empty template was stored by confirming its hash")
	}
	if ups, _ := st.ListUploads(context.Background()); len(ups) != len(before) {
		t.Errorf("the history holds %d uploads, want %d", len(ups), len(before))
	}
	if _, body := c.upload("/uploads", "Q3.xlsx", uploadWorkbook(t, 1), map[string]string{"_csrf": c.csrf("/uploads")}, nil); !confirmSHA.MatchString(body) {
		t.Error("a workbook of one value is not offered to be stored")
	}
}

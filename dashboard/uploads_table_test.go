package dashboard

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics"
)

const streetCSV = "Month,Falls within,Crime type\n2019-01,Essex Police,Burglary\n2019-01,Essex Police,Burglary\n2019-02,Essex Police,Robbery\n"

// An analyst uploads a national table in the browser, choosing its
// mapping; the choice is carried from the check to the confirmation.
func TestUploadTableWithMapping(t *testing.T) {
	ts, st := uploadServer(t, "sqlite")
	c := newClient(t, ts)
	if resp := c.login("ana", analystPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	if _, body := c.get("/uploads"); !strings.Contains(body, `<option value="police-uk-street"`) {
		t.Fatal("the upload page offers no table mappings")
	}
	resp, body := c.upload("/uploads", "street.csv", []byte(streetCSV), map[string]string{"_csrf": c.csrf("/uploads"), "map": "police-uk-street"}, nil)
	m := confirmSHA.FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil || !strings.Contains(body, `name="map" value="police-uk-street"`) {
		t.Fatalf("check = %d, confirm form present %t", resp.StatusCode, m != nil)
	}
	resp, body = c.post("/uploads/confirm", map[string][]string{"sha256": {m[1]}, "map": {"police-uk-street"}, "_csrf": {c.csrf("/uploads")}}, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "street.csv: stored") || !strings.Contains(body, "read through the mapping police-uk-street") {
		t.Fatalf("confirm = %d", resp.StatusCode)
	}
	obs, err := st.Series(context.Background(), metrics.Everything, "police-uk-burglary")
	if err != nil || len(obs) != 1 || obs[0].Value != 2 {
		t.Errorf("stored %+v, %v", obs, err)
	}
	resp, _ = c.upload("/uploads", "street.csv", []byte(streetCSV), map[string]string{"_csrf": c.csrf("/uploads"), "map": "../../etc/passwd"}, nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown mapping = %d, want 400", resp.StatusCode)
	}
}

// POST /api/v1/uploads takes the mapping in the field (or parameter) map.
func TestAPIUploadTable(t *testing.T) {
	ts, st := uploadServer(t, "sqlite")
	u, _, _ := st.UserByName(context.Background(), "ana")
	token, sum, _ := auth.NewAPIToken()
	if err := st.AddToken(context.Background(), u.ID, "ci", sum); err != nil {
		t.Fatal(err)
	}
	auth := http.Header{"Authorization": {"Bearer " + token}}
	c := newClient(t, ts)
	resp, body := c.upload("/api/v1/uploads", "street.csv", []byte(streetCSV), map[string]string{"map": "police-uk-street"}, auth)
	var rep ingest.Report
	if err := json.Unmarshal([]byte(body), &rep); err != nil || resp.StatusCode != http.StatusCreated || rep.Kind != metrics.KindTable || rep.Mapping != "police-uk-street" {
		t.Fatalf("upload = %d %s", resp.StatusCode, body)
	}
	resp, body = c.upload("/api/v1/uploads", "street2.csv", []byte(streetCSV+"2019-03,Essex Police,Robbery\n"), nil, auth)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a CSV without a mapping = %d %s", resp.StatusCode, body)
	}
}

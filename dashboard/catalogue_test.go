package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
)

func TestCatalogueEditing(t *testing.T) {
	ts, st := uploadServer(t, "sqlite")
	edit := url.Values{"name": {"999 calls a day"}, "unit": {"calls"}, "direction": {"none"}, "target": {""},
		"classification": {"sensitive"}, "category": {"Demand"}}

	board := newClient(t, ts)
	board.login("board", boardPassword)
	edit.Set("_csrf", board.csrf("/catalogue"))
	if resp, _ := board.post("/catalogue/calls-999", edit, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("board editing the catalogue = %d, want 403", resp.StatusCode)
	}

	ana := newClient(t, ts)
	ana.login("ana", analystPassword)
	edit.Set("_csrf", ana.csrf("/catalogue"))
	if resp, _ := ana.post("/catalogue/calls-999", edit, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("analyst edit = %d", resp.StatusCode)
	}
	m, err := st.GetMetric(context.Background(), metrics.Everything, "calls-999")
	if err != nil || m.Name != "999 calls a day" || m.Classification != metrics.Sensitive {
		t.Errorf("after the edit: %+v %v", m, err)
	}
	// Withdrawn from publication at once.
	if resp, _ := newClient(t, ts).get("/public/metrics/calls-999"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a measure made sensitive is still published: %d", resp.StatusCode)
	}
	log, _ := st.AuditLog(context.Background(), 10)
	if len(log) == 0 || log[0].Action != metrics.AuditCatalogue || !strings.Contains(log[0].Detail, `classification "open" → "sensitive"`) {
		t.Errorf("audit = %+v", log)
	}
	edit.Set("target", "soon")
	if resp, body := ana.post("/catalogue/calls-999", edit, nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "not a number") {
		t.Errorf("a bad target = %d", resp.StatusCode)
	}
}

func TestAdminPageIsForAdmins(t *testing.T) {
	ts, st := uploadServer(t, "sqlite")
	addUser(t, st, "root", metrics.RoleAdmin, boardPassword)
	board := newClient(t, ts)
	board.login("board", boardPassword)
	if resp, _ := board.get("/admin"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("board /admin = %d, want 403", resp.StatusCode)
	}
	admin := newClient(t, ts)
	admin.login("root", boardPassword)
	resp, body := admin.get("/admin")
	if resp.StatusCode != 200 || !strings.Contains(body, "login") || !strings.Contains(body, "ana") {
		t.Errorf("admin /admin = %d", resp.StatusCode)
	}
}

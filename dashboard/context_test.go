package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// hostileLabel would run as script if an annotation's label reached a
// page or a chart option as markup.
const hostileLabel = `<script>alert("ann")</script>`

func TestAnnotationsAndCommentary(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, st := holdServer(t, d)
			addUser(t, st, "ana", metrics.RoleAnalyst, boardPassword)
			analyst, board, public := newClient(t, ts), newClient(t, ts), newClient(t, ts)
			if resp := analyst.login("ana", boardPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("analyst login = %d", resp.StatusCode)
			}
			if resp := board.login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("board login = %d", resp.StatusCode)
			}

			// The analyst sees the forms and adds a span on every measure,
			// a date on this one with a hostile label, and a commentary.
			_, page := analyst.get("/metrics/resp")
			for _, s := range []string{"Add an annotation", `action="/metrics/resp/annotations"`, "Write the commentary for a period", `<option value="2021-12" selected>Dec 2021</option>`} {
				if !strings.Contains(page, s) {
					t.Errorf("analyst's metric page: no %q", s)
				}
			}
			// The form offers every period the measure has, though the
			// page shows only some: the choice of period limits the
			// table and the chart, not what can be commented on.
			periodOption := regexp.MustCompile(`<option value="\d{4}-\d{2}"`)
			_, narrowed := analyst.get("/metrics/resp?period=range&from=2021-12&to=2021-12")
			if all, shown := len(periodOption.FindAllString(page, -1)), len(periodOption.FindAllString(narrowed, -1)); all < 2 || shown != all {
				t.Errorf("the commentary form offers %d periods on the page narrowed to Dec 2021, %d on the whole page", shown, all)
			}
			token := analyst.csrf("/metrics/resp")
			for _, form := range []url.Values{
				{"label": {"Winter lockdowns"}, "start": {"2020-11-05"}, "end": {"2021-03-29"}, "on": {"every"}},
				{"label": {hostileLabel}, "detail": {"Extra patrols & <b>visits</b>"}, "start": {"2021-06-07"}, "on": {"this"}},
			} {
				form.Set("_csrf", token)
				resp, body := analyst.post("/metrics/resp/annotations", form, nil)
				if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/metrics/resp?saved=annotation") {
					t.Fatalf("add annotation = %d %s: %s", resp.StatusCode, resp.Header.Get("Location"), body)
				}
			}
			resp, _ := analyst.post("/metrics/resp/commentary", url.Values{"_csrf": {token}, "period": {"2021-12"}, "text": {"Demand rose after Op Guardian.\nA second <i>line</i>."}}, nil)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("write commentary = %d", resp.StatusCode)
			}
			if resp, _ := analyst.post("/metrics/resp/commentary", url.Values{"_csrf": {token}, "period": {"2030-01"}, "text": {"x"}}, nil); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("commentary for a period the measure lacks = %d, want 400", resp.StatusCode)
			}
			if resp, _ := analyst.post("/metrics/resp/annotations", url.Values{"_csrf": {token}, "label": {"x"}, "start": {"23/03/2020"}}, nil); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("annotation with a badly written date = %d, want 400", resp.StatusCode)
			}

			// The board member reads them, without forms, and the labels
			// are text: on the page and in the chart options.
			_, page = board.get("/metrics/resp")
			for _, s := range []string{
				"Winter lockdowns", "5 Nov 2020 to 29 Mar 2021", "(on every measure)", "Added by ana",
				"&lt;script&gt;alert(", "Extra patrols &amp; &lt;b&gt;visits&lt;/b&gt;",
				`id="commentary-heading"`, "<h3>Dec 2021</h3>", "<p>Demand rose after Op Guardian.</p>", "<p>A second &lt;i&gt;line&lt;/i&gt;.</p>", "Written by ana",
			} {
				if !strings.Contains(page, s) {
					t.Errorf("board's metric page: no %q", s)
				}
			}
			for _, s := range []string{hostileLabel, "<b>visits", "Add an annotation", "Write the commentary", `action="/annotations/`} {
				if strings.Contains(page, s) {
					t.Errorf("board's metric page has %q", s)
				}
			}
			for _, chart := range []string{"chart-series", "chart-spc"} {
				opt := chartOption(t, page, chart)
				if !strings.Contains(opt, `"markLine"`) || !strings.Contains(opt, `\u003cscript\u003e`) {
					t.Errorf("%s: no escaped annotation mark in %s", chart, opt)
				}
				if chart == "chart-series" && !strings.Contains(opt, `"markArea"`) {
					t.Errorf("%s: the lockdown span is not a band", chart)
				}
			}

			// The board may not write; nor may anyone without the token.
			btoken := board.csrf("/metrics/resp")
			for path, form := range map[string]url.Values{
				"/metrics/resp/annotations": {"_csrf": {btoken}, "label": {"x"}, "start": {"2021-01-01"}},
				"/metrics/resp/commentary":  {"_csrf": {btoken}, "period": {"2021-12"}, "text": {"x"}},
				"/annotations/1":            {"_csrf": {btoken}, "metric": {"resp"}, "label": {"x"}, "start": {"2021-01-01"}},
				"/annotations/1/delete":     {"_csrf": {btoken}, "metric": {"resp"}},
			} {
				if resp, _ := board.post(path, form, nil); resp.StatusCode != http.StatusForbidden {
					t.Errorf("board POST %s = %d, want 403", path, resp.StatusCode)
				}
				form.Del("_csrf")
				if resp, _ := analyst.post(path, form, nil); resp.StatusCode != http.StatusForbidden {
					t.Errorf("POST %s without a CSRF token = %d, want 403", path, resp.StatusCode)
				}
			}

			// The public sees the annotations of an open measure, never
			// the commentary, and none of a sensitive measure.
			for _, path := range []string{"/metrics/resp", "/public/metrics/resp"} {
				_, page := public.get(path)
				if !strings.Contains(page, "Winter lockdowns") || strings.Contains(page, "Op Guardian") || strings.Contains(page, "commentary-heading") {
					t.Errorf("public %s: annotations or commentary wrong", path)
				}
			}
			if _, page := public.get("/public/metrics/calls"); !strings.Contains(page, "Winter lockdowns") {
				t.Error("an annotation on every measure is not on another open measure's public page")
			}
			if resp, _ := public.post("/metrics/resp/annotations", url.Values{"label": {"x"}, "start": {"2021-01-01"}}, nil); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusSeeOther {
				t.Errorf("public POST = %d", resp.StatusCode)
			}

			// Edit and delete, then the audit log has every change.
			anns, err := st.Annotations(context.Background(), metrics.Everything, "resp")
			if err != nil || len(anns) != 2 {
				t.Fatalf("annotations = %+v, %v", anns, err)
			}
			hostileID := anns[1].ID
			resp, _ = analyst.post("/annotations/"+strconv.FormatInt(hostileID, 10), url.Values{"_csrf": {token}, "metric": {"resp"}, "label": {"Op Guardian begins"}, "start": {"2021-06-07"}}, nil)
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("edit = %d", resp.StatusCode)
			}
			if _, page := board.get("/metrics/resp"); !strings.Contains(page, "Op Guardian begins") || !strings.Contains(page, "changed by ana") {
				t.Error("the edit is not shown with its author")
			}
			resp, _ = analyst.post("/annotations/"+strconv.FormatInt(hostileID, 10)+"/delete", url.Values{"_csrf": {token}, "metric": {"resp"}}, nil)
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("delete = %d", resp.StatusCode)
			}
			if _, page := board.get("/metrics/resp"); strings.Contains(page, "Op Guardian begins") {
				t.Error("a deleted annotation is still shown")
			}
			log, _ := st.AuditLog(context.Background(), 20)
			var actions []string
			for _, e := range log {
				if e.Action == metrics.AuditAnnotation || e.Action == metrics.AuditCommentary {
					actions = append(actions, e.Actor+" "+e.Detail)
				}
			}
			joined := strings.Join(actions, "\n")
			for _, s := range []string{"ana deleted", "ana changed", "ana added", "Winter lockdowns", "resp, Dec 2021: written"} {
				if !strings.Contains(joined, s) {
					t.Errorf("audit log lacks %q:\n%s", s, joined)
				}
			}
		})
	}
}

// chartOption returns the option JSON of the chart with this id.
func chartOption(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="` + id + `">([^<]*)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no chart %q on the page", id)
	}
	return m[1]
}

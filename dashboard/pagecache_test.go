package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

func TestPageCacheKeepsWithinItsBytes(t *testing.T) {
	pc := newPageCache(1000)
	page := func(key string, n int) *cachedPage {
		return &cachedPage{key: key, version: 1, parts: [][]byte{[]byte(strings.Repeat("x", n))}}
	}
	pc.put(page("a", 200))
	pc.put(page("b", 200))
	pc.put(page("c", 200))
	pc.put(page("huge", 251)) // over a quarter of the budget: not kept
	if _, ok := pc.get("huge", 1); ok {
		t.Error("an answer over a quarter of the budget was kept")
	}
	pc.get("a", 1) // a is now the most recently used, b the least
	pc.put(page("d", 200))
	pc.put(page("e", 200))
	if _, size := pc.kept.Size(); size != 1000 {
		t.Errorf("size %d after five pages of 200 bytes in 1000, want 1000", size)
	}
	pc.put(page("f", 200))
	if _, ok := pc.get("b", 1); ok {
		t.Error("the least recently used page (b) is still kept over the budget")
	}
	for _, key := range []string{"a", "c", "d", "e", "f"} {
		if _, ok := pc.get(key, 1); !ok {
			t.Errorf("page %s was forgotten, though b was used less recently", key)
		}
	}
	pc.put(page("a", 100)) // replacing an entry counts its new size only
	if n, size := pc.kept.Size(); size != 900 || len(pc.kept.Keys()) != n || n != 5 {
		t.Errorf("after replacing a: size %d, %d in order, %d entries; want 900, 5, 5", size, len(pc.kept.Keys()), n)
	}
}

// A kept page is served to the next reader with the same view of the
// figures, with that reader's own name and CSRF token, never another's;
// a reader with another view (the public, an analyst with forms) gets
// their own page; and a change to the figures or their context is shown
// at once.
func TestKeptPagesAreEachReadersOwn(t *testing.T) {
	srv, st := testServer(t, "sqlite")
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	addUser(t, st, "board", metrics.RoleBoard, boardPassword)
	addUser(t, st, "board-two", metrics.RoleBoard, boardPassword)
	addUser(t, st, "ana", metrics.RoleAnalyst, boardPassword)
	first, second, analyst, public := newClient(t, ts), newClient(t, ts), newClient(t, ts), newClient(t, ts)
	for c, name := range map[*client]string{first: "board", second: "board-two", analyst: "ana"} {
		if resp := c.login(name, boardPassword); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s login = %d", name, resp.StatusCode)
		}
	}
	// Each reader's token, from a page that is never kept.
	tokenOf := map[*client]string{}
	for _, c := range []*client{first, second, analyst} {
		tokenOf[c] = c.csrf("/account/password")
	}

	paths := []string{"/", "/metrics/secret", "/metrics/calls-999", "/boardpack?meeting=2030-01-01", "/public", "/public/metrics/calls-999"}
	for _, path := range paths {
		_, want := first.get(path)
		_, got := second.get(path)
		if !strings.Contains(got, "Signed in as board-two (board)") || strings.Contains(got, "Signed in as board (board)") {
			t.Errorf("%s, second reader: the header names the wrong reader", path)
		}
		for _, m := range csrfInput.FindAllStringSubmatch(got, -1) {
			if m[1] != tokenOf[second] {
				t.Errorf("%s, second reader: a form carries the token %q, not the reader's own %q", path, m[1], tokenOf[second])
			}
		}
		if strings.Contains(got, string(srv.shared.csrfHole)) || strings.Contains(want, string(srv.shared.csrfHole)) {
			t.Errorf("%s: the token's placeholder reached a reader", path)
		}
		// The same page but for the header: both were served from one
		// rendering of the content.
		if strip(want, tokenOf[first]) != strip(got, tokenOf[second]) {
			t.Errorf("%s: the two board members' pages differ beyond their name and token", path)
		}
	}
	kept, _ := srv.shared.kept.Size()
	if kept < len(paths) {
		t.Errorf("%d pages kept after reading %d twice, want at least %d", kept, len(paths), len(paths))
	}

	// Another audience is not served the board's pages.
	for _, path := range []string{"/metrics/secret", "/api/v1/metrics/secret/series"} {
		first.get(path)
		if resp, body := public.get(path); resp.StatusCode != http.StatusNotFound || strings.Contains(body, fmt.Sprint(secretValue)) {
			t.Errorf("public %s after a board member read it = %d, want 404 without the value", path, resp.StatusCode)
		}
	}
	if _, body := public.get("/"); strings.Contains(body, "Secret measure") {
		t.Error("the public overview, read after the board's, shows a sensitive measure")
	}
	_, board := first.get("/metrics/calls-999")
	_, ana := analyst.get("/metrics/calls-999")
	if strings.Contains(board, "Add an annotation") || !strings.Contains(ana, "Add an annotation") {
		t.Error("the analyst's metric page and the board member's are not each their own (the annotation form)")
	}
	if m := csrfInput.FindAllStringSubmatch(ana, -1); len(m) < 2 || m[1][1] != tokenOf[analyst] {
		t.Errorf("the analyst's forms do not carry the analyst's token: %v", m)
	}

	// A change to a measure's context shows at once.
	if _, err := st.AddAnnotation(context.Background(), metrics.Annotation{MetricID: "calls-999", Start: time.Date(2021, 8, 9, 0, 0, 0, 0, time.UTC),
		Label: "Operation Kept-Page", CreatedBy: "ana", UpdatedBy: "ana"}); err != nil {
		t.Fatal(err)
	}
	if _, body := first.get("/metrics/calls-999"); !strings.Contains(body, "Operation Kept-Page") {
		t.Error("a new annotation is not on the metric page read just before it was added")
	}
}

// strip removes a reader's name and token from a page.
func strip(body, token string) string {
	body = strings.ReplaceAll(body, token, "TOKEN")
	for _, name := range []string{"board-two", "board"} {
		body = strings.ReplaceAll(body, "Signed in as "+name+" ", "Signed in as NAME ")
	}
	return body
}

// A kept page is kept under the query parameters it reads, no others:
// any number of addresses that differ in what the page does not read
// (tracking tags, cache-busters) are one page, rendered and kept once;
// parameters the page could not read as given (an area the measure does
// not have, a year written with a leading zero) are answered, but not
// kept. Before, every new query string rendered and kept a new page.
func TestPagesAreKeptByTheParametersTheyRead(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			srv, st := testServer(t, d)
			ts := httptest.NewServer(srv)
			t.Cleanup(ts.Close)
			addUser(t, st, "board", metrics.RoleBoard, boardPassword)
			board, public := newClient(t, ts), newClient(t, ts)
			if resp := board.login("board", boardPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login = %d", resp.StatusCode)
			}
			kept := func() int { n, _ := srv.shared.kept.Size(); return n }
			zeros := func(i int) string { return strings.Repeat("0", i+1) + "2019" }
			num := func(f string) func(int) string { return func(i int) string { return fmt.Sprintf(f, i) } }
			for _, tc := range []struct {
				c      *client
				path   string
				unread []func(int) string // query strings the page must not be kept under
			}{
				{public, "/", []func(int) string{num("utm_source=mail&n=%d"), num("category=No such category %d")}},
				{board, "/", []func(int) string{num("x=%d")}},
				{public, "/metrics/calls-999", []func(int) string{num("x=%d"), num("area=Nowhere%d"), num("compare=Nowhere%d"),
					func(i int) string { return "baseline=" + zeros(i) }}},
				{board, "/metrics/secret", []func(int) string{num("cachebuster=%d"), func(i int) string { return "baseline=" + strings.Repeat("+", i%2) + zeros(i) }}},
				{public, "/api/v1/metrics/calls-999/series", []func(int) string{num("x=%d"), num("area=Nowhere%d"), func(i int) string { return "baseline=" + zeros(i) }}},
				{public, "/public", []func(int) string{num("x=%d")}},
				{public, "/public/metrics/calls-999", []func(int) string{num("area=%d")}},
				{board, "/boardpack?meeting=2030-01-01", []func(int) string{num("x=%d")}},
				{board, "/finance", []func(int) string{num("x=%d"), num("year=%d")}},
			} {
				want, first := getOK(t, tc.c, tc.path)
				before := kept()
				for _, q := range tc.unread {
					for i := range 5 {
						sep := "?"
						if strings.Contains(tc.path, "?") {
							sep = "&"
						}
						p := tc.path + sep + q(i)
						status, body := getOK(t, tc.c, p)
						if strings.HasPrefix(q(i), "x=") || strings.HasPrefix(q(i), "utm") || strings.HasPrefix(q(i), "cachebuster") {
							// Not read at all: the same page (each reader's
							// CSRF token aside).
							if status != want || csrfInput.ReplaceAllString(body, "") != csrfInput.ReplaceAllString(first, "") {
								t.Errorf("%s = %d and differs from %s (%d)", p, status, tc.path, want)
							}
						}
					}
				}
				if after := kept(); after != before {
					t.Errorf("%s: %d pages kept after %d addresses that differ only in what it does not read or cannot, want %d", tc.path, after, 5*len(tc.unread), before)
				}
			}
			// A parameter the page reads, as given, is a page of its own.
			before := kept()
			getOK(t, public, "/metrics/calls-999?area=South")
			getOK(t, public, "/metrics/calls-999?area=South&utm=1")
			if kept() != before+1 {
				t.Errorf("?area=South: %d pages kept, want %d", kept(), before+1)
			}
			if _, body := public.get("/metrics/calls-999?area=South"); !strings.Contains(body, "South") {
				t.Errorf("the South page does not show South")
			}
		})
	}
}

func getOK(t *testing.T, c *client, path string) (int, string) {
	t.Helper()
	resp, body := c.get(path)
	if resp.StatusCode >= 500 {
		t.Fatalf("%s = %d", path, resp.StatusCode)
	}
	return resp.StatusCode, body
}

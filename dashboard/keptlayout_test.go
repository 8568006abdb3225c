package dashboard

import (
	"bytes"
	"html/template"
	"reflect"
	"testing"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/metrics"
)

// The layout filled for a reader is the one the template writes for
// them, byte for byte, whatever their name holds: escaped alike, and
// never markup.
func TestKeptLayoutIsTheTemplates(t *testing.T) {
	srv, _ := testServer(t, "sqlite")
	users := []*metrics.User{
		nil,
		{Name: "Ann Board", Role: metrics.RoleBoard},
		{Name: `<script>alert("x")</script> O'Brien & Co + 1` + "\x00", Role: metrics.RoleAdmin},
		{Name: "hole-name-" + "not the mark", Role: metrics.RoleAnalyst},
		{Name: "Zoë Ünïcödé \xff", Role: metrics.RoleFinance},
	}
	pages := []struct {
		template string
		page     Page
	}{
		{"metric", Page{Title: hostile, Path: "/metrics/x", Sensitive: true}},
		{"overview", Page{Title: "Overview", Path: "/", Organisation: `Office of the <PCC> & "friends"`}},
		{"boardpack", Page{Title: "Board pack", Path: "/boardpack", PrintCSS: "/boardpack/print.css?m=2021-12-01"}},
	}
	for _, pg := range pages {
		for _, u := range users {
			p := pg.page
			p.Version, p.Root, p.User, p.Nav = "test", "/", u, auth.NavFor(u)
			p.CSRF = `tok+/=<"'&>`
			l, err := srv.layoutFor(pg.template, p)
			if err != nil {
				t.Fatal(err)
			}
			head, tail := l.fill(u, p.CSRF)
			got := append(append(head, "BODY"...), tail...)
			p.Body = template.HTML("BODY")
			want, err := srv.execute(pg.template, p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s for %+v:\n got %s\nwant %s", pg.template, u, got, want)
			}
			if u != nil && bytes.Contains(got, []byte("<script>alert")) {
				t.Errorf("%s: a name was written as markup", pg.template)
			}
		}
	}
	// Kept: the second reader of a kind is not rendered again.
	p := Page{Title: "Overview", Path: "/", Version: "test", Root: "/"}
	a, _ := srv.layoutFor("overview", p)
	b, _ := srv.layoutFor("overview", p)
	if a != b {
		t.Error("the layout was rendered again for a reader of the same kind")
	}
}

// Whatever the layout reads from a Page, besides the reader's name,
// role and token and the body, is in the key its layout is kept by: a
// field added to Page and shown by the layout must be added to the key
// too, or readers would get each other's.
func TestLayoutKeyHoldsEveryPageField(t *testing.T) {
	base := Page{}
	typ := reflect.TypeOf(base)
	for i := range typ.NumField() {
		f := typ.Field(i)
		switch f.Name {
		case "CSRF", "Body": // filled for each request
			continue
		}
		p := base
		v := reflect.ValueOf(&p).Elem().Field(i)
		switch v.Kind() {
		case reflect.String:
			v.SetString("changed")
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Pointer:
			v.Set(reflect.New(f.Type.Elem()))
		case reflect.Struct:
			v.Field(0).SetBool(true)
		default:
			t.Fatalf("Page.%s is a %s: teach this test to change it", f.Name, v.Kind())
		}
		if layoutKey("overview", p) == layoutKey("overview", base) {
			t.Errorf("Page.%s is not in the layout's key", f.Name)
		}
	}
}

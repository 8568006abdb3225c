package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/labstack/echo/v4"
)

// TestPolicy is policy.go's table as a test: what the public, each role
// and a disabled user may do. "ok" allows, "403" refuses saying why,
// "404" answers as for a page that does not exist, "login" sends to
// sign-in.
func TestPolicy(t *testing.T) {
	user := func(r metrics.Role) *metrics.User { return &metrics.User{ID: 1, Name: "u", Role: r} }
	readers := []struct {
		name string
		u    *metrics.User
	}{
		{"public", nil},
		{"board", user(metrics.RoleBoard)},
		{"finance", user(metrics.RoleFinance)},
		{"analyst", user(metrics.RoleAnalyst)},
		{"admin", user(metrics.RoleAdmin)},
		{"disabled", &metrics.User{ID: 2, Name: "d", Role: metrics.RoleAdmin, Disabled: true}},
	}
	outcome := func(err error) string {
		if err == nil {
			return "ok"
		}
		if he, ok := err.(*echo.HTTPError); ok && he.Code == http.StatusNotFound {
			return "404"
		}
		if metrics.ErrorCode(err) == metrics.EFORBIDDEN {
			return "403"
		}
		return err.Error()
	}
	middleware := func(mw echo.MiddlewareFunc, c echo.Context) string {
		err := mw(func(echo.Context) error { return nil })(c)
		if err == nil && c.Response().Status == http.StatusSeeOther {
			return "login"
		}
		return outcome(err)
	}
	checks := []struct {
		name string
		do   func(c echo.Context, u *metrics.User) string
		want [6]string // public, board, finance, analyst, admin, disabled
	}{
		{"RequireUser", func(c echo.Context, _ *metrics.User) string { return middleware(RequireUser, c) },
			[6]string{"login", "ok", "ok", "ok", "ok", "ok"}},
		{"SignedInOrNotFound", func(c echo.Context, _ *metrics.User) string { return middleware(SignedInOrNotFound, c) },
			[6]string{"404", "ok", "ok", "ok", "ok", "ok"}},
		{"RequireUploader", func(c echo.Context, _ *metrics.User) string { return middleware(RequireUploader, c) },
			[6]string{"login", "403", "ok", "ok", "403", "403"}},
		{"MayUpload performance", func(_ echo.Context, u *metrics.User) string { return outcome(MayUpload(u, metrics.KindPerformance)) },
			[6]string{"403", "403", "403", "ok", "403", "403"}},
		{"MayUpload finance", func(_ echo.Context, u *metrics.User) string { return outcome(MayUpload(u, metrics.KindFinance)) },
			[6]string{"403", "403", "ok", "403", "403", "403"}},
		{"MayUpload table", func(_ echo.Context, u *metrics.User) string { return outcome(MayUpload(u, metrics.KindTable)) },
			[6]string{"403", "403", "403", "ok", "403", "403"}},
		{"MayEditCatalogue", func(_ echo.Context, u *metrics.User) string { return outcome(MayEditCatalogue(u)) },
			[6]string{"403", "403", "403", "ok", "403", "403"}},
		{"MayWriteContext", func(c echo.Context, _ *metrics.User) string { _, err := MayWriteContext(c); return outcome(err) },
			[6]string{"403", "403", "403", "ok", "403", "403"}},
		{"MayDecideProposals", func(_ echo.Context, u *metrics.User) string { return outcome(MayDecideProposals(u)) },
			[6]string{"403", "403", "403", "403", "ok", "403"}},
		{"MayReadEditions", func(c echo.Context, _ *metrics.User) string { return outcome(MayReadEditions(c)) },
			[6]string{"404", "ok", "ok", "ok", "ok", "404"}},
		{"MayPublishEdition", func(c echo.Context, _ *metrics.User) string { return outcome(MayPublishEdition(c)) },
			[6]string{"404", "403", "403", "ok", "ok", "404"}},
		{"RequireAdmin", func(c echo.Context, _ *metrics.User) string { return middleware(RequireAdmin, c) },
			[6]string{"403", "403", "403", "403", "ok", "403"}},
	}
	e := echo.New()
	for _, ch := range checks {
		for i, r := range readers {
			c := e.NewContext(httptest.NewRequest(http.MethodGet, "/page", nil), httptest.NewRecorder())
			if r.u != nil {
				SetUser(c, r.u)
			}
			if got := ch.do(c, r.u); got != ch.want[i] {
				t.Errorf("%s for %s: %s, want %s", ch.name, r.name, got, ch.want[i])
			}
		}
	}
}

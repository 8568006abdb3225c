package dashboard

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/assure-pcc/assure/metrics"
)

// The account pages pass axe and reflow at 320 px, and an administrator
// can issue a token with the browser alone: the form posts, with its
// CSRF token, and the token is shown once.
func TestAdminPagesInABrowser(t *testing.T) {
	ctx := browser(t)
	ts, st := authServer(t, "sqlite")
	addUser(t, st, "root", metrics.RoleAdmin, adminPassword)
	boardID := userID(t, st, "board")
	err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+"/login"), chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", "root"), chromedp.SendKeys("#password", adminPassword),
		chromedp.Submit("#password"), chromedp.WaitVisible(".site-header__user form"))
	if err != nil {
		t.Fatalf("signing in: %v", err)
	}
	for _, p := range []string{"/admin", "/admin/users/" + boardID, "/account/password"} {
		if err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+p), chromedp.WaitReady("main")); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		checkAxe(t, ctx, p)
		checkReflow(t, ctx, p)
	}
	var secret string
	err = chromedp.Run(ctx, chromedp.Navigate(ts.URL+"/admin/users/"+boardID), chromedp.WaitVisible("#token-name"),
		chromedp.SendKeys("#token-name", "browser"), chromedp.Submit("#token-name"),
		chromedp.WaitVisible("#secret"), chromedp.Value("#secret", &secret))
	if err != nil {
		t.Fatalf("issuing a token: %v", err)
	}
	if !strings.HasPrefix(secret, "assure_") {
		t.Errorf("the page shows %q, want a token", secret)
	}
	checkAxe(t, ctx, "the new token")
	if ts, _ := st.ListTokens(t.Context()); len(ts) != 1 || ts[0].Name != "browser" {
		t.Errorf("tokens = %+v", ts)
	}
}

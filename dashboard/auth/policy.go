// Package auth is who the dashboard's reader is and what they may do:
// sign-in sessions, passwords, API tokens and the sign-in throttle
// (sessions.go, passwords.go, throttle.go), and, in this file, the whole
// access policy. Every handler asks this file; the role rules it applies
// are the domain's (metrics.User: CanUpload, CanEditCatalogue, ...), and
// what a reader may see of the figures is their metrics.Scope, which
// every store read takes.
package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/assure-pcc/assure/metrics"
	"github.com/labstack/echo/v4"
)

// Who may see and do what:
//
//	the public           open measures, the public pages and API; never finance,
//	                     response times, editions, uploads or the catalogue (404 or sign-in)
//	every signed-in user everything sensitive too (metrics.User.Scope), the uploads list,
//	                     the catalogue and its proposals, their own password
//	analysts             upload performance workbooks and tables (and download their
//	                     template, filled in with the catalogue), edit the catalogue,
//	                     write annotations and commentary, publish board pack editions
//	finance officers     upload finance workbooks (and download their template)
//	administrators       users and tokens, approve classification proposals,
//	                     publish board pack editions
//	a disabled user      what the public sees
//
// Routes apply the middleware below (RequireUser, RequireAdmin,
// SignedInOrNotFound, RequireUploader); handlers call the May functions
// for what depends on what they read (the kind of an upload, say).

// User is the request's signed-in user, or nil for the public.
func User(c echo.Context) *metrics.User {
	u, _ := c.Get(userContextKey).(*metrics.User)
	return u
}

// SetUser makes u the request's user (Authenticate does).
func SetUser(c echo.Context, u *metrics.User) { c.Set(userContextKey, u) }

// Scope is what the request's reader may see of the figures.
func Scope(c echo.Context) metrics.Scope { return User(c).Scope() }

// Audience names who a request is answered for, as far as a page kept
// for several readers can differ: the public, or the signed-in reader's
// role (what they may see and which forms they get).
func Audience(c echo.Context) string {
	if u := User(c); u != nil {
		return "role:" + string(u.Role)
	}
	return "public"
}

// RequireUser refuses the public: pages redirect to sign-in, the API
// answers 401.
func RequireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if User(c) != nil {
			return next(c)
		}
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			return echo.NewHTTPError(http.StatusUnauthorized, "Sign in or send an API token.")
		}
		return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
	}
}

// RequireAdmin refuses everyone but administrators, signed in or not.
func RequireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := User(c)
		if !u.IsAdmin() {
			return metrics.Errorf(metrics.EFORBIDDEN, "Only administrators manage users and tokens; %s.", signedInAs(u))
		}
		return next(c)
	}
}

// SignedInOrNotFound hides a page from the public with the answer a page
// that does not exist gets, so that the public cannot tell that it is
// there.
func SignedInOrNotFound(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if User(c) == nil {
			return echo.ErrNotFound
		}
		return next(c)
	}
}

// RequireUploader refuses, before the body is read, anyone who may
// upload nothing: the public (as RequireUser does) and roles that upload
// no kind. Which kind a file is, and so whether this user may store it,
// is known only once it is read (MayUpload).
func RequireUploader(next echo.HandlerFunc) echo.HandlerFunc {
	return RequireUser(func(c echo.Context) error {
		u := User(c)
		if u.CanUploadAny() {
			return next(c)
		}
		return metrics.Errorf(metrics.EFORBIDDEN, "Workbooks are uploaded by analysts and finance officers; %s.", signedInAs(u))
	})
}

// MayUpload says whether u may store workbooks of a kind: nil, or why
// not.
func MayUpload(u *metrics.User, kind string) error {
	if u.CanUpload(kind) {
		return nil
	}
	return metrics.Errorf(metrics.EFORBIDDEN, "%s workbooks are uploaded by %s; %s.", kind, metrics.UploadedBy(kind), signedInAs(u))
}

// MayEditCatalogue refuses anyone but an analyst.
func MayEditCatalogue(u *metrics.User) error {
	if !u.CanEditCatalogue() {
		return metrics.Errorf(metrics.EFORBIDDEN, "Only analysts edit the catalogue; %s.", signedInAs(u))
	}
	return nil
}

// MayWriteContext refuses anyone but an analyst the annotations and
// commentary; it returns the writer.
func MayWriteContext(c echo.Context) (*metrics.User, error) {
	u := User(c)
	if !u.CanEditCatalogue() {
		return nil, metrics.Errorf(metrics.EFORBIDDEN, "Only analysts write annotations and commentary; %s.", signedInAs(u))
	}
	return u, nil
}

// MayDecideProposals refuses anyone but an administrator the approval
// or refusal of a classification proposal.
func MayDecideProposals(u *metrics.User) error {
	if !u.CanApproveClassification() {
		return metrics.Errorf(metrics.EFORBIDDEN, "Only administrators approve or refuse classification proposals; %s.", signedInAs(u))
	}
	return nil
}

// MayReadEditions refuses readers who may not see sensitive data the
// board pack's editions, with the answer a page that does not exist
// gets.
func MayReadEditions(c echo.Context) error {
	if !Scope(c).Sensitive {
		return echo.ErrNotFound
	}
	return nil
}

// MayPublishEdition refuses anyone but analysts and administrators the
// publication of a board pack edition (MayReadEditions first).
func MayPublishEdition(c echo.Context) error {
	if err := MayReadEditions(c); err != nil {
		return err
	}
	if u := User(c); !u.CanPublishBoardPack() {
		return metrics.Errorf(metrics.EFORBIDDEN, "Only analysts and administrators publish the board pack; %s.", signedInAs(u))
	}
	return nil
}

// signedInAs says who is refused, for the end of a refusal.
func signedInAs(u *metrics.User) string {
	if u == nil {
		return "you are not signed in"
	}
	return fmt.Sprintf("you are signed in as %s (%s)", u.Name, u.Role)
}

// Nav is which links of the site's navigation a reader gets: each page
// a reader may not open, or has no use for, is left out, so that the
// navigation is short and shows what is theirs.
type Nav struct {
	// Finance, ResponseTimes and BoardCycle (board pack, meetings,
	// actions, alerts): every signed-in user.
	Finance, ResponseTimes, BoardCycle bool
	// Uploads and Catalogue: those who upload or keep the catalogue
	// (analysts, finance officers, administrators); a board member reads
	// the figures, not the workbench behind them.
	Uploads, Catalogue bool
	// Admin: administrators.
	Admin bool
	// API: signed-in users; the public reads the published pages, not a
	// raw JSON link.
	API bool
}

// NavFor is the navigation of u (nil for the public).
func NavFor(u *metrics.User) Nav {
	if u == nil || u.Disabled {
		return Nav{}
	}
	work := u.Role != metrics.RoleBoard
	return Nav{Finance: true, ResponseTimes: true, BoardCycle: true, Uploads: work, Catalogue: work, Admin: u.IsAdmin(), API: true}
}

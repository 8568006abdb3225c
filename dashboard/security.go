package dashboard

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// contentSecurityPolicy allows scripts, styles and fonts from Assure
// itself only: no inline script (charts read their options from JSON
// elements), nothing from another host, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers echo's Secure middleware leaves out
// (a Content-Security-Policy above all) on every response.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if c.Request().TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// privateResponses marks every answer but the static files private to
// its reader: no cache, in the browser or on the way, may keep it
// (Cache-Control: no-store), and one that ignores that must still not
// hand a reader's answer to another (Vary: Authorization, Cookie). The
// series and finance API, the exports and the original files carry
// sensitive figures to whoever may see them, and error pages name what
// was asked for; it is set before the handler runs so that no route,
// and no error, can go out without it. Static files set their own.
func privateResponses(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			h := c.Response().Header()
			h.Set("Cache-Control", "no-store")
			h.Set("Vary", "Authorization, Cookie")
		}
		return next(c)
	}
}

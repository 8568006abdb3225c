package dashboard

import (
	"io/fs"
	"net/http"

	"github.com/assure-pcc/assure/static"
	"github.com/labstack/echo/v4"
)

// staticHandler serves the embedded css, scripts and images under /static.
func staticHandler() echo.HandlerFunc {
	sub, err := fs.Sub(static.FS, ".")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

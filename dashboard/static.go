package dashboard

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/static"
)

// The embedded css, scripts and images, served under /static/.
//
// Each file is also served under a name that carries a hash of its
// content (css/assure.css as css/assure.3f9c2a1b7e4d.css): pages link to
// that name, which a browser may keep for a year, since a new release
// with a changed file links to a new name. The plain names stay, kept an
// hour, for the published site and for anything that linked to them.
// Text files (the stylesheet, the scripts, the icon) go out gzipped to
// browsers that accept it: ECharts is 1 MB as it is, about a third of
// that gzipped. Each is compressed once, on its first request.

// asset is one embedded file.
type asset struct {
	name    string // as embedded: "js/echarts.min.js"
	hashed  string // with its content hash: "js/echarts.min.3f9c2a1b7e4d.js"
	content []byte
	etag    string
	ctype   string

	gzipOnce sync.Once
	gzipped  []byte // nil when compressing does not pay
}

// assets are the embedded files, by plain and by hashed name.
type assets struct {
	byName map[string]*asset
}

var (
	assetsOnce sync.Once
	theAssets  *assets
)

// staticAssets reads the embedded files once.
func staticAssets() *assets {
	assetsOnce.Do(func() {
		a := &assets{byName: map[string]*asset{}}
		err := fs.WalkDir(static.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(static.FS, p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			h := hex.EncodeToString(sum[:])[:12]
			ext := path.Ext(p)
			f := &asset{name: p, hashed: strings.TrimSuffix(p, ext) + "." + h + ext, content: b, etag: `"` + h + `"`,
				ctype: mime.TypeByExtension(ext)}
			if f.ctype == "" {
				f.ctype = http.DetectContentType(b)
			}
			a.byName[f.name] = f
			a.byName[f.hashed] = f
			return nil
		})
		if err != nil {
			panic("embedded static files: " + err.Error())
		}
		theAssets = a
	})
	return theAssets
}

// assetPath is the address a page links to for an embedded file: under
// root "/" (the dashboard) its content-hashed name, elsewhere (a
// published site, which copies the files under their plain names) the
// plain name. An unknown name is returned as it is, so a typo shows as a
// 404 in the browser rather than a broken page.
func assetPath(root, name string) string {
	if root == "/" {
		if f, ok := staticAssets().byName[name]; ok {
			return "/static/" + f.hashed
		}
	}
	return root + "static/" + name
}

// compressible reports whether a file is text worth gzipping.
func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") || strings.Contains(ctype, "svg") || strings.Contains(ctype, "json")
}

func (f *asset) gzip() []byte {
	f.gzipOnce.Do(func() {
		if !compressible(f.ctype) || len(f.content) < 1024 {
			return
		}
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		w.Write(f.content)
		w.Close()
		if buf.Len() < len(f.content)*9/10 {
			f.gzipped = buf.Bytes()
		}
	})
	return f.gzipped
}

// staticHandler serves the embedded files under /static/.
func staticHandler() echo.HandlerFunc {
	a := staticAssets()
	return func(c echo.Context) error {
		name := strings.TrimPrefix(c.Request().URL.Path, "/static/")
		f, ok := a.byName[name]
		if !ok {
			return echo.ErrNotFound
		}
		h := c.Response().Header()
		if name == f.hashed {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "public, max-age=3600")
		}
		h.Set("ETag", f.etag)
		h.Set("Vary", "Accept-Encoding")
		h.Set(echo.HeaderContentType, f.ctype)
		if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, f.etag) {
			return c.NoContent(http.StatusNotModified)
		}
		body := f.content
		if gz := f.gzip(); gz != nil && acceptsGzip(c.Request()) {
			h.Set("Content-Encoding", "gzip")
			body = gz
		}
		h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
		h.Set("Last-Modified", startTime)
		c.Response().WriteHeader(http.StatusOK)
		if c.Request().Method == http.MethodHead {
			return nil
		}
		_, err := c.Response().Write(body)
		return err
	}
}

// startTime stamps the embedded files, which change only with the binary.
var startTime = time.Now().UTC().Format(http.TimeFormat)

package dashboard

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/assure-pcc/assure/dashboard/auth"
	"github.com/assure-pcc/assure/dashboard/cache"
)

// pageCache keeps what the most read pages and API answers render to (a
// metric page's content, the overview's, the board pack's, the public
// pages', a series as JSON), until the store's page version moves, in
// the one cache (see package cache). A
// metric page of 20 areas over ten years is 600 KB of HTML and tens of
// milliseconds of template work; fifty readers at once on a 2-core
// machine queue behind each other for that work alone. Served from here,
// a page costs one small version query and a copy.
//
// What is kept must be the same for every reader it is served to: the
// key holds the path and query, the reader's audience (the role, or the
// public: what they may see and which forms they get) and the day, and
// each answer is kept with the page version it was made at (figures,
// catalogue, annotations, commentary, editions).
// The parts of a page that are a reader's own (their name in the
// header, the CSRF token of their forms) are not kept: the header is
// rendered for each request around the kept content, and the content is
// rendered with a placeholder token that each request replaces with its
// own.
//
// A kept answer is held compressed, and goes out as it is held to
// readers who accept gzip (see packedbody.go): a metric page's 600 KB
// is about 50 KB so.
//
// It holds at most maxBytes of compressed bodies, forgetting the least
// recently used; an answer larger than a quarter of that is not kept.
type pageCache struct {
	maxBytes int
	kept     *cache.Cache[*cachedPage]
	// csrfHole stands for the CSRF token in kept content: random, so no
	// spreadsheet label can contain it.
	csrfHole []byte
	// layouts keeps the layout around kept bodies, cut at holes (see
	// keptlayout.go).
	layouts *cache.Cache[*keptLayout]
	holes   layoutHoles
	// sizes is the size of the answer last made of each template, for
	// the next one's buffer (see renderShared).
	sizes sync.Map // template name → int
}

// cachedPage is a kept body and what the layout needs to wrap it: the
// page's template set, title and marking (none for JSON).
type cachedPage struct {
	key     string
	version int64
	// parts is the body cut at each csrfHole, once, when it is made:
	// scanning the body for the holes on every request was 14% of the
	// load test's CPU (the hole begins with a letter common in HTML). A
	// JSON answer is one part. Once the answer is kept they are packed,
	// and parts is nil.
	parts  [][]byte
	packed *packedBody
	// template is empty for JSON, which has no layout.
	template  string
	title     string
	sensitive bool
	printCSS  string
}

// defaultPageCacheBytes bounds the kept answers as held, compressed.
// Every answer the load test's clients ask for (200 metric pages and
// series, 130 public metric pages, 36 finance months, the overviews and
// the board pack: 569 answers, 267 MB as sent uncompressed) is 18 MB
// so; 64 MB holds that three times over, for the other audiences'
// own pages (analysts', administrators') and larger databases, and
// lets one answer (a quarter of it) be a board pack of thousands of
// measures. Uncompressed, the bound was 256 MB, and the pages 248 MB
// of the load test's live heap.
const defaultPageCacheBytes = 64 << 20

func newPageCache(maxBytes int) *pageCache {
	hole := make([]byte, 24)
	_, _ = rand.Read(hole) // crypto/rand.Read never fails
	return &pageCache{maxBytes: maxBytes, kept: cache.New(maxBytes, (*cachedPage).cost),
		csrfHole: []byte("csrf-" + hex.EncodeToString(hole)), holes: newLayoutHoles(),
		layouts: newLayoutCache()}
}

// cost is what an answer counts against the budget: its bytes as held.
func (e *cachedPage) cost() int {
	if e.packed != nil {
		return e.packed.bytes
	}
	n := 0
	for _, p := range e.parts {
		n += len(p)
	}
	return n
}

// pack compresses the answer's parts to be kept (see packedbody.go).
func (e *cachedPage) pack() error {
	if e.packed != nil {
		return nil
	}
	b, err := pack(e.parts)
	if err != nil {
		return fmt.Errorf("keep %s: %w", strings.ReplaceAll(e.key, "\x00", " "), err)
	}
	e.packed, e.parts = b, nil
	return nil
}

func (pc *pageCache) get(key string, version int64) (*cachedPage, bool) {
	return pc.kept.Get(key, version)
}

// put keeps e, counted as it is held: pack it first.
func (pc *pageCache) put(e *cachedPage) {
	if e.cost() > pc.maxBytes/4 {
		return
	}
	pc.kept.Put(e.key, e.version, e)
}

// sharedKey is the cache key of the request's answer: its path and the
// query parameters the page reads (params), no others, so that
// "?utm_source=…" or "?x=1", "?x=2", … are the one page, rendered and
// kept once.
func (s *Server) sharedKey(c echo.Context, params []string) string {
	q := url.Values{}
	for _, p := range params {
		if v := c.QueryParam(p); v != "" {
			q.Set(p, v)
		}
	}
	return strings.Join([]string{c.Request().URL.Path, q.Encode(), auth.Audience(c), s.now().Format(time.DateOnly)}, "\x00")
}

// asGiven reports whether the query parameter name is absent, or given
// as one of the spellings the page reads it as. A page whose parameters
// were not all as given (an area the measure does not have, 2019
// written "02019") is shown but not kept: otherwise every such address
// would render and keep a page of its own.
func asGiven(c echo.Context, name string, spellings ...string) bool {
	raw := c.QueryParam(name)
	return raw == "" || slices.Contains(spellings, raw)
}

// pageBase lets renderShared reach the Page that every page's data
// embeds.
type pageBase interface{ base() *Page }

func (p *Page) base() *Page { return p }

// sharedPage is what a handler of a kept page builds on a miss: the
// page's template, its data (a pointer to a struct embedding Page), and
// whether it may be kept (not while it shows figures being replaced).
type sharedPage struct {
	name string
	data pageBase
	keep bool
}

// renderShared answers with the page build makes, from the cache when
// the page version has not moved; params are the query parameters the
// page reads (see sharedKey). build must check that the reader may
// see the page, and return its error (a 404, say) otherwise: nothing is
// kept then, and a later reader of the same audience gets the same
// answer from build again.
func (s *Server) renderShared(c echo.Context, params []string, build func() (sharedPage, error)) error {
	e, err := s.kept(c, params, func(key string, version int64) (*cachedPage, bool, error) {
		sp, err := build()
		if err != nil {
			return nil, false, err
		}
		p := sp.data.base()
		own := p.CSRF
		p.CSRF = string(s.shared.csrfHole)
		// Made the size of the last answer of its template (a metric
		// page is about the same size as the last one): grown from
		// nothing by doubling, the buffer allocated twice the page, half
		// of a metric page's garbage.
		var buf bytes.Buffer
		if n, ok := s.shared.sizes.Load(sp.name); ok {
			buf.Grow(n.(int) + n.(int)/8)
		}
		err = s.pages[sp.name].ExecuteTemplate(&buf, "content", sp.data)
		s.shared.sizes.Store(sp.name, buf.Len())
		p.CSRF = own
		if err != nil {
			return nil, false, err
		}
		// Not copied: a kept answer keeps its parts compressed (pack),
		// and one not kept is written from the buffer and forgotten.
		return &cachedPage{key: key, version: version, parts: bytes.Split(buf.Bytes(), s.shared.csrfHole),
			template: sp.name, title: p.Title, sensitive: p.Sensitive, printCSS: p.PrintCSS}, sp.keep, nil
	})
	if err != nil {
		return err
	}
	return s.renderKept(c, e)
}

// kept is the request's answer from the cache when the page version has
// not moved, else the one answer makes for the key (see fill). The
// version is read before answer reads anything, so a kept answer is
// never older than the version it is kept by.
//
// The answer for a key is made once however many requests ask for it at
// the same time: the first makes it with its own request, the others
// wait for it (they would all make the same), and it is kept when
// answer says so. If the first reader gives up half way, the others make
// their own.
func (s *Server) kept(c echo.Context, params []string, answer func(key string, version int64) (*cachedPage, bool, error)) (*cachedPage, error) {
	ctx := c.Request().Context()
	version, err := s.pageVersion(ctx)
	if err != nil {
		return nil, err
	}
	key := s.sharedKey(c, params)
	if e, ok := s.shared.get(key, version); ok {
		return e, nil
	}
	return s.shared.kept.Fill(ctx, key+"\x00"+strconv.FormatInt(version, 10), func() (*cachedPage, error) {
		e, keep, err := answer(key, version)
		if err != nil || !keep {
			return e, err
		}
		// Packed before any reader has it: the readers waiting for this
		// answer get it packed too.
		if err := e.pack(); err != nil {
			s.logger.Error("keep an answer", "err", err)
			return e, nil // served as made, not kept
		}
		s.shared.put(e)
		return e, nil
	})
}

// renderKept wraps kept content in the layout for this request's reader,
// writing the kept body as it is (a board pack is megabytes: it is
// neither copied through the template nor into a new buffer).
func (s *Server) renderKept(c echo.Context, e *cachedPage) error {
	p := s.page(c, e.title)
	p.Sensitive = e.sensitive
	p.PrintCSS = e.printCSS
	layout, err := s.layoutFor(e.template, p)
	if err != nil {
		return err
	}
	head, tail := layout.fill(p.User, p.CSRF)
	// The kept body goes out with the reader's own CSRF token in each form.
	token := []byte(htmlText.Replace(p.CSRF))
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	return s.writeKept(c, e, head, token, tail)
}

// writeKept writes a kept answer: head, the parts with token between
// each two, and tail, gzipped as it is held to a reader who accepts
// gzip, else as it is (see packedbody.go). The answer is each reader's
// own (their name, their token): no-store, and no cache may give the
// gzipped answer to a reader who did not ask for it.
func (s *Server) writeKept(c echo.Context, e *cachedPage, head, token, tail []byte) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept-Encoding")
	w := c.Response()
	if e.packed == nil {
		// Not kept (a page whose query was not as given): as it was made.
		size := len(head) + len(tail) + (len(e.parts)-1)*len(token)
		for _, part := range e.parts {
			size += len(part)
		}
		h.Set(echo.HeaderContentLength, strconv.Itoa(size))
		w.WriteHeader(http.StatusOK)
		w.Write(head)
		for i, part := range e.parts {
			if i > 0 {
				w.Write(token)
			}
			w.Write(part)
		}
		_, err := w.Write(tail)
		return err
	}
	if acceptsGzip(c.Request()) {
		h.Set(echo.HeaderContentEncoding, "gzip")
		h.Set(echo.HeaderContentLength, strconv.FormatInt(e.packed.gzipLen(head, token, tail), 10))
		w.WriteHeader(http.StatusOK)
		return e.packed.gzipMember(w, head, token, tail)
	}
	h.Set(echo.HeaderContentLength, strconv.FormatInt(int64(len(head)+len(tail))+e.packed.size(token), 10))
	w.WriteHeader(http.StatusOK)
	return e.packed.identity(w, head, token, tail)
}

// sharedJSON answers with the JSON build makes, from the cache when the
// page version has not moved; params and build are as renderShared's,
// and build says whether the answer may be kept.
func (s *Server) sharedJSON(c echo.Context, params []string, build func() (v any, keep bool, err error)) error {
	e, err := s.kept(c, params, func(key string, version int64) (*cachedPage, bool, error) {
		v, keep, err := build()
		if err != nil {
			return nil, false, err
		}
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(v); err != nil {
			return nil, false, err
		}
		return &cachedPage{key: key, version: version, parts: [][]byte{buf.Bytes()}}, keep, nil
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	return s.writeKept(c, e, nil, nil, nil)
}

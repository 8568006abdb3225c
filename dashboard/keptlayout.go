package dashboard

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/assure-pcc/assure/dashboard/cache"
	"github.com/assure-pcc/assure/metrics"
)

// A kept page's body is served as it was made, but the layout around it
// (the header with the reader's name and the sign-out form's token) was
// rendered for every request: a tenth of the load test's CPU. It is the
// same for every reader of the same page and kind (title, marking,
// navigation), but for the name, role and token, so it is rendered once
// per page and kind with holes where those go, kept, and filled for each
// request.

// layoutHole is a place in a kept layout where a reader's own words go.
type layoutHole uint8

const (
	holeName layoutHole = iota
	holeRole
	holeCSRF
	holeBody
)

// keptLayout is a layout cut at its holes: pieces[i] comes before
// holes[i], and the last piece after the last hole.
type keptLayout struct {
	pieces [][]byte
	holes  []layoutHole
}

// layoutHoles are the marks rendered in each hole's place: random (see
// pageCache.csrfHole), and unchanged by the template's escaping.
type layoutHoles struct {
	marks [4][]byte
}

func newLayoutHoles() layoutHoles {
	seed := make([]byte, 24)
	_, _ = rand.Read(seed) // crypto/rand.Read never fails
	var h layoutHoles
	for i, what := range []string{"name", "role", "csrf", "body"} {
		h.marks[i] = []byte("hole-" + what + "-" + hex.EncodeToString(seed))
	}
	return h
}

// maxKeptLayouts bounds the layouts kept: one per page and kind of
// reader, a few KB each.
const maxKeptLayouts = 4096

func newLayoutCache() *cache.Cache[*keptLayout] { return cache.New[*keptLayout](maxKeptLayouts, nil) }

// layoutKey is what a kept layout depends on, besides the reader's name,
// role and token: everything else the layout reads from Page.
func layoutKey(name string, p Page) string {
	return strings.Join([]string{name, p.Title, p.Version, strconv.FormatBool(p.Sensitive), p.Path, p.Root,
		strconv.FormatBool(p.Published), p.Organisation, fmt.Sprintf("%+v", p.Nav), strconv.FormatBool(p.User != nil), p.PrintCSS}, "\x00")
}

// layoutFor is the layout of template name for the reader of p, cut at
// its holes: kept, or rendered now and kept.
func (s *Server) layoutFor(name string, p Page) (*keptLayout, error) {
	key := layoutKey(name, p)
	if l, ok := s.shared.layouts.Get(key, 0); ok {
		return l, nil
	}
	h := s.shared.holes
	if p.User != nil {
		// Only the name and role are read from the user (see
		// layout.html); the navigation was settled from the real one.
		p.User = &metrics.User{Name: string(h.marks[holeName]), Role: metrics.Role(h.marks[holeRole])}
	}
	p.CSRF = string(h.marks[holeCSRF])
	p.Body = template.HTML(h.marks[holeBody])
	out, err := s.execute(name, p)
	if err != nil {
		return nil, err
	}
	l := cutAtHoles(out, h)
	bodies := 0
	for _, hole := range l.holes {
		if hole == holeBody {
			bodies++
		}
	}
	if bodies != 1 {
		return nil, fmt.Errorf("render %s: the layout shows the page's body %d times, not once", name, bodies)
	}
	s.shared.layouts.Put(key, 0, l)
	return l, nil
}

// cutAtHoles cuts out at every mark of h.
func cutAtHoles(out []byte, h layoutHoles) *keptLayout {
	l := &keptLayout{}
	for {
		at, which := -1, layoutHole(0)
		for i, m := range h.marks {
			if j := bytes.Index(out, m); j >= 0 && (at < 0 || j < at) {
				at, which = j, layoutHole(i)
			}
		}
		if at < 0 {
			l.pieces = append(l.pieces, out)
			return l
		}
		l.pieces = append(l.pieces, out[:at])
		l.holes = append(l.holes, which)
		out = out[at+len(h.marks[which]):]
	}
}

// fill writes the layout for a reader, u (nil for the public) with token,
// as head and tail around the body.
func (l *keptLayout) fill(u *metrics.User, token string) (head, tail []byte) {
	var b bytes.Buffer
	for i, piece := range l.pieces {
		b.Write(piece)
		if i == len(l.holes) {
			break
		}
		switch l.holes[i] {
		case holeName:
			b.WriteString(htmlText.Replace(u.Name))
		case holeRole:
			b.WriteString(htmlText.Replace(string(u.Role)))
		case holeCSRF:
			b.WriteString(htmlText.Replace(token))
		case holeBody:
			head = bytes.Clone(b.Bytes())
			b.Reset()
		}
	}
	return head, b.Bytes()
}

// htmlText escapes text as html/template does where the layout prints it
// (its htmlEscaper): the filled layout is the one the template would
// have written, byte for byte.
var htmlText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

package dashboard

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// A kept answer goes out gzipped, made by hand from its compressed parts,
// to a reader who accepts gzip, and inflated to one who does not: either
// way the same bytes as the answer made whole, with the reader's token in
// each hole and the exact Content-Length.
func TestKeptAnswersGoOutGzippedAsTheyAreHeld(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	chart := func(n int) []byte { // compressible, like a page's chart JSON
		var b bytes.Buffer
		for i := 0; b.Len() < n; i++ {
			b.WriteString(`{"period":"2019-` + strconv.Itoa(i%12+1) + `","value":` + strconv.Itoa(rng.IntN(100000)) + `},`)
		}
		return b.Bytes()[:n]
	}
	many := make([][]byte, 60)
	for i := range many {
		many[i] = []byte(`<form method="post"><input type="hidden" name="_csrf" value="` + strings.Repeat("x", i%3) + `">`)
	}
	for _, tc := range []struct {
		name             string
		head, tail       []byte
		parts            [][]byte
		token            []byte
		identityAsWanted bool // the test sends no Accept-Encoding too
	}{
		{name: "no holes", head: []byte("<html><body>"), tail: []byte("</body></html>"), parts: [][]byte{[]byte("<p>Calls for service</p>")}},
		{name: "one hole", head: []byte("<html>"), tail: []byte("</html>"), parts: [][]byte{[]byte(`<input value="`), []byte(`">`)}},
		{name: "many holes", head: []byte("<html>"), tail: []byte("</html>"), parts: many},
		{name: "a part over a stored block", head: []byte("<html>"), tail: []byte("</html>"), parts: [][]byte{random(70_000), chart(300_000), random(3)}},
		{name: "head and tail over a stored block", head: random(65_536), tail: random(2*65_535 + 1), parts: [][]byte{[]byte("a"), []byte("b")}},
		{name: "empty parts", head: []byte("<html>"), tail: []byte("</html>"), parts: [][]byte{nil, []byte("middle"), {}, nil}},
		{name: "nothing but holes", parts: [][]byte{nil, nil, nil}},
		{name: "JSON: one part, no layout", parts: [][]byte{chart(100_000)}},
		{name: "empty JSON", parts: [][]byte{{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token := []byte("reader-token-1234")
			want := slices.Concat(tc.head, bytes.Join(tc.parts, token), tc.tail)
			packed, err := pack(tc.parts)
			if err != nil {
				t.Fatal(err)
			}
			for _, ae := range []struct {
				header string // "-" for none
				gzip   bool
			}{
				{"gzip", true},
				{"gzip;q=0", false},
				{"br, gzip;q=0.5", true},
				{"*", true},
				{"-", false},
				{"identity", false},
			} {
				e := &cachedPage{key: "k", version: 1, packed: packed}
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				if ae.header != "-" {
					req.Header.Set("Accept-Encoding", ae.header)
				}
				rec := httptest.NewRecorder()
				rec.Header().Set("Vary", "Cookie")
				c := echo.New().NewContext(req, rec)
				if err := (&Server{}).writeKept(c, e, tc.head, token, tc.tail); err != nil {
					t.Fatalf("%s: %v", ae.header, err)
				}
				got := rec.Body.Bytes()
				if n, _ := strconv.Atoi(rec.Header().Get("Content-Length")); n != len(got) {
					t.Errorf("%s: Content-Length %d, sent %d", ae.header, n, len(got))
				}
				if rec.Header().Get("Cache-Control") != "no-store" || !slices.Contains(rec.Header().Values("Vary"), "Accept-Encoding") ||
					!slices.Contains(rec.Header().Values("Vary"), "Cookie") {
					t.Errorf("%s: headers %v", ae.header, rec.Header())
				}
				if enc := rec.Header().Get("Content-Encoding"); (enc == "gzip") != ae.gzip {
					t.Fatalf("%s: Content-Encoding %q", ae.header, enc)
				}
				if ae.gzip {
					// compress/gzip checks the member's CRC-32 and size.
					zr, err := gzip.NewReader(bytes.NewReader(got))
					if err != nil {
						t.Fatalf("%s: %v", ae.header, err)
					}
					zr.Multistream(false)
					if got, err = io.ReadAll(zr); err != nil {
						t.Fatalf("%s: %v", ae.header, err)
					}
					if rest, _ := io.ReadAll(zr); len(rest) != 0 {
						t.Errorf("%s: %d bytes after the gzip member", ae.header, len(rest))
					}
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s: %d bytes differ from the %d made whole", ae.header, len(got), len(want))
				}
			}
		})
	}
}

// An answer that is not kept (its query not as given) goes out as it was
// made, uncompressed.
func TestAnswersNotKeptGoOutAsMade(t *testing.T) {
	e := &cachedPage{parts: [][]byte{[]byte("a"), []byte("b")}}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	if err := (&Server{}).writeKept(echo.New().NewContext(req, rec), e, []byte("<"), []byte("T"), []byte(">")); err != nil {
		t.Fatal(err)
	}
	if rec.Body.String() != "<aTb>" || rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Content-Length") != "5" {
		t.Errorf("%q %v", rec.Body.String(), rec.Header())
	}
}

// Parts packed at once are each their own stream: a pooled compressor
// must not carry one part's history into the next.
func TestPackedPartsStandAlone(t *testing.T) {
	same := bytes.Repeat([]byte("the same words again "), 500)
	b, err := pack([][]byte{same, same})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.parts[0].deflate, b.parts[1].deflate) {
		t.Error("the second of two equal parts compressed differently: it refers back into the first")
	}
	if b.bytes != len(b.parts[0].deflate)+len(b.parts[1].deflate) {
		t.Errorf("%d bytes counted, held %d", b.bytes, len(b.parts[0].deflate)+len(b.parts[1].deflate))
	}
}

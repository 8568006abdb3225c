package pdf

import (
	"bytes"
	"context"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "print testdata/contents.pdf again with Chromium")

// contentsHTML is the page testdata/contents.pdf was printed from: a
// contents linking to three sections, the second and third each
// beginning a page, and one id that nothing links to. The third's id
// has parentheses, which a PDF name escapes (#28, #29).
const contentsHTML = `<!doctype html><html><head><style>
h2 { break-before: page; }
</style></head><body>
<h1 id="top">Contents</h1>
<ul><li><a href="#first">First</a></li><li><a href="#second">Second</a></li><li><a href="#third(3)">Third</a></li></ul>
<p id="first">The first section, on the contents' page.</p>
<h2 id="second">Second</h2><p>On page 2.</p>
<h2 id="third(3)">Third</h2><p id="unlinked">On page 3, with an id nothing links to.</p>
</body></html>`

const samplePath = "testdata/contents.pdf"

// sample is testdata/contents.pdf, printed again first with -update
// (which needs Chromium: ASSURE_CHROMIUM or one on the PATH).
func sample(t *testing.T) []byte {
	t.Helper()
	if *update {
		path := Find()
		if path == "" {
			t.Fatal("-update needs Chromium")
		}
		doc := Document{URL: "http://sample.invalid/contents", HTML: []byte(contentsHTML)}
		out, err := New(path, 2*time.Minute).Print(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.FromSlash(samplePath), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.FromSlash(samplePath))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDestinations reads the page of each linked element back from a
// PDF that Chromium printed, without Chromium: the sample was printed
// once and kept. A PDF whose catalogue has no destinations has none;
// what is not a PDF, or has no page tree, is an error.
func TestDestinations(t *testing.T) {
	pdf := sample(t)
	got, err := Destinations(pdf)
	if err != nil {
		t.Fatalf("Destinations: %v", err)
	}
	want := map[string]int{"first": 1, "second": 2, "third(3)": 3}
	if !maps.Equal(got, want) {
		t.Errorf("Destinations = %v, want %v", got, want)
	}

	// The same PDF with its catalogue's entries renamed, byte for byte,
	// so that every offset stays right.
	rename := func(from, to string) []byte {
		i := catalogRe.FindIndex(pdf)
		if i == nil {
			t.Fatal("the sample has no catalogue")
		}
		start := bytes.LastIndex(pdf[:i[0]], []byte(" obj"))
		end := i[1] + bytes.Index(pdf[i[1]:], []byte("endobj"))
		if !bytes.Contains(pdf[start:end], []byte(from)) {
			t.Fatalf("the sample's catalogue has no %s: %q", from, pdf[start:end])
		}
		out := bytes.Clone(pdf)
		copy(out[start:end], bytes.Replace(pdf[start:end], []byte(from), []byte(to), 1))
		return out
	}
	for _, tc := range []struct {
		name    string
		pdf     []byte
		want    map[string]int
		wantErr string
	}{
		{"no destinations", rename("/Dests", "/Dxsts"), map[string]int{}, ""},
		{"no page tree", rename("/Pages", "/Pxges"), nil, "no page tree"},
		{"not a PDF", []byte("<!doctype html><p>Not a PDF</p>"), nil, "no catalogue"},
		{"empty", nil, nil, "no catalogue"},
		{"destinations missing", renumber(t, pdf, "Dests"), nil, "missing"},
		{"a destination not a page", pointAtPages(t, pdf), nil, "not a page"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Destinations(tc.pdf)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("Destinations: %v, %v; want an error saying %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || !maps.Equal(got, tc.want) {
				t.Errorf("Destinations = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestUnescapeName(t *testing.T) {
	for in, want := range map[string]string{"plain": "plain", "third#20section": "third section", "a#2": "a#2", "#zz": "#zz"} {
		if got := unescapeName([]byte(in)); got != want {
			t.Errorf("unescapeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// catalogRef is the object number the sample's catalogue gives for key.
func catalogRef(t *testing.T, pdf []byte, key string) string {
	t.Helper()
	objs := objects(pdf)
	for _, o := range objs {
		if catalogRe.Match(o) {
			if m := refRe(key).FindSubmatch(o); m != nil {
				return string(m[1])
			}
		}
	}
	t.Fatalf("the sample's catalogue has no %s", key)
	return ""
}

// renumber gives the object the catalogue's key refers to another
// number, so that the reference leads nowhere.
func renumber(t *testing.T, pdf []byte, key string) []byte {
	n := catalogRef(t, pdf, key)
	out := bytes.Replace(pdf, []byte("\n"+n+" 0 obj"), []byte("\n9"+n+" 0 obj"), 1)
	if bytes.Equal(out, pdf) {
		t.Fatalf("the sample has no object %s", n)
	}
	return out
}

// pointAtPages points the sample's first destination at its page tree
// rather than at a page.
func pointAtPages(t *testing.T, pdf []byte) []byte {
	dests, pages := catalogRef(t, pdf, "Dests"), catalogRef(t, pdf, "Pages")
	start := bytes.Index(pdf, []byte("\n"+dests+" 0 obj"))
	m := destRe.FindSubmatchIndex(pdf[start:])
	if start < 0 || m == nil {
		t.Fatal("the sample has no destination")
	}
	out := bytes.Clone(pdf[:start+m[4]])
	out = append(out, pages...)
	return append(out, pdf[start+m[5]:]...)
}

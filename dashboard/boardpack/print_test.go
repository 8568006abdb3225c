package boardpack

import (
	"testing"
)

// TestNumberContents writes page numbers into the contents' entries and
// leaves the rest of the page as it is.
func TestNumberContents(t *testing.T) {
	html := `<li><span class="contents__page" data-page-of="m-a"></span><a href="#m-a">A</a></li>` +
		`<li><span class="contents__page" data-page-of="m-b">9</span><a href="#m-b">B</a></li>` +
		`<li><span class="contents__page" data-page-of="gone"></span>C</li><p>data-page-of</p>`
	got := string(NumberContents([]byte(html), map[string]int{"m-a": 3, "m-b": 12}))
	want := `<li><span class="contents__page" data-page-of="m-a">3</span><a href="#m-a">A</a></li>` +
		`<li><span class="contents__page" data-page-of="m-b">12</span><a href="#m-b">B</a></li>` +
		`<li><span class="contents__page" data-page-of="gone"></span>C</li><p>data-page-of</p>`
	if got != want {
		t.Errorf("NumberContents:\n got %s\nwant %s", got, want)
	}
}

func TestCSSString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Board pack", `"Board pack"`},
		{`a "b" \c`, `"a \22 b\22  \5c c"`},
		{"line\nbreak</style>", `"line\a break\3c /style\3e "`},
	} {
		if got := cssString(tc.in); got != tc.want {
			t.Errorf("cssString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

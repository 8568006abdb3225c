package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// Chromium writes, for each element that an internal link of the page
// points to, a named destination: the element's id and the page it
// begins on. Destinations reads them back, which is how a contents
// learns its page numbers from the print itself. Chromium (Skia) writes
// the catalogue, the page tree and the destinations as plain objects,
// neither compressed nor in object streams; this reads those alone and
// fails rather than guess at anything else.

var (
	catalogRe = regexp.MustCompile(`/Type\s*/Catalog\b`)
	refRe     = func(key string) *regexp.Regexp {
		return regexp.MustCompile(`/` + key + `\s+(\d+)\s+0\s+R`)
	}
	destsRe = refRe("Dests")
	pagesRe = refRe("Pages")
	kidsRe  = regexp.MustCompile(`/Kids\s*\[([^\]]*)\]`)
	typeRe  = regexp.MustCompile(`/Type\s*/(Pages|Page)\b`)
	refsRe  = regexp.MustCompile(`(\d+)\s+0\s+R`)
	// One destination: /name [page 0 R /XYZ ...].
	destRe = regexp.MustCompile(`/([^\s/\[\]<>()]+)\s*\[\s*(\d+)\s+0\s+R`)
)

// Destinations returns the page (from 1) of each named destination of a
// PDF that Chromium printed. A PDF without any has none.
func Destinations(pdf []byte) (map[string]int, error) {
	objs := objects(pdf)
	var catalog []byte
	for _, o := range objs {
		if catalogRe.Match(o) {
			catalog = o
		}
	}
	if catalog == nil {
		return nil, errors.New("read the PDF's destinations: no catalogue")
	}
	m := pagesRe.FindSubmatch(catalog)
	if m == nil {
		return nil, errors.New("read the PDF's destinations: no page tree")
	}
	root, _ := strconv.Atoi(string(m[1]))
	pageNo := map[int]int{}
	var walk func(n, depth int) error
	walk = func(n, depth int) error {
		o, ok := objs[n]
		if !ok || depth > 32 {
			return fmt.Errorf("read the PDF's destinations: page tree object %d missing", n)
		}
		t := typeRe.FindSubmatch(o)
		if t == nil {
			return fmt.Errorf("read the PDF's destinations: object %d is not a page", n)
		}
		if string(t[1]) == "Page" {
			pageNo[n] = len(pageNo) + 1
			return nil
		}
		kids := kidsRe.FindSubmatch(o)
		if kids == nil {
			return fmt.Errorf("read the PDF's destinations: pages object %d has no kids", n)
		}
		for _, r := range refsRe.FindAllSubmatch(kids[1], -1) {
			k, _ := strconv.Atoi(string(r[1]))
			if err := walk(k, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	out := map[string]int{}
	m = destsRe.FindSubmatch(catalog)
	if m == nil {
		return out, nil
	}
	n, _ := strconv.Atoi(string(m[1]))
	dests, ok := objs[n]
	if !ok {
		return nil, fmt.Errorf("read the PDF's destinations: object %d missing", n)
	}
	for _, d := range destRe.FindAllSubmatch(dests, -1) {
		p, _ := strconv.Atoi(string(d[2]))
		no, ok := pageNo[p]
		if !ok {
			return nil, fmt.Errorf("read the PDF's destinations: %s points at object %d, not a page", d[1], p)
		}
		out[unescapeName(d[1])] = no
	}
	return out, nil
}

// objects are the PDF's objects by number: each one's text up to its
// stream, if it has one, or its end.
func objects(pdf []byte) map[int][]byte {
	out := map[int][]byte{}
	for _, loc := range objRe.FindAllSubmatchIndex(pdf, -1) {
		n, _ := strconv.Atoi(string(pdf[loc[2]:loc[3]]))
		body := pdf[loc[1]:]
		end := len(body)
		for _, stop := range [][]byte{[]byte("endobj"), []byte("stream")} {
			if i := bytes.Index(body, stop); i >= 0 && i < end {
				end = i
			}
		}
		out[n] = body[:end]
	}
	return out
}

var objRe = regexp.MustCompile(`(?m)^(\d+)\s+0\s+obj\b`)

// unescapeName decodes a PDF name's #xx escapes.
func unescapeName(b []byte) string {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			if v, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

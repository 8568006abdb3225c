package dashboard

import (
	"net/http"
	"strconv"
	"strings"
)

// acceptsGzip reports whether the request's Accept-Encoding lets the
// answer go out gzipped (RFC 9110, 12.5.3): gzip (or its old name
// x-gzip) with a weight above zero, or, when gzip is not named, "*" with
// a weight above zero. "gzip;q=0" refuses it whatever "*" says. No
// header at all is answered as it is: that is what every client
// understands. A weight that cannot be read refuses, since identity is
// never wrong.
func acceptsGzip(r *http.Request) bool {
	named, star := -1.0, -1.0 // the weights given; -1 when not said
	for _, header := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(header, ",") {
			name, params, _ := strings.Cut(part, ";")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "gzip", "x-gzip":
				named = max(named, qualityOf(params))
			case "*":
				star = max(star, qualityOf(params))
			}
		}
	}
	if named >= 0 {
		return named > 0
	}
	return star > 0
}

// qualityOf reads the weight ("q=0.5") from a coding's parameters: 1 when
// there is none, 0 when it cannot be read.
func qualityOf(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}

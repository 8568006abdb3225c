package metrics

import (
	"slices"
	"strings"
	"unicode"
)

// Names of measures.
//
// Workbooks name a catalogued measure by its id or its name, written the
// way each analyst writes it: "Immediate response time, urban",
// "immediate response time – urban", "IMMEDIATE RESPONSE TIME URBAN".
// NameKey folds such spellings to one key, so that each resolves to the
// measure. A name that folds to no key but is close to one
// ("Victims updated within 5 day" beside "Victims updated within 5
// days") is most likely a slip: NearMiss finds it, so the ingest can ask
// rather than start a second measure beside the first.

// NameKey folds a measure's id, name or alias for matching: letters in
// lower case, apostrophes and quotation marks (straight or typographic)
// dropped, and every other run of characters that are not letters or
// digits (spaces, commas, dashes of any kind, brackets) one space.
// "Victims’ updates – 5 days" and "victims updates 5 days" agree; so do
// the id "response-urban" and the name "Response urban".
func NameKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case isQuote(r):
			// "Victim's" is "Victims", not "Victim s".
		default:
			space = true
		}
	}
	return b.String()
}

func isQuote(r rune) bool {
	switch r {
	case '\'', '"', '`', '\u2018', '\u2019', '\u201a', '\u201b', '\u201c', '\u201d', '\u201e', '\u2032', '\u2033', '\u00b4':
		return true
	}
	return false
}

// NameSimilarity scores how alike two measure names are, from 0 (nothing
// in common) to 1 (the same key). It is the larger of two scores on their
// NameKeys, each one minus an edit distance over the longer length:
//
//   - the keys as written, with Damerau-Levenshtein (optimal string
//     alignment) distance, so a dropped letter, a typo or two swapped
//     letters cost one edit ("5 day" and "5 days" score 0.96);
//   - the keys' words sorted, so word order does not count ("urban
//     response time" and "response time urban" score 1).
//
// Both are small, well-understood measures; a token-set ratio (which
// scores 1 whenever one name's words are a subset of the other's) was
// rejected because it calls "Response time" the same measure as
// "Response time urban".
func NameSimilarity(a, b string) float64 {
	ka, kb := NameKey(a), NameKey(b)
	if ka == kb {
		return 1
	}
	return max(similarity(ka, kb), similarity(sortedWords(ka), sortedWords(kb)))
}

func sortedWords(k string) string {
	w := strings.Fields(k)
	slices.Sort(w)
	return strings.Join(w, " ")
}

// similarity is 1 - osa(a, b) / max(len(a), len(b)), in runes.
func similarity(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	n := max(len(ra), len(rb))
	if n == 0 {
		return 1
	}
	return 1 - float64(osaDistance(ra, rb))/float64(n)
}

// osaDistance is the optimal string alignment distance: the fewest
// insertions, deletions, substitutions and swaps of two adjacent runes
// that turn a into b, no substring edited twice.
func osaDistance(a, b []rune) int {
	// Three rows of the dynamic programme: two back, one back, current.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// NearMiss returns the name among candidates that name most probably
// means, or false when none is close enough. Two names are close when,
// their common words set aside, the words left pair up one to one (at
// most two pairs, little words such as "of" and "per" ignored) and each
// pair is a slip:
//
//   - a plural ("day", "days");
//   - an abbreviation: the shorter word's letters appear in order in the
//     longer, from its first ("avg", "average"; "nbr", "number");
//   - a typo in a word of five letters or more: one edit ("updatd",
//     "updated").
//
// Words that differ otherwise are different measures however alike the
// rest: "urban" and "rural", "DVPN" and "DVPO", "answered" and
// "abandoned". So are names whose numbers differ ("999 calls" and "101
// calls", "within 5 days" and "within 7 days"), and a name with a word
// more ("Response time" and "Response time urban"). Of several close
// candidates the most similar (NameSimilarity) wins. A name with the
// same key as a candidate is that candidate, not a near miss.
func NearMiss(name string, candidates []string) (string, bool) {
	key := NameKey(name)
	best, bestScore := "", 0.0
	for _, c := range candidates {
		ck := NameKey(c)
		if ck == key || ck == "" || !wordsClose(key, ck) {
			continue
		}
		if s := NameSimilarity(key, ck); s > bestScore {
			best, bestScore = c, s
		}
	}
	return best, best != ""
}

// fillers are words whose presence or absence does not make another
// measure.
var fillers = map[string]bool{"a": true, "an": true, "the": true, "of": true, "per": true, "and": true, "for": true, "to": true, "by": true, "in": true, "on": true, "at": true}

// wordsClose reports whether two keys differ only by slips (see NearMiss).
func wordsClose(a, b string) bool {
	wa, wb := strings.Fields(a), strings.Fields(b)
	left := map[string]int{}
	for _, w := range wb {
		left[w]++
	}
	var da []string
	for _, w := range wa {
		if left[w] > 0 {
			left[w]--
			continue
		}
		if !fillers[w] {
			da = append(da, w)
		}
	}
	var db []string
	for _, w := range wb {
		if left[w] > 0 {
			left[w]--
			if !fillers[w] {
				db = append(db, w)
			}
		}
	}
	if len(da) != len(db) || len(da) > 2 {
		return false
	}
	for i := range da {
		if !wordSlip(da[i], db[i]) {
			return false
		}
	}
	return true
}

// wordSlip reports whether two different words are one word written two
// ways: a plural, an abbreviation, or a one-edit typo in a long word.
// Words with digits never are: numbers name different measures.
func wordSlip(x, y string) bool {
	if strings.ContainsFunc(x, unicode.IsDigit) || strings.ContainsFunc(y, unicode.IsDigit) {
		return false
	}
	if len(x) > len(y) {
		x, y = y, x
	}
	switch {
	case x+"s" == y, x+"es" == y:
		return true
	case len(x) >= 2 && len(x) < len(y) && x[0] == y[0] && isSubsequence(x, y):
		return true
	case len(x) >= 5 && osaDistance([]rune(x), []rune(y)) <= 1:
		return true
	}
	return false
}

// isSubsequence reports whether s's bytes appear in t in order.
func isSubsequence(s, t string) bool {
	i := 0
	for j := 0; j < len(t) && i < len(s); j++ {
		if s[i] == t[j] {
			i++
		}
	}
	return i == len(s)
}

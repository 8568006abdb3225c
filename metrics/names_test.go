package metrics

import (
	"math"
	"testing"
)

func TestNameKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Immediate response time, urban", "immediate response time urban"},
		{"  IMMEDIATE   response-time – Urban ", "immediate response time urban"},
		{"response-urban", "response urban"},
		{"Victim’s updates (5 days)", "victims updates 5 days"},
		{"Victim's updates", "victims updates"},
		{"“Quoted” name", "quoted name"},
		{"999 calls, average per day", "999 calls average per day"},
		{"Café visits", "café visits"},
		{"", ""},
		{"—", ""},
	}
	for _, tt := range tests {
		if got := NameKey(tt.in); got != tt.want {
			t.Errorf("NameKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNameSimilarity(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"Victims updated within 5 day", "Victims updated within 5 days", 1 - 1.0/29},
		{"urban response time", "Response time, urban", 1},
		{"abc", "abc", 1},
		{"ab", "ba", 0.5}, // one swap of two letters
		{"abc", "xyz", 0},
	}
	for _, tt := range tests {
		if got := NameSimilarity(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("NameSimilarity(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNearMiss(t *testing.T) {
	catalogue := []string{
		"Victims updated within 5 days",
		"999 calls, average per day",
		"101 calls, average per day",
		"Immediate response time, urban",
		"DVPN applications",
		"Response time",
		"999 calls answered within 10 seconds",
		"Number of arrests",
	}
	tests := []struct {
		name string
		want string // "" for no near miss
	}{
		{"Victims updated within 5 day", "Victims updated within 5 days"},
		{"999 calls avg per day", "999 calls, average per day"},
		{"101 calls avg. per day", "101 calls, average per day"},
		{"Immediate respnse time, urban", "Immediate response time, urban"},
		{"Urban immediate response times", "Immediate response time, urban"},
		{"Nbr of arrests", "Number of arrests"},
		// Different measures: another word, another number, an extra word.
		{"Immediate response time, rural", ""},
		{"DVPO applications", ""},
		{"Victims updated within 7 days", ""},
		{"202 calls, average per day", ""},
		{"999 calls abandoned within 10 seconds", ""},
		{"Response time urban", ""},
		{"Burglary", ""},
		// The same key is the measure itself, not a near miss.
		{"victims updated WITHIN 5 days", ""},
	}
	for _, tt := range tests {
		got, ok := NearMiss(tt.name, catalogue)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("NearMiss(%q) = %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
}

func TestOSADistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"ca", "ac", 1}, {"abcdef", "abcdfe", 1}, {"ca", "abc", 3}, // OSA, not full Damerau: 3
		{"urban", "rural", 3},
	}
	for _, tt := range tests {
		if got := osaDistance([]rune(tt.a), []rune(tt.b)); got != tt.want {
			t.Errorf("osa(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

package export

import (
	"strings"
	"testing"
)

func TestFileSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Immediate": "Immediate", "Priority (P2)": "Priority-P2", `"; rm -rf /`: "rm-rf", "": "all", "ünïcode": "n-code",
		strings.Repeat("a", 50): strings.Repeat("a", 40),
	} {
		if got := FileSlug(in); got != want {
			t.Errorf("FileSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

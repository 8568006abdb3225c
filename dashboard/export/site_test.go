package export

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// SwapIn puts the new site in the previous one's place and removes the
// previous, with an exchange in one step or, where the system cannot,
// by moving the previous aside first; nothing is left beside the folder.
func TestSwapIn(t *testing.T) {
	for _, canExchange := range []bool{true, false} {
		name := "exchange"
		if !canExchange {
			name = "aside"
		}
		t.Run(name, func(t *testing.T) {
			exchanged := 0
			if !canExchange {
				exchangeFolders = func(a, b string) error { exchanged++; return errors.ErrUnsupported }
				t.Cleanup(func() { exchangeFolders = exchange })
			}
			parent := t.TempDir()
			target := filepath.Join(parent, "site")
			write := func(dir, rel string) {
				t.Helper()
				p := filepath.Join(dir, rel)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(rel), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write(target, "index.html")
			write(target, "metrics/withdrawn.html")
			built := filepath.Join(parent, ".site.publishing-1")
			write(built, "index.html")
			write(built, "metrics/open.html")
			if err := SwapIn(built, target, true); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(target, "metrics/open.html")); err != nil {
				t.Errorf("the new site is not in place: %v", err)
			}
			if _, err := os.Stat(filepath.Join(target, "metrics/withdrawn.html")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the previous site's page is still there: %v", err)
			}
			entries, _ := os.ReadDir(parent)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, []string{"site"}) {
				t.Errorf("beside the site: %v, want nothing", names)
			}
			if !canExchange && exchanged != 1 {
				t.Errorf("the exchange was tried %d times, want once", exchanged)
			}
		})
	}
}

// A folder is refused unless Assure published it, or it is empty or new.
func TestTarget(t *testing.T) {
	parent := t.TempDir()
	if _, existed, err := Target(filepath.Join(parent, "new")); err != nil || existed {
		t.Errorf("a new folder: %v, existed %v", err, existed)
	}
	other := filepath.Join(parent, "other")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	if _, _, err := Target(other); err == nil {
		t.Error("a folder holding someone's notes was accepted")
	}
	older := filepath.Join(parent, "older")
	os.MkdirAll(filepath.Join(older, "metrics"), 0o755)
	os.WriteFile(filepath.Join(older, "index.html"), nil, 0o644)
	os.WriteFile(filepath.Join(older, "metrics", "a.csv"), nil, 0o644)
	if _, existed, err := Target(older); err != nil || !existed {
		t.Errorf("an older publication: %v, existed %v", err, existed)
	}
	link := filepath.Join(parent, "link")
	os.Symlink(older, link)
	if _, _, err := Target(link); err == nil {
		t.Error("a symbolic link was accepted")
	}
}

package mapping

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/assure-pcc/assure/metrics"
)

// named holds the mappings that ship with Assure, one YAML file each.
//
//go:embed named/*.yaml
var named embed.FS

// Info names a shipped mapping and says what it reads.
type Info struct {
	Name        string
	Description string
}

// Named returns a shipped mapping by name ("ons-pfa-p1"). Each call
// returns a fresh copy, so a caller may not change another's.
func Named(name string) (*Mapping, bool) {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return nil, false
	}
	data, err := named.ReadFile("named/" + name + ".yaml")
	if err != nil {
		return nil, false
	}
	m, err := Load(name, bytes.NewReader(data))
	if err != nil {
		// The shipped mappings are checked by the tests.
		panic(fmt.Sprintf("shipped mapping %s: %v", name, err))
	}
	return m, true
}

// List describes the shipped mappings, by name.
func List() []Info {
	entries, _ := named.ReadDir("named")
	var out []Info
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".yaml")
		if m, ok := Named(name); ok {
			out = append(out, Info{Name: m.Name, Description: m.Description})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Resolve returns the shipped mapping called nameOrFile or, failing that,
// reads the mapping file at that path.
func Resolve(nameOrFile string) (*Mapping, error) {
	if m, ok := Named(nameOrFile); ok {
		return m, nil
	}
	f, err := os.Open(nameOrFile)
	if err != nil {
		names := make([]string, 0, 3)
		for _, i := range List() {
			names = append(names, i.Name)
		}
		return nil, metrics.Errorf(metrics.EINVALID, "%q is neither a shipped mapping (%s) nor a mapping file that can be read", nameOrFile, strings.Join(names, ", "))
	}
	defer f.Close()
	return Load(filepath.Base(nameOrFile), f)
}

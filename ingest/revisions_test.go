package ingest

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestListsIsWhatAddRevisionKeeps checks that describing a revision only
// when lists says it would be kept keeps the same largest revisions, in
// the same order, as describing every one: ties included, as values
// revised by the same amount are common.
func TestListsIsWhatAddRevisionKeeps(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 3))
		var all, filtered MeasureChange
		for i := range rng.IntN(40) {
			old := float64(1 + rng.IntN(5))
			r := Revision{Area: "A", Cell: string(rune('A' + i%26)), Old: old, New: old + float64(rng.IntN(4))}
			all.addRevision(r)
			if filtered.lists(r.Old, r.New) {
				filtered.addRevision(r)
			}
		}
		if !reflect.DeepEqual(all.Largest, filtered.Largest) {
			t.Fatalf("seed %d: kept %v, want %v", seed, filtered.Largest, all.Largest)
		}
	}
}

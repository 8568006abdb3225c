package store_test

import (
	"context"
	"testing"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

func TestSettings(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		got, err := s.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got != metrics.DefaultSettings {
			t.Errorf("settings before any is set = %+v, want the defaults", got)
		}
		// A start without flags sets nothing; a first start's flags fill
		// what is not set.
		if err := s.InitSettings(ctx, metrics.Settings{}, "cli"); err != nil {
			t.Fatal(err)
		}
		if err := s.InitSettings(ctx, metrics.Settings{Organisation: "OPCC for Cambridgeshire", HomeArea: "Cambridgeshire"}, "cli"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Settings(ctx); err != nil || got.Organisation != "OPCC for Cambridgeshire" {
			t.Errorf("after the first start's flags: %+v, %v", got, err)
		}
		before, err := s.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetSettings(ctx, metrics.Settings{Organisation: " OPCC  for Kent ", HomeArea: "Kent"}, "admin"); err != nil {
			t.Fatal(err)
		}
		after, err := s.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after.Data <= before.Data || after.Page <= before.Page {
			t.Errorf("versions %+v → %+v: a change of the settings must move both", before, after)
		}
		// Flags at a later start leave what an administrator set.
		if err := s.InitSettings(ctx, metrics.Settings{Organisation: "Other", HomeArea: "Other"}, "cli"); err != nil {
			t.Fatal(err)
		}
		got, err = s.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := (metrics.Settings{Organisation: "OPCC for Kent", HomeArea: "Kent"}); got != want {
			t.Errorf("settings = %+v, want %+v", got, want)
		}
		if err := s.SetSettings(ctx, metrics.Settings{Organisation: string(make([]rune, 121))}, "admin"); metrics.ErrorCode(err) != metrics.EINVALID {
			t.Errorf("a name of two lines: %v, want EINVALID", err)
		}
	})
}

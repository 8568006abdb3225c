package store

import (
	"io/fs"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The twin migration folders hold the same versions, and each version
// creates the same tables, columns and indexes in both dialects.
func TestMigrationsAreTwins(t *testing.T) {
	names := func(dialect string) []string {
		files, err := fs.Glob(migrationFiles, "migrations/"+dialect+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range files {
			files[i] = strings.TrimPrefix(f, "migrations/"+dialect+"/")
		}
		return files
	}
	lite, pg := names(SQLite), names(Postgres)
	if len(lite) == 0 || !reflect.DeepEqual(lite, pg) {
		t.Fatalf("migration files differ: sqlite %v, postgres %v", lite, pg)
	}
	for _, name := range lite {
		a, b := schemaShape(t, SQLite, name), schemaShape(t, Postgres, name)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: sqlite creates\n%s\npostgres creates\n%s", name, strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
	}
}

var (
	createRE = regexp.MustCompile(`(?m)^CREATE (TABLE|INDEX) (\w+)(?: ON (\w+) \(([^)]*)\)([^;]*))?`)
	columnRE = regexp.MustCompile(`(?m)^    (\w+)\s+(?:TEXT|INTEGER|BIGINT|REAL|DOUBLE|BLOB|BYTEA)`)
)

// schemaShape lists the tables with their columns, and the indexes with
// their columns, that a migration's Up section creates.
func schemaShape(t *testing.T, dialect, name string) []string {
	b, err := fs.ReadFile(migrationFiles, "migrations/"+dialect+"/"+name)
	if err != nil {
		t.Fatal(err)
	}
	up, _, _ := strings.Cut(string(b), "-- +goose Down")
	var shape []string
	for _, stmt := range strings.Split(up, ";") {
		m := createRE.FindStringSubmatch(stmt)
		if m == nil {
			continue
		}
		entry := m[1] + " " + m[2]
		if m[1] == "TABLE" {
			var cols []string
			for _, c := range columnRE.FindAllStringSubmatch(stmt, -1) {
				cols = append(cols, c[1])
			}
			entry += " (" + strings.Join(cols, ", ") + ")"
		} else {
			// The index's columns and its WHERE, if any.
			entry += " ON " + m[3] + " (" + m[4] + ") " + strings.Join(strings.Fields(m[5]), " ")
		}
		shape = append(shape, strings.TrimSpace(entry))
	}
	slices.Sort(shape)
	return shape
}

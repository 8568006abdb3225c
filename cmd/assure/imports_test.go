package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// subpackageImports are the only imports from one subpackage of dashboard
// to another: the board pack is built from the shared views, and both
// draw with the chart builders. The others stand alone.
var subpackageImports = map[string][]string{
	"dashboard/boardpack": {"dashboard/view", "dashboard/chart"},
	"dashboard/view":      {"dashboard/chart"},
}

// TestImportsPointOneWay holds the code to the shape ARCHITECTURE.md
// describes: cmd → dashboard → ingest → metrics/store → metrics, the
// domain on the standard library alone, and each library in the one
// place that may use it. Test files are left out.
func TestImportsPointOneWay(t *testing.T) {
	const module = "github.com/assure-pcc/assure/"
	root := filepath.Join("..", "..")
	imports := map[string][]string{} // package folder → imports
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		dir = filepath.ToSlash(dir)
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			imports[dir] = append(imports[dir], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	under := func(dir, top string) bool { return dir == top || strings.HasPrefix(dir, top+"/") }
	own := func(p string) (string, bool) { return strings.CutPrefix(p, module) }
	for dir, ims := range imports {
		for _, p := range ims {
			target, ours := own(p)
			bad := ""
			switch {
			case dir == "metrics" && strings.Contains(strings.Split(p, "/")[0], "."):
				bad = "metrics imports only the standard library"
			case ours && under(dir, "metrics") && (under(target, "ingest") || under(target, "dashboard") || under(target, "cmd")):
				bad = "metrics is below ingest and dashboard"
			case ours && under(dir, "ingest") && (under(target, "dashboard") || under(target, "cmd")):
				bad = "ingest is below dashboard"
			case ours && under(dir, "dashboard") && under(target, "cmd"):
				bad = "dashboard is below cmd"
			case ours && strings.HasPrefix(dir, "dashboard/") && target == "dashboard":
				bad = "dashboard's subpackages are below it"
			case ours && strings.HasPrefix(dir, "dashboard/") && strings.HasPrefix(target, "dashboard/") && !under(target, dir) && !slices.Contains(subpackageImports[dir], target):
				bad = "dashboard's subpackages import one another only as subpackageImports says (the board pack the views and charts, the views the charts)"
			case (dir == "dashboard/view" || dir == "dashboard/boardpack") && strings.Contains(p, "labstack/echo"):
				bad = "the views and the board pack are plain data, built apart from HTTP: the server's handlers read the request"
			case strings.Contains(p, "xuri/excelize") && !under(dir, "ingest") && dir != "cmd/loadtest":
				bad = "only ingest reads and writes workbooks (the load test writes its large one by streaming)"
			case strings.Contains(p, "chromedp/") && dir != "dashboard/pdf":
				bad = "only dashboard/pdf drives Chromium"
			case (strings.Contains(p, "labstack/echo") || strings.Contains(p, "go-echarts")) && !under(dir, "dashboard"):
				bad = "only dashboard serves and draws"
			case (strings.Contains(p, "jmoiron/sqlx") || strings.Contains(p, "modernc.org/sqlite") || strings.Contains(p, "jackc/pgx")) &&
				!under(dir, "metrics/store") && dir != "cmd/loadtest":
				bad = "only metrics/store has SQL (the load test makes and drops its schema)"
			}
			if bad != "" {
				t.Errorf("%s imports %s: %s", dir, p, bad)
			}
		}
	}
	if len(imports["metrics"]) == 0 || len(imports["dashboard"]) == 0 {
		t.Fatalf("no packages found under %s", root)
	}
}

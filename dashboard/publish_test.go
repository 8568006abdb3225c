package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
	"github.com/assure-pcc/assure/metrics/store/storetest"
)

// siteFiles lists a folder's files (relative, slash-separated) and the
// content of each, not following links.
func siteFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&fs.ModeSymlink != 0 {
			out[filepath.ToSlash(rel)] = "symlink"
			return nil
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readManifestFile(t *testing.T, dir string) Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// leftovers are the folders a publication left beside dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.Name() != filepath.Base(dir) {
			out = append(out, e.Name())
		}
	}
	return out
}

func makeSensitive(t *testing.T, st *store.Store, id string) {
	t.Helper()
	m, err := st.GetMetric(context.Background(), metrics.Everything, id)
	if err != nil {
		t.Fatal(err)
	}
	m.Classification = metrics.Sensitive
	if _, err := st.UpdateMetric(context.Background(), m); err != nil {
		t.Fatal(err)
	}
}

// Publishing again after a measure was made sensitive leaves exactly the
// open set: the measure's page and CSV (with its figures) are gone, and
// so is anything else left in the folder; the manifest says what is
// there, when it was made and from which versions; nothing is left
// beside the folder.
func TestPublishMakesTheFolderTheOpenSet(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			srv, st := testServer(t, d)
			ctx := context.Background()
			dir := filepath.Join(t.TempDir(), "site")
			first, err := srv.Publish(ctx, dir, PublishOptions{})
			if err != nil {
				t.Fatal(err)
			}
			files := siteFiles(t, dir)
			for _, f := range []string{"index.html", "metrics/calls-999.html", "metrics/calls-999.csv", "metrics/hostile.html", ManifestName} {
				if _, ok := files[f]; !ok {
					t.Errorf("the first publication lacks %s", f)
				}
			}
			var ids []string
			for _, m := range first.Measures {
				ids = append(ids, m.ID)
			}
			sort.Strings(ids)
			if strings.Join(ids, ",") != "calls-999,hostile" {
				t.Errorf("manifest measures = %v", ids)
			}
			if on := readManifestFile(t, dir); on.DataVersion != first.DataVersion || on.DataVersion == 0 || !strings.HasPrefix(on.Generator, "Assure") {
				t.Errorf("manifest on disk = %+v, Publish returned version %d", on, first.DataVersion)
			}
			if len(first.Files)+1 != len(files) {
				t.Errorf("the manifest lists %d files, the folder holds %d (with the manifest)", len(first.Files), len(files))
			}
			for _, f := range first.Files {
				if got, ok := files[f.Path]; !ok || len(got) != f.Bytes {
					t.Errorf("manifest lists %s (%d bytes), the folder has %d", f.Path, f.Bytes, len(got))
				}
			}
			// Something left in the published folder by hand.
			if err := os.WriteFile(filepath.Join(dir, "metrics", "stray.csv"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}

			makeSensitive(t, st, "calls-999")
			second, err := srv.Publish(ctx, dir, PublishOptions{})
			if err != nil {
				t.Fatal(err)
			}
			files = siteFiles(t, dir)
			for _, f := range []string{"metrics/calls-999.html", "metrics/calls-999.csv", "metrics/stray.csv"} {
				if _, ok := files[f]; ok {
					t.Errorf("after the measure was made sensitive, %s is still published", f)
				}
			}
			for name, body := range files {
				for _, leak := range append(slices.Clone(leaks), "999 calls, average per day") {
					if strings.Contains(body, leak) {
						t.Errorf("published %s holds %q", name, leak)
					}
				}
			}
			if second.DataVersion <= first.DataVersion || len(second.Measures) != 1 || second.Measures[0].ID != "hostile" {
				t.Errorf("second manifest: version %d (was %d), measures %+v", second.DataVersion, first.DataVersion, second.Measures)
			}
			if left := leftovers(t, dir); len(left) > 0 {
				t.Errorf("publishing left %v beside the folder", left)
			}
			if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o755 {
				t.Errorf("the published folder's mode is %v, %v; want 0755", fi.Mode().Perm(), err)
			}
		})
	}
}

// What Publish refuses, leaving everything as it was: a symbolic link
// (to a folder Assure published, even), a file, a folder of other
// things, a folder with someone else's manifest.
func TestPublishRefuses(t *testing.T) {
	srv, _ := testServer(t, store.SQLite)
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"a symbolic link to a published folder", func(t *testing.T, dir string) {
			real := dir + "-real"
			if _, err := srv.Publish(ctx, real, PublishOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(real, dir); err != nil {
				t.Fatal(err)
			}
		}, "symbolic link"},
		{"a dangling symbolic link", func(t *testing.T, dir string) {
			if err := os.Symlink(dir+"-nowhere", dir); err != nil {
				t.Fatal(err)
			}
		}, "symbolic link"},
		{"a file", func(t *testing.T, dir string) {
			if err := os.WriteFile(dir, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "is a file"},
		{"a folder of other things", func(t *testing.T, dir string) {
			os.MkdirAll(filepath.Join(dir, "metrics"), 0o755)
			os.WriteFile(filepath.Join(dir, "index.html"), []byte("old"), 0o644)
			os.WriteFile(filepath.Join(dir, "report.docx"), []byte("keep me"), 0o644)
		}, "report.docx"},
		{"a page of another kind under metrics", func(t *testing.T, dir string) {
			os.MkdirAll(filepath.Join(dir, "metrics", "deep"), 0o755)
			os.WriteFile(filepath.Join(dir, "metrics", "deep", "x.html"), []byte("x"), 0o644)
		}, "metrics/deep"},
		{"a symbolic link inside an older publication", func(t *testing.T, dir string) {
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, "index.html"), []byte("old"), 0o644)
			os.Symlink("/etc", filepath.Join(dir, "static"))
		}, "static"},
		{"someone else's manifest", func(t *testing.T, dir string) {
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, ManifestName), []byte(`{"generator":"another tool"}`), 0o644)
		}, "did not write"},
		{"the root of the file system", nil, "root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "site")
			if tt.setup == nil {
				dir = "/"
			} else {
				tt.setup(t, dir)
			}
			var before map[string]string
			if tt.setup != nil {
				before = siteFiles(t, filepath.Dir(dir))
			}
			_, err := srv.Publish(ctx, dir, PublishOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || metrics.ErrorCode(err) != metrics.EINVALID {
				t.Fatalf("Publish = %v, want an EINVALID error naming %q", err, tt.want)
			}
			if tt.setup != nil {
				if after := siteFiles(t, filepath.Dir(dir)); !mapsEqual(before, after) {
					t.Errorf("a refused publication changed the files:\nbefore %v\nafter  %v", keysOf(before), keysOf(after))
				}
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// A folder an older Assure published (no manifest, the measure's page
// and CSV written straight into it) is replaced whole: the page and CSV
// of a measure made sensitive since go with it.
func TestPublishReplacesAnOlderPublication(t *testing.T) {
	srv, st := testServer(t, store.SQLite)
	dir := filepath.Join(t.TempDir(), "site")
	older := map[string]string{
		"index.html":             "<a href=\"metrics/calls-999.html\">999 calls, average per day</a>",
		"metrics/calls-999.html": "999 calls, average per day: 410",
		"metrics/calls-999.csv":  "calls-999,\"999 calls, average per day\",North,Sep 2021,2021-09-01,2021-09-30,410,calls,open",
		"static/css/assure.css":  "body{}",
	}
	for name, body := range older {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	makeSensitive(t, st, "calls-999")
	if _, err := srv.Publish(context.Background(), dir, PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	files := siteFiles(t, dir)
	if _, ok := files[ManifestName]; !ok {
		t.Error("no manifest after publishing over an older publication")
	}
	for name, body := range files {
		if strings.Contains(body, "999 calls, average per day") || strings.Contains(name, "calls-999") {
			t.Errorf("%s still shows the measure made sensitive", name)
		}
	}
}

// A symbolic link inside a published folder is removed with the
// previous site, never followed: what it points to is untouched.
func TestPublishNeverWritesThroughALink(t *testing.T) {
	srv, _ := testServer(t, store.SQLite)
	ctx := context.Background()
	base := t.TempDir()
	dir := filepath.Join(base, "site")
	if _, err := srv.Publish(ctx, dir, PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	elsewhere := filepath.Join(base, "elsewhere")
	os.MkdirAll(filepath.Join(elsewhere, "css"), 0o755)
	if err := os.WriteFile(filepath.Join(elsewhere, "css", "assure.css"), []byte("not Assure's"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "static")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, filepath.Join(dir, "static")); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Publish(ctx, dir, PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(elsewhere, "css", "assure.css")); err != nil || string(b) != "not Assure's" {
		t.Errorf("the file behind the link was changed: %q, %v", b, err)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "static")); err != nil || !fi.IsDir() {
		t.Errorf("static is not a folder of the new site: %v, %v", fi.Mode(), err)
	}
}

// A build that fails half way leaves the previous site whole, and
// nothing of the new one.
func TestPublishKeepsThePreviousSiteUntilTheNewIsComplete(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			srv, st := testServer(t, d)
			ctx := context.Background()
			dir := filepath.Join(t.TempDir(), "site")
			if _, err := srv.Publish(ctx, dir, PublishOptions{}); err != nil {
				t.Fatal(err)
			}
			before := siteFiles(t, dir)
			makeSensitive(t, st, "calls-999")
			written := 0
			srv.publishHook = func(rel string) error {
				if written++; written == 4 {
					return errors.New("the disk is full")
				}
				return nil
			}
			if _, err := srv.Publish(ctx, dir, PublishOptions{}); err == nil || !strings.Contains(err.Error(), "the disk is full") {
				t.Fatalf("Publish = %v, want the build's error", err)
			}
			if after := siteFiles(t, dir); !mapsEqual(before, after) {
				t.Errorf("a failed build changed the published site: %v, was %v", keysOf(after), keysOf(before))
			}
			if left := leftovers(t, dir); len(left) > 0 {
				t.Errorf("a failed build left %v beside the folder", left)
			}
			// A new folder that fails is not made at all.
			written = 0
			fresh := filepath.Join(filepath.Dir(dir), "fresh")
			if _, err := srv.Publish(ctx, fresh, PublishOptions{}); err == nil {
				t.Fatal("the failing build succeeded")
			}
			if _, err := os.Lstat(fresh); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a failed build made %s: %v", fresh, err)
			}
		})
	}
}

// The whole site is of one version: a change while it is built (here a
// measure made sensitive after the index was written) makes Publish
// build it again, and the manifest names the version it was built from.
func TestPublishIsOfOneVersion(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			srv, st := testServer(t, d)
			ctx := context.Background()
			dir := filepath.Join(t.TempDir(), "site")
			changed := false
			srv.publishHook = func(rel string) error {
				if rel == "metrics/calls-999.html" && !changed {
					changed = true
					makeSensitive(t, st, "calls-999")
				}
				return nil
			}
			m, err := srv.Publish(ctx, dir, PublishOptions{})
			if err != nil {
				t.Fatal(err)
			}
			v, err := st.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !changed || m.DataVersion != v.Data || m.PageVersion != v.Page {
				t.Errorf("manifest of versions %d/%d, the database is at %d/%d (changed: %t)", m.DataVersion, m.PageVersion, v.Data, v.Page, changed)
			}
			for name, body := range siteFiles(t, dir) {
				if strings.Contains(body, "999 calls, average per day") {
					t.Errorf("%s shows the measure made sensitive during the build", name)
				}
			}
			// A database that changes under every build is given up on.
			srv.publishHook = func(rel string) error {
				if rel == "index.html" {
					_, err := st.AddAnnotation(ctx, metrics.Annotation{Label: "busy", Start: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), CreatedBy: "ana"})
					return err
				}
				return nil
			}
			before := siteFiles(t, dir)
			if _, err := srv.Publish(ctx, dir, PublishOptions{}); metrics.ErrorCode(err) != metrics.ECONFLICT {
				t.Errorf("Publish on a database that keeps changing = %v, want a conflict", err)
			}
			if after := siteFiles(t, dir); !mapsEqual(before, after) {
				t.Error("a publication given up on changed the site")
			}
		})
	}
}

// With a meeting, the site carries Part 1 of its board pack, linked from
// the index and named in the manifest: open measures only, no
// commentary, no names, no marking.
func TestPublishIncludesTheOpenPartOfTheBoardPack(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			ts, _ := partsServer(t, d)
			srv := ts.Config.Handler.(*Server)
			dir := filepath.Join(t.TempDir(), "site")
			m, err := srv.Publish(context.Background(), dir, PublishOptions{Meeting: time.Date(2022, 1, 10, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			if m.BoardPack == nil || m.BoardPack.Page != "boardpack/2022-01-10.html" || strings.Join(m.BoardPack.Measures, ",") != "violence,calls" {
				t.Fatalf("manifest board pack = %+v", m.BoardPack)
			}
			files := siteFiles(t, dir)
			pack := files["boardpack/2022-01-10.html"]
			checkInOrder(t, "published open part", pack, []string{`href="../static/css/assure.css"`, `src="../static/js/charts.js"`,
				"Board pack for the meeting of 10 January 2022", "Generated", "Part 1: open",
				"National Crime and Policing Measures", "Serious violence offences", "Calls for service"})
			for _, s := range append(notInOpenPart, "/boardpack", "Sign in", "/login") {
				if strings.Contains(pack, s) {
					t.Errorf("the published open part holds %q", s)
				}
			}
			if !strings.Contains(files["index.html"], `href="boardpack/2022-01-10.html"`) {
				t.Error("the index does not link to the published open part")
			}
			for name, body := range files {
				if strings.Contains(body, staffName) || strings.Contains(body, "Secret measure") {
					t.Errorf("published %s names staff or the sensitive measure", name)
				}
			}
		})
	}
}

// Package export is what leaves the dashboard as files: the tables
// people download (tables.go: a measure's figures, the finance tables,
// as CSV or .xlsx through ingest/spreadsheet) and the static site that
// assure publish makes for the Commissioner's website (site.go: it
// checks the folder published into, builds the new site beside it with
// its manifest, and swaps it in whole). What the site's pages say is the
// dashboard's: dashboard/publish.go renders them.
package export

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// ManifestName is the manifest's file name in a published folder.
const ManifestName = "manifest.json"

// manifestGenerator begins every manifest's generator: a folder whose
// manifest says so was written by Assure, and may be replaced.
const manifestGenerator = "Assure"

// Manifest is what a published folder's manifest.json says.
type Manifest struct {
	// Generator names Assure and its version.
	Generator string `json:"generator"`
	// GeneratedAt is when the site was built.
	GeneratedAt time.Time `json:"generated_at"`
	// DataVersion and PageVersion are the database's versions the whole
	// site was built from (see store.Versions): nothing changed while it
	// was built.
	DataVersion int64 `json:"data_version"`
	PageVersion int64 `json:"page_version"`
	// Measures are the open measures published, each with its page and
	// CSV.
	Measures []ManifestMeasure `json:"measures"`
	// BoardPack is the board pack's open part, when one was published.
	BoardPack *ManifestPack `json:"board_pack,omitempty"`
	// Files are every file of the site but the manifest, in the order
	// written, with their sizes and SHA-256 (hex).
	Files []ManifestFile `json:"files"`
}

// ManifestMeasure is one published measure.
type ManifestMeasure struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category"`
	// LatestPeriod is the period of its latest figure, "" with none.
	LatestPeriod string `json:"latest_period"`
	Page         string `json:"page"`
	CSV          string `json:"csv"`
}

// ManifestPack is a published board pack's open part.
type ManifestPack struct {
	Meeting string `json:"meeting"`
	Page    string `json:"page"`
	// Measures are the ids of the measures it shows.
	Measures []string `json:"measures"`
}

// ManifestFile is one file of a published site.
type ManifestFile struct {
	Path   string `json:"path"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Target checks the folder to publish into and returns its
// absolute path and whether it exists.
func Target(dir string) (string, bool, error) {
	if strings.TrimSpace(dir) == "" {
		return "", false, metrics.Errorf(metrics.EINVALID, "no folder to publish into")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false, fmt.Errorf("publish into %s: %w", dir, err)
	}
	if filepath.Dir(abs) == abs {
		return "", false, metrics.Errorf(metrics.EINVALID, "%s is the root of the file system: publish into a folder of its own", dir)
	}
	fi, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if pfi, err := os.Stat(filepath.Dir(abs)); err != nil || !pfi.IsDir() {
			return "", false, metrics.Errorf(metrics.EINVALID, "the folder %s, where %s would be made, does not exist", filepath.Dir(abs), filepath.Base(abs))
		}
		return abs, false, nil
	case err != nil:
		return "", false, fmt.Errorf("publish into %s: %w", dir, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return "", false, metrics.Errorf(metrics.EINVALID, "%s is a symbolic link: Assure never writes through one; publish into the folder itself", dir)
	case !fi.IsDir():
		return "", false, metrics.Errorf(metrics.EINVALID, "%s is a file, not a folder", dir)
	}
	if err := wasPublished(abs); err != nil {
		return "", false, err
	}
	return abs, true, nil
}

// wasPublished refuses a folder Assure did not publish: Publish replaces
// the whole of it. A folder is Assure's when its manifest says so, or,
// without a manifest (as an older Assure left it), when it holds nothing
// but what that Assure wrote: index.html, measure pages and CSVs under
// metrics/, and files under static/. An empty folder is anyone's.
func wasPublished(dir string) error {
	if b, err := readManifest(dir); err == nil {
		var m Manifest
		if json.Unmarshal(b, &m) == nil && strings.HasPrefix(m.Generator, manifestGenerator) {
			return nil
		}
		return metrics.Errorf(metrics.EINVALID, "%s has a %s that Assure did not write: publish into a new or empty folder, or one Assure published", dir, ManifestName)
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("publish into %s: %w", dir, err)
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if !olderPublication(rel, d) {
			return metrics.Errorf(metrics.EINVALID, "%s holds %s, which Assure does not publish: publish into a new or empty folder, or one Assure published (the whole folder is replaced)", dir, rel)
		}
		return nil
	})
}

// readManifest reads dir's manifest, never through a symbolic link.
func readManifest(dir string) ([]byte, error) {
	fi, err := os.Lstat(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", ManifestName)
	}
	return os.ReadFile(filepath.Join(dir, ManifestName))
}

// olderPublication reports whether a folder's entry is one an older
// Assure's publish wrote.
func olderPublication(rel string, d fs.DirEntry) bool {
	if d.Type()&fs.ModeSymlink != 0 {
		return false
	}
	switch first, rest, _ := strings.Cut(rel, "/"); first {
	case "index.html":
		return rest == "" && d.Type().IsRegular()
	case "metrics":
		return rest == "" && d.IsDir() ||
			!strings.Contains(rest, "/") && d.Type().IsRegular() && (path.Ext(rest) == ".html" || path.Ext(rest) == ".csv")
	case "static":
		return d.IsDir() || d.Type().IsRegular()
	}
	return false
}

// Folder writes a site's files into a new folder, never through a
// symbolic link: every file is created anew (O_EXCL refuses a name that
// exists, a link included) inside an os.Root, which refuses a path
// leading out. Each file but the manifest is listed in the manifest.
type Folder struct {
	root *os.Root
	// M is the manifest of the site being written.
	M *Manifest
	// before, when set, is called before each file is written; its
	// error stops the build (tests make a build fail half way with it).
	before func(rel string) error
}

// Write writes the file rel (a slash-separated path) of the site.
func (st *Folder) Write(rel string, b []byte) error {
	if st.before != nil {
		if err := st.before(rel); err != nil {
			return err
		}
	}
	if err := st.root.MkdirAll(path.Dir(rel), 0o755); err != nil {
		return err
	}
	f, err := st.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	sum := sha256.Sum256(b)
	if rel != ManifestName {
		st.M.Files = append(st.M.Files, ManifestFile{Path: rel, Bytes: len(b), SHA256: hex.EncodeToString(sum[:])})
	}
	return nil
}

// Build builds a site in a new folder beside target, with write writing
// its files and then the manifest m (made of Assure version, at
// generated, from the database's versions v) beside them, and returns
// the folder's path, or removes it and returns the error. before, when
// set, is called before each file is written.
func Build(target, version string, generated time.Time, v store.Versions, before func(rel string) error, write func(*Folder) error) (string, Manifest, error) {
	m := Manifest{Generator: manifestGenerator + " " + version, GeneratedAt: generated.UTC().Truncate(time.Second),
		DataVersion: v.Data, PageVersion: v.Page, Measures: []ManifestMeasure{}}
	tmp, err := os.MkdirTemp(filepath.Dir(target), "."+filepath.Base(target)+".publishing-")
	if err != nil {
		return "", m, fmt.Errorf("make a folder beside %s to build the site in: %w", target, err)
	}
	fail := func(err error) (string, Manifest, error) {
		os.RemoveAll(tmp)
		return "", m, err
	}
	root, err := os.OpenRoot(tmp)
	if err != nil {
		return fail(err)
	}
	defer root.Close()
	st := &Folder{root: root, M: &m, before: before}
	if err := write(st); err != nil {
		return fail(err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fail(fmt.Errorf("manifest: %w", err))
	}
	if err := st.Write(ManifestName, append(b, '\n')); err != nil {
		return fail(err)
	}
	// os.MkdirTemp makes the folder for its owner alone; a website is
	// read by the web server.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fail(err)
	}
	return tmp, m, nil
}

// SwapIn puts the site built at built in target's place. A new target is
// the built folder renamed. An existing one is exchanged with it in one
// step where the system can (Linux's renameat2), else moved aside first;
// either way the previous site is then removed. A rename moves a
// symbolic link itself, never what it points to, and removing the
// previous site removes links without following them.
func SwapIn(built, target string, existed bool) error {
	parent := filepath.Dir(target)
	if !existed {
		if err := os.Rename(built, target); err != nil {
			return fmt.Errorf("put the new site in place: %w", err)
		}
		return syncDir(parent)
	}
	err := exchangeFolders(built, target)
	if err == nil {
		// built now holds the previous site.
		if err := os.RemoveAll(built); err != nil {
			return fmt.Errorf("the new site is in place; removing the previous one from %s: %w", built, err)
		}
		return syncDir(parent)
	}
	if !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("put the new site in place: %w", err)
	}
	aside := built + ".previous"
	if err := os.Rename(target, aside); err != nil {
		return fmt.Errorf("move the previous site aside: %w", err)
	}
	if err := os.Rename(built, target); err != nil {
		if rerr := os.Rename(aside, target); rerr != nil {
			return fmt.Errorf("put the new site in place: %w; and the previous site is left in %s: %v", err, aside, rerr)
		}
		return fmt.Errorf("put the new site in place: %w", err)
	}
	if err := os.RemoveAll(aside); err != nil {
		return fmt.Errorf("the new site is in place; removing the previous one from %s: %w", aside, err)
	}
	return syncDir(parent)
}

// exchangeFolders is exchange; tests replace it to take the other way.
var exchangeFolders = exchange

// syncDir makes a folder's entries (a rename into it) durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

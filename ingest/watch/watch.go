// Package watch ingests the workbooks that finance and performance
// teams save to a shared drive: each file dropped in the folder is
// ingested once it has stopped changing, then moved to done/ or
// rejected/ with the ingest's report beside it. A file is never
// ingested twice: its SHA-256 is recorded in the database, whichever
// server watches the folder.
//
// The folder is watched with fsnotify, and also looked at every Poll:
// network shares (SMB, NFS) often send no notifications, and a file
// copied over a slow link changes for a while after it first appears.
package watch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/assure-pcc/assure/ingest"
	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// Folders beside the dropped files.
const (
	DoneDir     = "done"
	RejectedDir = "rejected"
)

// ReportSuffix ends the name of the report written beside a file.
const ReportSuffix = ".report.txt"

// Defaults of Config.
const (
	DefaultSettle = 2 * time.Second
	DefaultPoll   = 10 * time.Second
)

// Config is what a Watcher needs.
type Config struct {
	// Dir is the drop folder.
	Dir      string
	Ingester *ingest.Ingester
	// As names the user the uploads are made as: an active analyst
	// (performance workbooks) or finance user (finance workbooks). It is
	// read again for every file, so that disabling the user stops the
	// folder at once.
	As string
	// Settle is how long a file must stay the same size and time before
	// it is read; DefaultSettle if zero.
	Settle time.Duration
	// Poll is how often the folder is looked at besides notifications;
	// DefaultPoll if zero.
	Poll time.Duration
	// PollOnly turns notifications off (for shares that send none).
	PollOnly bool
	Logger   *slog.Logger
	// Now is the clock; time.Now if nil.
	Now func() time.Time
}

// Watcher watches one drop folder.
type Watcher struct {
	cfg   Config
	store *store.Store
	// seen is what each file looked like when last looked at.
	seen map[string]seenFile
}

type seenFile struct {
	size    int64
	mod     time.Time
	stable  time.Time // since when it has looked so
	pending bool
}

// New checks the folder and the user and makes the folders beside it.
func New(cfg Config) (*Watcher, error) {
	if cfg.Settle == 0 {
		cfg.Settle = DefaultSettle
	}
	if cfg.Poll == 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	fi, err := os.Stat(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("drop folder: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("drop folder %s is not a folder", cfg.Dir)
	}
	for _, d := range []string{DoneDir, RejectedDir} {
		if err := os.MkdirAll(filepath.Join(cfg.Dir, d), 0o750); err != nil {
			return nil, fmt.Errorf("drop folder: %w", err)
		}
	}
	w := &Watcher{cfg: cfg, store: cfg.Ingester.Store, seen: map[string]seenFile{}}
	if _, err := w.user(context.Background()); err != nil {
		return nil, err
	}
	return w, nil
}

// user is the user uploads are made as, if they may still upload.
func (w *Watcher) user(ctx context.Context) (metrics.User, error) {
	u, _, err := w.store.UserByName(ctx, w.cfg.As)
	if metrics.ErrorCode(err) == metrics.ENOTFOUND {
		return u, metrics.Errorf(metrics.EINVALID, "the drop folder uploads as %q, who is not a user: give an analyst or finance user", w.cfg.As)
	}
	if err != nil {
		return u, err
	}
	if u.Disabled {
		return u, metrics.Errorf(metrics.EFORBIDDEN, "the drop folder uploads as %s, who is disabled", u.Name)
	}
	if !u.CanUpload(metrics.KindPerformance) && !u.CanUpload(metrics.KindFinance) {
		return u, metrics.Errorf(metrics.EINVALID, "the drop folder uploads as %s (%s), who may upload nothing: give an analyst or finance user", u.Name, u.Role)
	}
	return u, nil
}

// Run watches until ctx ends.
func (w *Watcher) Run(ctx context.Context) error {
	var events <-chan fsnotify.Event
	var errs <-chan error
	if !w.cfg.PollOnly {
		fw, err := fsnotify.NewWatcher()
		if err == nil {
			err = fw.Add(w.cfg.Dir)
		}
		if err != nil {
			w.cfg.Logger.Warn("drop folder: no notifications, looking every poll only", "dir", w.cfg.Dir, "err", err)
		} else {
			defer fw.Close()
			events, errs = fw.Events, fw.Errors
		}
	}
	w.cfg.Logger.Info("watching the drop folder", "dir", w.cfg.Dir, "as", w.cfg.As, "settle", w.cfg.Settle, "poll", w.cfg.Poll)
	poll := time.NewTicker(w.cfg.Poll)
	defer poll.Stop()
	settle := time.NewTimer(w.cfg.Settle)
	defer settle.Stop()
	for {
		pending, err := w.Scan(ctx)
		if err != nil && ctx.Err() == nil {
			w.cfg.Logger.Warn("drop folder", "err", err)
		}
		if pending > 0 {
			settle.Reset(w.cfg.Settle)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-poll.C:
		case <-settle.C:
		case <-events:
		case err := <-errs:
			w.cfg.Logger.Warn("drop folder notifications", "err", err)
		}
	}
}

// ignored are names that are not workbooks to ingest: hidden files,
// the lock files Office keeps beside an open workbook (~$Q3.xlsx), and
// the temporary names of files being saved or copied.
func ignored(name string) bool {
	lower := strings.ToLower(name)
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~") || strings.HasSuffix(lower, ReportSuffix) {
		return true
	}
	for _, s := range []string{".tmp", ".part", ".partial", ".crdownload", ".swp", ".lock"} {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	return false
}

// Scan looks at the folder once: every file that has stayed the same
// since it was first seen so for Settle is ingested and moved. It
// returns how many files are still waiting to settle.
func (w *Watcher) Scan(ctx context.Context) (int, error) {
	entries, err := os.ReadDir(w.cfg.Dir)
	if err != nil {
		return 0, fmt.Errorf("read drop folder: %w", err)
	}
	now := w.cfg.Now()
	present := map[string]bool{}
	var ready []string
	pending := 0
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || ignored(name) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // gone meanwhile
		}
		present[name] = true
		prev, ok := w.seen[name]
		if !ok || prev.size != fi.Size() || !prev.mod.Equal(fi.ModTime()) || fi.Size() == 0 {
			w.seen[name] = seenFile{size: fi.Size(), mod: fi.ModTime(), stable: now, pending: true}
			pending++
			continue
		}
		if now.Sub(prev.stable) < w.cfg.Settle {
			pending++
			continue
		}
		ready = append(ready, name)
	}
	for name := range w.seen {
		if !present[name] {
			delete(w.seen, name)
		}
	}
	sort.Strings(ready)
	for _, name := range ready {
		if err := ctx.Err(); err != nil {
			return pending, err
		}
		if err := w.take(ctx, name); err != nil {
			w.cfg.Logger.Warn("drop folder: left for the next look", "file", name, "err", err)
			continue
		}
		delete(w.seen, name)
	}
	return pending, nil
}

// Outcome is what became of a file, for the log and the tests.
type Outcome struct {
	File, MovedTo, Report, Status string
}

// take ingests one settled file and moves it. An error means Assure
// itself failed (the database went away): the file stays for the next
// look, and nothing was recorded.
func (w *Watcher) take(ctx context.Context, name string) error {
	path := filepath.Join(w.cfg.Dir, name)
	in := w.cfg.Ingester
	content, tooLarge, err := readLimited(path, in.Package.MaxFileBytes)
	if err != nil {
		return err
	}
	var rep ingest.Report
	if tooLarge {
		rep = ingest.Report{File: name, Status: ingest.StatusRejected, Errors: []ingest.Problem{{Message: fmt.Sprintf(
			"the file is larger than the %d MB limit: split it, or raise the limit with --max-file-mb", in.Package.MaxFileBytes>>20)}}, Warnings: []ingest.Problem{}}
		return w.finish(ctx, name, "", rep, nil)
	}
	sum := sha256.Sum256(content)
	digest := hex.EncodeToString(sum[:])
	claimed, prev, err := w.store.ClaimWatchedFile(ctx, digest, name)
	if err != nil {
		return err
	}
	if !claimed {
		status := ingest.StatusUnchanged
		if prev.Status == ingest.StatusRejected {
			status = ingest.StatusRejected
		}
		rep = ingest.Report{File: name, SHA256: digest, Status: status, UploadID: prev.UploadID, Errors: []ingest.Problem{}, Warnings: []ingest.Problem{{Message: fmt.Sprintf(
			"the same file (by SHA-256) was dropped before, as %s on %s, and was %s then: it is not ingested again", prev.FileName, prev.SeenAt.Format("2 Jan 2006 15:04"), prev.Status)}}}
		return w.finish(ctx, name, "", rep, nil)
	}
	u, err := w.user(ctx)
	switch {
	case metrics.ErrorCode(err) == metrics.EINVALID || metrics.ErrorCode(err) == metrics.EFORBIDDEN:
		rep = ingest.Report{File: name, SHA256: digest, Status: ingest.StatusRejected, Errors: []ingest.Problem{{Message: metrics.ErrorMessage(err)}}, Warnings: []ingest.Problem{}}
		return w.finish(ctx, name, digest, rep, nil)
	case err != nil:
		_ = w.store.ReleaseWatchedFile(ctx, digest)
		return err
	}
	rep, err = in.Ingest(ctx, name, content, ingest.Options{UploadedBy: u.Name, Allow: func(kind string) error {
		if !u.CanUpload(kind) {
			return metrics.Errorf(metrics.EFORBIDDEN, "%s (%s) may not upload %s workbooks: save it where a %s user's drop folder takes it, or upload it on the uploads page", u.Name, u.Role, kind, uploaderOf(kind))
		}
		return nil
	}})
	if metrics.ErrorCode(err) == metrics.EFORBIDDEN {
		rep.Status = ingest.StatusRejected
		rep.Errors = append(rep.Errors, ingest.Problem{Message: metrics.ErrorMessage(err)})
		err = nil
	}
	if err != nil {
		_ = w.store.ReleaseWatchedFile(ctx, digest)
		return err
	}
	return w.finish(ctx, name, digest, rep, &u)
}

func uploaderOf(kind string) string {
	if kind == metrics.KindFinance {
		return "finance"
	}
	return "analyst"
}

// finish moves the file by its report's status, writes the report
// beside it, records the outcome and audits it.
func (w *Watcher) finish(ctx context.Context, name, digest string, rep ingest.Report, u *metrics.User) error {
	dir := DoneDir
	if rep.Rejected() {
		dir = RejectedDir
	}
	dst, err := move(filepath.Join(w.cfg.Dir, name), filepath.Join(w.cfg.Dir, dir))
	if err != nil {
		return err
	}
	f, err := os.Create(dst + ReportSuffix)
	if err != nil {
		return fmt.Errorf("write the report of %s: %w", name, err)
	}
	rep.WriteText(f)
	if err := f.Close(); err != nil {
		return fmt.Errorf("write the report of %s: %w", name, err)
	}
	if digest != "" {
		if err := w.store.FinishWatchedFile(ctx, digest, rep.Status, rep.UploadID); err != nil {
			w.cfg.Logger.Warn("drop folder: record the outcome", "file", name, "err", err)
		}
	}
	actor := w.cfg.As
	if u != nil {
		actor = u.Name
	}
	action := metrics.AuditUpload
	if rep.Rejected() {
		action = metrics.AuditUploadRejected
	}
	if err := w.store.Audit(ctx, metrics.AuditEntry{Actor: actor, Action: action,
		Detail: fmt.Sprintf("%s (%s, %s, sha256 %s) from the drop folder, moved to %s", rep.File, rep.Kind, rep.Status, rep.SHA256, filepath.Join(dir, filepath.Base(dst))),
		IP:     "drop folder"}); err != nil {
		w.cfg.Logger.Warn("drop folder: audit", "err", err)
	}
	w.cfg.Logger.Info("drop folder", "file", name, "status", rep.Status, "moved to", dst)
	return nil
}

// move renames src into dir, under its own name or, when that is taken
// by another file, "name (2).xlsx", "name (3).xlsx", ...
func move(src, dir string) (string, error) {
	base := filepath.Base(src)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for i := 1; i < 10000; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s (%d)%s", stem, i, ext)
		}
		dst := filepath.Join(dir, name)
		if _, err := os.Lstat(dst); err == nil {
			continue
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		if _, err := os.Lstat(dst + ReportSuffix); err == nil {
			continue
		}
		if err := os.Rename(src, dst); err != nil {
			return "", fmt.Errorf("move %s: %w", base, err)
		}
		return dst, nil
	}
	return "", fmt.Errorf("move %s: too many files of that name in %s", base, dir)
}

// readLimited reads the file at path unless it is larger than max.
func readLimited(path string, max int64) ([]byte, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(b)) > max {
		return nil, true, nil
	}
	return b, false, nil
}

package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/assure-pcc/assure/metrics"
	"github.com/assure-pcc/assure/metrics/store"
)

// ingestCSVFile ingests a CSV table from a file through opts.Mapping
// without ever holding the file in memory: one pass finds its SHA-256
// (for "unchanged"), a second reads it through the mapping, and a third
// stores it as the upload's original, in parts. Memory is the mapping's
// combined values (TableLimits.MaxKeys) and a few buffers, whatever the
// file's size; TableLimits.MaxCSVBytes bounds the file.
func (in *Ingester) ingestCSVFile(ctx context.Context, f *os.File, name string, size int64, opts Options) (Report, error) {
	rep := Report{File: name, DryRun: opts.DryRun, Kind: metrics.KindTable, Mapping: opts.Mapping.Name, Errors: []Problem{}, Warnings: []Problem{}}
	if size > in.Table.MaxCSVBytes {
		return in.rejectTable(rep, Problem{Message: fmt.Sprintf(
			"the file is larger than the %d MB limit for a CSV table: split it, or raise the limit with --max-csv-mb", in.Table.MaxCSVBytes>>20)}), nil
	}
	if in.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, in.Timeout)
		defer cancel()
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, size)); err != nil {
		return rep, fmt.Errorf("read %s: %w", name, err)
	}
	rep.SHA256 = hex.EncodeToString(h.Sum(nil))
	if done, err := in.unchanged(ctx, &rep); done || err != nil {
		return rep, err
	}
	return in.runTable(ctx, rep, name, size, opts,
		func(t *tableReader) error {
			if t.m.Source.Format == "xlsx" {
				return metrics.Errorf(metrics.EINVALID, "%s is a CSV file, but the mapping %s reads .xlsx workbooks: choose the mapping for this table", name, t.m.Name)
			}
			return in.readCSVTable(ctx, t, io.NewSectionReader(f, 0, size))
		},
		func(u metrics.Upload) (*store.IngestTx, error) {
			return in.Store.BeginIngestFrom(ctx, u, io.NewSectionReader(f, 0, size))
		})
}

// unchanged reports, and notes in rep, a file already stored.
func (in *Ingester) unchanged(ctx context.Context, rep *Report) (bool, error) {
	prev, found, err := in.Store.FindUploadBySHA(ctx, rep.SHA256)
	if err != nil {
		return false, fmt.Errorf("%s: look up earlier uploads: %w", rep.File, err)
	}
	if !found {
		return false, nil
	}
	rep.Status = StatusUnchanged
	rep.Kind = prev.Kind
	rep.UploadID = prev.ID
	rep.Warnings = append(rep.Warnings, Problem{Message: fmt.Sprintf(
		"this file was already stored on %s as upload %d: nothing changed", prev.UploadedAt.Format("2 Jan 2006 15:04"), prev.ID)})
	return true, nil
}

// isCSVFile tells, from its name and first bytes, whether a file given
// for a mapping is a CSV rather than a workbook.
func isCSVFile(f *os.File, size int64, name string) bool {
	ft, _ := SniffFile(f, size, name)
	return ft == FileCSV || ((ft == FileText || ft == FileEmpty) && strings.EqualFold(path.Ext(name), ".csv"))
}

// openTableFile opens path for IngestFile's CSV path; ok is false for a
// file that is not a CSV (it is read into memory as before).
func openTableFile(p string) (f *os.File, name string, size int64, csv bool, err error) {
	f, err = os.Open(p)
	if err != nil {
		return nil, "", 0, false, fmt.Errorf("open %s: %w", p, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, "", 0, false, fmt.Errorf("stat %s: %w", p, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, "", 0, false, errors.New(p + " is not a regular file")
	}
	name = filepath.Base(p)
	return f, name, fi.Size(), isCSVFile(f, fi.Size(), name), nil
}

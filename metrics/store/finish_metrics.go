package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// Finishing metrics on both cores.
//
// Finish checks each metric's values of the upload for duplicates and
// merges them into its current series. Reading the blocks and writing the
// series is the transaction's work, one statement at a time; decoding,
// checking, merging and encoding are CPU alone, most of the time, and
// each metric's is apart from every other's. So the transaction's
// goroutine reads a metric's blocks and series and hands them to one of
// finishWorkers goroutines, which do the CPU work, and writes the
// results in metric order as they come back; at most finishWindow
// metrics are in hand at once, so memory stays bounded by a few series.
// Only the transaction's goroutine touches the transaction.

const (
	finishWorkers = 2
	finishWindow  = 4
)

// finishJob is one metric's part of Finish.
type finishJob struct {
	id     string
	bodies [][]byte // the upload's blocks of the metric, in file order
	old    []byte   // its current series as stored; nil for none
	done   chan struct{}

	// Made by a worker. err is an error of reading the upload's values
	// or checking them; mergeErr one of merging them into the series,
	// which counts only while no duplicate has been found (as in the
	// order of old, when the merge was not tried after one).
	dups     duplicateList
	row      currentRow
	replaced int
	err      error
	mergeErr error
}

// finishMetrics checks and merges the values of ids as Finish describes,
// returning how many older values they superseded and the duplicates
// found; after the first duplicate, series are only checked. before sees
// each metric's current series as read (see FinishSeeing).
func (t *IngestTx) finishMetrics(ctx context.Context, ids []string, before func(string, StoredSeries)) (superseded int, dups duplicateList, err error) {
	work := make(chan *finishJob)
	var wg sync.WaitGroup
	for range finishWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				t.prepareFinish(j)
				close(j.done)
				// Between measures, a server's readers waiting for a
				// core get it: Go's scheduler would let this run on for
				// 10 ms (ingest's yieldEvery says why and what it did).
				runtime.Gosched()
			}
		}()
	}
	defer func() {
		close(work)
		wg.Wait()
	}()
	var jobs []*finishJob
	next := 0
	// settle writes the results of the finished jobs in order, waiting
	// for the oldest while more than window are in hand.
	settle := func(window int) error {
		for next < len(jobs) {
			j := jobs[next]
			if len(jobs)-next > window {
				<-j.done
			} else {
				select {
				case <-j.done:
				default:
					return nil
				}
			}
			jobs[next] = nil
			next++
			if j.err != nil {
				return fmt.Errorf("values of %q: %w", j.id, j.err)
			}
			dups.absorb(&j.dups)
			if dups.total > 0 {
				continue
			}
			if j.mergeErr != nil {
				return fmt.Errorf("current series of %q: %w", j.id, j.mergeErr)
			}
			if err := storeCurrent(ctx, t.tx, t.s.rebind, j.id, j.row, true); err != nil {
				return err
			}
			superseded += j.replaced
		}
		return nil
	}
	for _, id := range ids {
		j, err := t.readFinishJob(ctx, id)
		if err != nil {
			return 0, dups, err
		}
		if before != nil {
			// Shared, not copied: the worker and before only read it.
			before(id, StoredSeries{blob: j.old})
		}
		jobs = append(jobs, j)
		work <- j
		if err := settle(finishWindow); err != nil {
			return 0, dups, err
		}
	}
	if err := settle(0); err != nil {
		return 0, dups, err
	}
	return superseded, dups, nil
}

// readFinishJob reads what a metric's finishing needs from the
// transaction: the upload's blocks of it written so far, then the one
// kept, and its current series.
func (t *IngestTx) readFinishJob(ctx context.Context, id string) (*finishJob, error) {
	j := &finishJob{id: id, done: make(chan struct{})}
	rows, err := t.tx.QueryContext(ctx, t.s.rebind(`
		SELECT body FROM value_blocks WHERE upload_id = ? AND metric_id = ? ORDER BY part`), t.upload.ID, id)
	if err != nil {
		return nil, fmt.Errorf("values of %q: %w", id, err)
	}
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			rows.Close()
			return nil, fmt.Errorf("values of %q: %w", id, err)
		}
		j.bodies = append(j.bodies, body)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("values of %q: %w", id, err)
	}
	if e := t.blocks[id]; e != nil && e.n > 0 {
		j.bodies = append(j.bodies, e.bytes())
	}
	err = t.tx.QueryRowContext(ctx, t.s.rebind(`SELECT series FROM current_series WHERE metric_id = ?`), id).Scan(&j.old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("current series of %q: %w", id, err)
	}
	return j, nil
}

// prepareFinish is a worker's part of a metric's finishing: its values
// decoded and checked for duplicates and, when there are none, merged
// into its current series as encoded (mergeEncoded). The merge is the series as
// stored, less the values whose area and period the upload gives, plus
// the upload's values (every one it gave the metric so far, in file
// order), in Series order: what rebuildCurrent would read from the blocks
// (CheckCurrentSeries holds the two equal), without reading the older
// uploads' blocks. Older values come before the upload's where Series
// would tie them on period and area. A panic becomes
// the job's error: a worker is not the request's goroutine, whose
// recovery would not see it.
func (t *IngestTx) prepareFinish(j *finishJob) {
	merging := false
	defer func() {
		if p := recover(); p != nil {
			if merging {
				j.mergeErr = fmt.Errorf("panic: %v", p)
			} else {
				j.err = fmt.Errorf("panic: %v", p)
			}
		}
	}()
	values, err := decodeSeriesBlocks(j.bodies)
	if err != nil {
		j.err = err
		return
	}
	cells := j.dups.check(values, t.sheets)
	if j.dups.total > 0 {
		return
	}
	merging = true
	merged, err := mergeEncoded(j.old, values, cells, t.upload.ID)
	if err != nil {
		j.mergeErr = err
		return
	}
	// Every value of old that is not in merged was replaced; those of
	// this upload (from an earlier Finish) were replaced by themselves.
	j.replaced = merged.old + len(values) - merged.row.n - merged.own
	j.row = merged.row
}

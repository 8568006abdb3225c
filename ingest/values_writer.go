package ingest

import (
	"context"
	"fmt"

	"github.com/assure-pcc/assure/metrics"
)

// Writing values beside the reading.
//
// Encoding a batch of values into the transaction's blocks is a sixth of
// a large ingest's time, and the reading waited for it at every batch.
// A full batch is now handed to a goroutine that writes it while the
// next is read: on two cores the writing runs beside the reading.
//
// The transaction is used by one goroutine at a time: the writer holds
// txMu while it writes a batch, and the reader takes it (useTx) for
// anything else it does with the transaction while the writer may be
// running (a new measure, the stored values of a measure, incidents).
// Batches are written in the order they were read, and anything the
// reader writes before a value is queued (the measure it belongs to) is
// in the transaction before that value's batch.

// batchWriter writes full batches of values to the transaction.
type batchWriter struct {
	batches chan []metrics.Observation
	spare   chan []metrics.Observation
	done    chan struct{}
	// err is the first error (or a panic, as an error) of a write;
	// later batches are not written. Read under the sink's txMu, or
	// after done is closed.
	err error
}

// useTx runs fn, which uses the transaction, while the writer does not;
// once a write has failed it returns that error instead, the cause of
// whatever the transaction would say next (on PostgreSQL, that it is
// aborted).
func (s *valueSink) useTx(fn func() error) error {
	s.txMu.Lock()
	defer s.txMu.Unlock()
	if s.writer != nil && s.writer.err != nil {
		return s.writer.err
	}
	return fn()
}

// send hands the full batch to the writer, starting it the first time,
// and takes an empty one to fill. It returns an earlier write's error.
func (s *valueSink) send(ctx context.Context) error {
	w := s.writer
	if w == nil {
		w = &batchWriter{
			batches: make(chan []metrics.Observation, 1),
			spare:   make(chan []metrics.Observation, 3),
			done:    make(chan struct{}),
		}
		s.writer = w
		go s.write(ctx, w)
	}
	s.txMu.Lock()
	err := w.err
	s.txMu.Unlock()
	if err != nil {
		return err
	}
	w.batches <- s.batch
	select {
	case b := <-w.spare:
		s.batch = b[:0]
	default:
		s.batch = make([]metrics.Observation, 0, batchSize)
	}
	return nil
}

// write is the writer's goroutine: it writes each batch in turn until
// the batches are closed.
func (s *valueSink) write(ctx context.Context, w *batchWriter) {
	defer close(w.done)
	for b := range w.batches {
		s.txMu.Lock()
		if w.err == nil {
			w.err = s.addBatch(ctx, b)
		}
		s.txMu.Unlock()
		select {
		case w.spare <- b:
		default:
		}
	}
}

// addBatch writes one batch, turning a panic into an error: the writer's
// goroutine is not the request's, whose recovery would not see it.
func (s *valueSink) addBatch(ctx context.Context, b []metrics.Observation) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store observations: panic: %v", p)
		}
	}()
	if err := s.tx.AddObservations(ctx, b); err != nil {
		return fmt.Errorf("store observations: %w", err)
	}
	return nil
}

// stopWriter waits for the writer to write what it was given and stops
// it, returning its error. The transaction is then the caller's alone.
func (s *valueSink) stopWriter() error {
	w := s.writer
	if w == nil {
		return nil
	}
	s.writer = nil
	close(w.batches)
	<-w.done
	return w.err
}

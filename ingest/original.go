package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// original is an uploaded file as the ingest reads it: in memory (an
// upload through the web or the drop folder arrives whole), or a file on
// disk read by offset (assure ingest), so that a large workbook is not
// held in memory while it is read and stored.
type original struct {
	r     io.ReaderAt
	size  int64
	bytes []byte // the whole file, when it is in memory
}

func inMemory(content []byte) original {
	return original{r: bytes.NewReader(content), size: int64(len(content)), bytes: content}
}

// reader reads the file from its start.
func (o original) reader() *io.SectionReader { return io.NewSectionReader(o.r, 0, o.size) }

// sha256 is the hex digest of the file's content.
func (o original) sha256() (string, error) {
	if o.bytes != nil {
		sum := sha256.Sum256(o.bytes)
		return hex.EncodeToString(sum[:]), nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, o.reader()); err != nil {
		return "", fmt.Errorf("read: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// content is the whole file in memory, read now when it is on disk.
func (o original) content() ([]byte, error) {
	if o.bytes != nil {
		return o.bytes, nil
	}
	b := make([]byte, o.size)
	if _, err := io.ReadFull(o.reader(), b); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return b, nil
}

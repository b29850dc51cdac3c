// This file holds the size limits of the Model2Vec files read whole
// (through internal/fileio, whose refusals are errs.ErrCorrupt) and bounds
// what headers may preallocate.

package static

import (
	"context"
	"io"
)

// Size limits of the Model2Vec files read whole: configuration files of
// real models are a few kilobytes, the largest tokenizer.json files tens
// of megabytes.
const (
	maxConfigBytes    = 16 << 20
	maxTokenizerBytes = 256 << 20
)

// ctxEvery is how many lines, words or rows a reader handles between two
// looks at its context.
const ctxEvery = 1024

// ctxReader is r that fails with ctx's error once ctx is done, so that
// io.ReadAll of a long stream stops when it is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// preallocRows returns how many rows of dim components a reader should
// allocate room for when a header declares n: at most what the rest of
// the input could hold, when its size is known (size ≥ 0) and each row
// takes at least minBytes, at most 1024 when it is not (append grows the
// room with what is actually read), and never more than 16 MB of
// float32s. A header claiming 2^63 words allocated 307 MB before any
// word was read.
func preallocRows(n, dim int, size int64, minBytes int) int {
	c := min(n, (1<<22)/dim+1)
	if size < 0 {
		return min(c, 1024)
	}
	return int(min(int64(c), size/int64(minBytes)+1))
}

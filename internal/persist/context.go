// This file holds the context-checking wrappers every Save, Load and Read
// of the module puts around its file or stream, so that a cancelled
// context stops the I/O at the next write or read.

package persist

import (
	"context"
	"io"
)

// ContextWriter returns a writer that passes writes to w until ctx is done,
// and fails every write with ctx's error from then on.
func ContextWriter(ctx context.Context, w io.Writer) io.Writer { return ctxWriter{ctx, w} }

// ContextReader returns a reader that passes reads to r until ctx is done,
// and fails every read with ctx's error from then on.
func ContextReader(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx, r} }

type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (w ctxWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	return w.w.Write(p)
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// This file holds Load, which recognises the format of a path and calls
// the matching reader.

package static

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"github.com/ganada/ganada/internal/fileio"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Load reads the model at path, recognising its format:
//
//   - a directory whose modules.json names a sentence-transformers
//     StaticEmbedding module: see LoadStaticEmbedding;
//   - any other directory: a Model2Vec folder (see LoadModel2Vec);
//   - a file starting with the compact format's magic: see LoadCompact;
//   - a file with a "count dim" header line whose next line is not a word
//     followed by numbers, and whose first bytes after the header are not
//     UTF-8 text: the word2vec binary format;
//   - any other file: the text format (GloVe, word2vec text, fastText .vec).
//
// A name ending in ".gz" is decompressed first. Only regular files and
// folders are read: a FIFO or a device is an error wrapping errs.ErrCorrupt
// (to read a stream, use ReadText, ReadWord2VecBinary or ReadCompact).
func Load(ctx context.Context, path string, opts ...Option) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		if isStaticEmbedding(path) {
			return LoadStaticEmbedding(ctx, path, opts...)
		}
		return LoadModel2Vec(ctx, path, opts...)
	}
	f, st, err := fileio.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	name := baseName(path)
	size := st.Size() // bounds what a header may declare; unknown (-1) once decompressed
	if strings.HasSuffix(path, ".gz") {
		size = -1
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		r = zr
		name = strings.TrimSuffix(name, ".gz")
	}
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(4096)
	var m *Model
	switch {
	case bytes.HasPrefix(head, []byte(compactMagic)):
		b, rerr := io.ReadAll(ctxReader{ctx, br})
		if rerr != nil {
			return nil, rerr
		}
		m, err = ReadCompactBytes(b, append([]Option{WithName(name)}, opts...)...)
	case looksBinary(head):
		m, err = readBinary(ctx, br, name, opts, size)
	default:
		m, err = readText(ctx, br, name, opts, size)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// looksBinary reports whether head is a "count dim" header line followed
// by bytes that are not text (a NUL or invalid UTF-8 within the first
// vector) and not a text record either (a word, which may itself be
// invalid UTF-8, followed by numbers).
func looksBinary(head []byte) bool {
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 {
		return false
	}
	hf := strings.Fields(string(head[:nl]))
	if len(hf) != 2 {
		return false
	}
	rest := head[nl+1:]
	if dim, err := strconv.Atoi(hf[1]); err == nil && textRecord(rest, dim) {
		return false
	}
	if len(rest) > 2048 {
		rest = rest[:2048]
	}
	if bytes.IndexByte(rest, 0) >= 0 {
		return true
	}
	for len(rest) > 0 {
		r, size := utf8.DecodeRune(rest)
		if r == utf8.RuneError && size == 1 {
			// A rune cut by the peek window is not evidence.
			return len(rest) >= utf8.UTFMax || utf8.FullRune(rest)
		}
		rest = rest[size:]
	}
	return false
}

// textRecord reports whether b starts with a line of a text vector file of
// dimension dim: a word and then dim numbers, space-separated (for a line
// longer than b, at least minTextNumbers numbers before the cut). The raw
// float32 bytes of a binary record do not look like that.
func textRecord(b []byte, dim int) bool {
	line, complete := b, false
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line, complete = b[:i], true
	}
	fields := strings.Fields(string(line))
	if !complete && len(fields) > 0 {
		fields = fields[:len(fields)-1] // may be cut by the window
	}
	nums := 0
	for i := len(fields) - 1; i > 0; i-- {
		if _, err := strconv.ParseFloat(fields[i], 32); err != nil && !isRangeErr(err) {
			break
		}
		nums++
	}
	if complete {
		return dim > 0 && nums >= dim
	}
	return dim > 0 && nums >= min(dim, minTextNumbers)
}

// minTextNumbers is how many numbers textRecord wants to see on a line
// longer than its window.
const minTextNumbers = 8

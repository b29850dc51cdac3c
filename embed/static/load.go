// This file holds Load, which recognises the format of a path and calls
// the matching reader.

package static

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Load reads the model at path, recognising its format:
//
//   - a directory: a Model2Vec folder (see LoadModel2Vec);
//   - a file starting with the compact format's magic: see LoadCompact;
//   - a file whose first bytes after the header line are not UTF-8 text:
//     the word2vec binary format;
//   - any other file: the text format (GloVe, word2vec text, fastText .vec).
//
// A name ending in ".gz" is decompressed first.
func Load(path string, opts ...Option) (*Model, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return LoadModel2Vec(path, opts...)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	name := baseName(path)
	if strings.HasSuffix(path, ".gz") {
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
		b, rerr := io.ReadAll(br)
		if rerr != nil {
			return nil, rerr
		}
		m, err = ReadCompactBytes(b, append([]Option{WithName(name)}, opts...)...)
	case looksBinary(head):
		m, err = readBinary(br, name, opts)
	default:
		m, err = readText(br, name, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// looksBinary reports whether head is a "count dim" header line followed
// by bytes that are not text (a NUL or invalid UTF-8 within the first
// vector).
func looksBinary(head []byte) bool {
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 || len(strings.Fields(string(head[:nl]))) != 2 {
		return false
	}
	rest := head[nl+1:]
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

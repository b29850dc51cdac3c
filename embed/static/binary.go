// This file reads the word2vec binary format: a "count dim" text header
// line, then per word the word's bytes, a space, and dim little-endian
// float32 values, optionally followed by a newline.

package static

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/ganada/ganada/internal/fileio"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/ganada/ganada/errs"
)

// MaxDim is the largest vector dimension the readers accept.
const MaxDim = 1 << 16

// maxWordBytes bounds one word of a binary file.
const maxWordBytes = 1 << 16

// ReadWord2VecBinary reads a word2vec binary file (the format of
// GoogleNews-vectors-negative300.bin and of word2vec -binary 1). A word
// that is not valid UTF-8 is skipped (its vector must still be complete
// and finite), and the first occurrence of a duplicated word is kept;
// Model.LoadReport counts both. Errors wrap errs.ErrCorrupt and name the
// word's position; a file that ends early is reported as truncated.
func ReadWord2VecBinary(ctx context.Context, r io.Reader, opts ...Option) (*Model, error) {
	return readBinary(ctx, bufio.NewReaderSize(r, 1<<16), "static", opts, -1)
}

// LoadWord2VecBinary reads the word2vec binary file at path; see
// ReadWord2VecBinary. The model is named after the file.
func LoadWord2VecBinary(ctx context.Context, path string, opts ...Option) (*Model, error) {
	f, st, err := fileio.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := readBinary(ctx, bufio.NewReaderSize(f, 1<<16), baseName(path), opts, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// readBinary reads a word2vec binary file from br; size is the input's
// size in bytes if known, else -1.
func readBinary(ctx context.Context, br *bufio.Reader, name string, opts []Option, size int64) (*Model, error) {
	lc, err := loadConfig(opts)
	if err != nil {
		return nil, err
	}
	header, err := br.ReadString('\n')
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("static: no header line: %w", errs.ErrCorrupt)
		}
		return nil, err
	}
	f := strings.Fields(header)
	if len(f) != 2 {
		return nil, fmt.Errorf("static: header %q is not \"count dim\": %w", strings.TrimSpace(header), errs.ErrCorrupt)
	}
	n, err1 := strconv.Atoi(f[0])
	dim, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || n <= 0 || dim <= 0 || dim > MaxDim {
		return nil, fmt.Errorf("static: header %q: bad count or dimension: %w", strings.TrimSpace(header), errs.ErrCorrupt)
	}
	want := n
	if lc.maxWords > 0 && lc.maxWords < n {
		want = lc.maxWords
	}
	// A record takes at least a byte of word, a space and 4·dim bytes.
	capWords := preallocRows(want, dim, size, 4*dim+2)
	words := make([]string, 0, capWords)
	vecs := make([]float32, 0, capWords*dim)
	seen := make(map[string]struct{}, capWords)
	buf := make([]byte, 4*dim)
	var wb []byte
	var rep LoadReport
	for k := 0; k < n && len(words) < want; k++ {
		if k%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rep.Entries++
		wb = wb[:0]
		for {
			c, err := br.ReadByte()
			if err != nil {
				return nil, truncated(err, k)
			}
			if c == ' ' {
				break
			}
			if c == '\n' && len(wb) == 0 {
				continue
			}
			if len(wb) >= maxWordBytes {
				return nil, fmt.Errorf("static: word %d is longer than %d bytes: %w", k+1, maxWordBytes, errs.ErrCorrupt)
			}
			wb = append(wb, c)
		}
		word := string(wb)
		if word == "" {
			return nil, fmt.Errorf("static: word %d is empty: %w", k+1, errs.ErrCorrupt)
		}
		if _, err := io.ReadFull(br, buf); err != nil {
			return nil, truncated(err, k)
		}
		base := len(vecs)
		for j := 0; j < dim; j++ {
			x := math.Float32frombits(binary.LittleEndian.Uint32(buf[4*j:]))
			if !finite32(x) {
				return nil, fmt.Errorf("static: word %d %q component %d is %v: %w: %w", k+1, word, j+1, x, errs.ErrNonFinite, errs.ErrCorrupt)
			}
			vecs = append(vecs, x)
		}
		if !utf8Valid(word) {
			vecs = vecs[:base]
			rep.InvalidUTF8++
			continue
		}
		if _, dup := seen[word]; dup {
			vecs = vecs[:base]
			rep.Duplicates++
			continue
		}
		seen[word] = struct{}{}
		words = append(words, word)
	}
	mat := &matrix{prec: Float32, dim: dim, rows: len(words), f32: vecs[:len(vecs):len(vecs)]}
	return buildRead(words, mat, name, opts, rep)
}

func truncated(err error, k int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("static: file ends inside word %d (truncated?): %w", k+1, errs.ErrCorrupt)
	}
	return err
}

// This file reads the text vector formats: GloVe (no header), word2vec and
// fastText .vec (a "count dim" header line).

package static

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"github.com/ganada/ganada/internal/fileio"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ganada/ganada/errs"
)

// maxLine bounds one line of a text vector file (a 4096-d vector with long
// numbers fits comfortably).
const maxLine = 1 << 20

// ReadText reads a text vector file: one "word x1 x2 ... xd" line per word,
// separated by spaces or tabs, optionally preceded by a "count dim" header
// line (word2vec text and fastText .vec files have one, GloVe files do not).
// Without a header the dimension is taken from the first line. When a line
// has more fields than dim+1, the leading fields are one word containing
// spaces (glove.840B has a few). Blank lines are skipped. Every component
// must be a finite number. A line whose word is not valid UTF-8 is
// skipped, and the first occurrence of a duplicated word is kept, as
// word2vec's own tools do; Model.LoadReport counts both. With a header the
// file must hold exactly count entries, skipped ones included (fewer with
// WithMaxWords). Errors wrap errs.ErrCorrupt and name the line.
func ReadText(ctx context.Context, r io.Reader, opts ...Option) (*Model, error) {
	return readText(ctx, r, "static", opts, -1)
}

// LoadText reads the text vector file at path; see ReadText. The model is
// named after the file (WithName overrides).
func LoadText(ctx context.Context, path string, opts ...Option) (*Model, error) {
	f, st, err := fileio.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := readText(ctx, bufio.NewReaderSize(f, 1<<16), baseName(path), opts, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// baseName returns the last element of path, the default model name, with
// bytes that are not valid UTF-8 replaced by U+FFFD: a name goes into the
// model's Identity, which collections save as UTF-8.
func baseName(path string) string {
	return strings.ToValidUTF8(filepath.Base(filepath.Clean(path)), "\uFFFD")
}

func loadConfig(opts []Option) (config, error) {
	var c config
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return c, err
		}
	}
	return c, nil
}

// readText reads a text vector file from r; size is the input's size in
// bytes if known, else -1.
func readText(ctx context.Context, r io.Reader, name string, opts []Option, size int64) (*Model, error) {
	lc, err := loadConfig(opts)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxLine)
	var (
		words    []string
		vecs     []float32
		seen     = map[string]struct{}{}
		dim      = 0
		declared = -1
		lineNo   = 0
		rep      LoadReport
	)
	for sc.Scan() {
		lineNo++
		if lineNo%ctxEvery == 1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		// Invalid UTF-8 bytes are not spaces to strings.Fields, so a bad
		// word stays one field, and in a number it fails to parse.
		fields := strings.Fields(string(line))
		if dim == 0 && declared < 0 && len(words) == 0 && len(fields) == 2 {
			n, err1 := strconv.Atoi(fields[0])
			d, err2 := strconv.Atoi(fields[1])
			if err1 == nil && err2 == nil {
				if n < 0 || d <= 0 || d > MaxDim {
					return nil, fmt.Errorf("static: line %d: header %q: bad count or dimension: %w", lineNo, line, errs.ErrCorrupt)
				}
				declared, dim = n, d
				if n > 0 {
					// A line takes at least a byte of word and, per
					// component, a separator and a digit.
					c := preallocRows(n, d, size, 2*d+2)
					vecs = make([]float32, 0, c*d)
					words = make([]string, 0, c)
				}
				continue
			}
		}
		if dim == 0 {
			dim = len(fields) - 1
			if dim <= 0 {
				return nil, fmt.Errorf("static: line %d: a word with no vector: %w", lineNo, errs.ErrCorrupt)
			}
			if dim > MaxDim {
				return nil, fmt.Errorf("static: line %d: %d components, more than %d: %w", lineNo, dim, MaxDim, errs.ErrCorrupt)
			}
		}
		if len(fields) < dim+1 {
			return nil, fmt.Errorf("static: line %d: %d components, want %d: %w", lineNo, len(fields)-1, dim, errs.ErrCorrupt)
		}
		if declared >= 0 && rep.Entries >= declared {
			return nil, fmt.Errorf("static: line %d: more words than the header's %d: %w", lineNo, declared, errs.ErrCorrupt)
		}
		rep.Entries++
		word := strings.Join(fields[:len(fields)-dim], " ")
		nums := fields[len(fields)-dim:]
		base := len(vecs)
		for j, s := range nums {
			x, err := strconv.ParseFloat(s, 32)
			if err != nil && !isRangeErr(err) {
				return nil, fmt.Errorf("static: line %d: component %d %q is not a number: %w", lineNo, j+1, s, errs.ErrCorrupt)
			}
			if !finite32(float32(x)) {
				return nil, fmt.Errorf("static: line %d: word %q component %d is %s: %w: %w", lineNo, word, j+1, s, errs.ErrNonFinite, errs.ErrCorrupt)
			}
			vecs = append(vecs, float32(x))
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
		if lc.maxWords > 0 && len(words) >= lc.maxWords {
			declared = -1
			break
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, fmt.Errorf("static: line %d is longer than %d bytes: %w", lineNo+1, maxLine, errs.ErrCorrupt)
		}
		return nil, err
	}
	if declared >= 0 && rep.Entries < declared {
		return nil, fmt.Errorf("static: the header declares %d words, the file has %d (truncated?): %w", declared, rep.Entries, errs.ErrCorrupt)
	}
	mat := &matrix{prec: Float32, dim: dim, rows: len(words), f32: vecs[:len(vecs):len(vecs)]}
	return buildRead(words, mat, name, opts, rep)
}

// isRangeErr reports a number too large or small for float32, which is
// reported as non-finite (overflow) or kept as rounded (underflow).
func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// This file loads STS data sets and scores an encoder on them.

package eval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
)

// Pair is one STS example: two sentences and their gold similarity.
type Pair struct {
	Sentence1, Sentence2 string
	// Score is the gold similarity, 0 (unrelated) to 5 (equivalent) in
	// STS-B and KorSTS.
	Score float64
}

// ReadSTSBenchmarkCSV reads the stsb-multi-mt CSV format: one
// sentence1,sentence2,score record per line, no header, fields quoted
// (RFC 4180) where they contain commas or quotes.
func ReadSTSBenchmarkCSV(ctx context.Context, r io.Reader) ([]Pair, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = 3
	var out []Pair
	for {
		if len(out)%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("eval: %v: %w", err, errs.ErrCorrupt)
		}
		line, _ := cr.FieldPos(0)
		p, err := makePair(rec[0], rec[1], rec[2])
		if err != nil {
			return nil, fmt.Errorf("eval: line %d: %v: %w", line, err, errs.ErrCorrupt)
		}
		if len(out) == 0 {
			p.Sentence1 = strings.TrimPrefix(p.Sentence1, "\ufeff")
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("eval: no records: %w", errs.ErrCorrupt)
	}
	return out, nil
}

// ctxEvery is how many records a reader handles between two looks at its
// context.
const ctxEvery = 1024

// korSTSHeader is the header line of the KorSTS files.
var korSTSHeader = []string{"genre", "filename", "year", "id", "score", "sentence1", "sentence2"}

// ReadKorSTS reads the KorSTS TSV format: a header line "genre filename year
// id score sentence1 sentence2", then one tab-separated record per line.
// Fields are not quoted: a quote character is part of the text (reading
// these files as CSV with quoting merges records — the known KorSTS
// pitfall). Every line must have exactly 7 fields.
func ReadKorSTS(ctx context.Context, r io.Reader) ([]Pair, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var out []Pair
	line := 0
	for sc.Scan() {
		line++
		if line%ctxEvery == 1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		text := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
			if strings.Join(strings.Split(text, "\t"), " ") != strings.Join(korSTSHeader, " ") {
				return nil, fmt.Errorf("eval: line 1: header %q, want %q: %w", text, strings.Join(korSTSHeader, "\t"), errs.ErrCorrupt)
			}
			continue
		}
		if text == "" {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 7 {
			return nil, fmt.Errorf("eval: line %d: %d fields, want 7: %w", line, len(f), errs.ErrCorrupt)
		}
		p, err := makePair(f[5], f[6], f[4])
		if err != nil {
			return nil, fmt.Errorf("eval: line %d: %v: %w", line, err, errs.ErrCorrupt)
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval: line %d: %v: %w", line+1, err, errs.ErrCorrupt)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("eval: no records: %w", errs.ErrCorrupt)
	}
	return out, nil
}

func makePair(s1, s2, score string) (Pair, error) {
	if !utf8.ValidString(s1) || !utf8.ValidString(s2) {
		return Pair{}, errors.New("sentence is not valid UTF-8")
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(score), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return Pair{}, fmt.Errorf("score %q is not a finite number", score)
	}
	return Pair{Sentence1: s1, Sentence2: s2, Score: x}, nil
}

// LoadSTS reads an STS file, choosing the format by extension: ".tsv" is
// KorSTS, anything else the stsb-multi-mt CSV.
func LoadSTS(ctx context.Context, path string) ([]Pair, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pairs []Pair
	if strings.HasSuffix(path, ".tsv") {
		pairs, err = ReadKorSTS(ctx, bytes.NewReader(b))
	} else {
		pairs, err = ReadSTSBenchmarkCSV(ctx, bytes.NewReader(b))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return pairs, nil
}

// STSResult is the score of an encoder on an STS set.
type STSResult struct {
	// Spearman is Spearman's rank correlation ×100 of cosine similarity
	// with the gold scores: the headline STS number.
	Spearman float64
	// Pearson is the Pearson correlation ×100.
	Pearson float64
	// Pairs is the number of pairs scored.
	Pairs int
	// Cosines holds each pair's cosine similarity, in input order.
	Cosines []float64
}

// STSOption configures EvaluateSTS. It returns an error wrapping
// errs.ErrInvalidOption, naming the option and its value, when the value
// is unusable; EvaluateSTS skips nil options and returns the first error.
type STSOption func(*stsConfig) error

type stsConfig struct{ batch int }

// WithBatchSize sets how many sentences go to one Encode call (default
// 256); n must be positive.
func WithBatchSize(n int) STSOption {
	return func(c *stsConfig) error {
		if n <= 0 {
			return fmt.Errorf("eval: WithBatchSize(%d): not positive: %w", n, errs.ErrInvalidOption)
		}
		c.batch = n
		return nil
	}
}

// EvaluateSTS encodes the distinct sentences of pairs with enc and returns
// the correlations of the pairs' cosine similarities with their gold
// scores. Encoder errors are returned wrapped; a wrong number of vectors or
// a vector of the wrong length is an error wrapping errs.ErrEncoder, a
// vector with a non-finite component one wrapping errs.ErrNonFinite, and
// fewer than two pairs (or a constant set of scores) one wrapping
// errs.ErrInvalidInput.
func EvaluateSTS(ctx context.Context, enc embed.Encoder, pairs []Pair, opts ...STSOption) (STSResult, error) {
	cfg := stsConfig{batch: 256}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return STSResult{}, err
		}
	}
	if len(pairs) < 2 {
		return STSResult{}, fmt.Errorf("eval: EvaluateSTS: %d pairs, need at least 2: %w", len(pairs), errs.ErrInvalidInput)
	}
	pos := map[string]int{}
	var texts []string
	for _, p := range pairs {
		for _, s := range []string{p.Sentence1, p.Sentence2} {
			if _, ok := pos[s]; !ok {
				pos[s] = len(texts)
				texts = append(texts, s)
			}
		}
	}
	vecs := make([][]float32, 0, len(texts))
	for i := 0; i < len(texts); i += cfg.batch {
		out, err := enc.Encode(ctx, texts[i:min(i+cfg.batch, len(texts))])
		if err != nil {
			return STSResult{}, fmt.Errorf("eval: encoding: %w", err)
		}
		vecs = append(vecs, out...)
	}
	if len(vecs) != len(texts) {
		return STSResult{}, fmt.Errorf("eval: encoder returned %d vectors for %d texts: %w", len(vecs), len(texts), errs.ErrEncoder)
	}
	dim := enc.Dim()
	for i, v := range vecs {
		if len(v) != dim {
			return STSResult{}, fmt.Errorf("eval: vector %d has length %d, Dim() is %d: %w", i, len(v), dim, errs.ErrEncoder)
		}
	}
	cos := make([]float64, len(pairs))
	gold := make([]float64, len(pairs))
	for i, p := range pairs {
		c, err := cosine(vecs[pos[p.Sentence1]], vecs[pos[p.Sentence2]])
		if err != nil {
			return STSResult{}, fmt.Errorf("eval: pair %d: %w", i, err)
		}
		cos[i], gold[i] = c, p.Score
	}
	s, err := Spearman(cos, gold)
	if err != nil {
		return STSResult{}, err
	}
	r, err := Pearson(cos, gold)
	if err != nil {
		return STSResult{}, err
	}
	return STSResult{Spearman: 100 * s, Pearson: 100 * r, Pairs: len(pairs), Cosines: cos}, nil
}

// cosine is the float64 cosine of a and b, 0 when either is zero.
func cosine(a, b []float32) (float64, error) {
	var ab, aa, bb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		ab += x * y
		aa += x * x
		bb += y * y
	}
	if math.IsNaN(ab+aa+bb) || math.IsInf(ab+aa+bb, 0) {
		return 0, fmt.Errorf("vector has a non-finite component: %w", errs.ErrNonFinite)
	}
	if aa == 0 || bb == 0 {
		return 0, nil
	}
	return ab / math.Sqrt(aa*bb), nil
}

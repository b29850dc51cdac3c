// This file holds the test encoders and reference computations the root
// package's tests share.

package ganada_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/index"
)

var errInvalidText = errors.New("hashenc: text is not valid UTF-8")

// hashEncoder is a deterministic bag-of-words encoder: every lowercased
// word has a pseudo-random Gaussian vector seeded by its FNV hash, and a
// text's vector is the sum of its words'. Texts sharing words get similar
// vectors, which is enough to test retrieval against brute force.
type hashEncoder struct {
	dim  int
	name string

	mu       sync.Mutex
	calls    int
	texts    []string // every text encoded, in order
	failOn   int      // fail the failOn-th Encode call (1-based); 0: never
	nanWord  string   // a text containing this word gets a NaN component
	short    bool     // return one vector too few
	longDim  bool     // return vectors one component too long
	cancel   context.CancelFunc
	cancelOn int // call cancel during the cancelOn-th call
}

func newHashEncoder(dim int) *hashEncoder { return &hashEncoder{dim: dim, name: "hash"} }

func (e *hashEncoder) Dim() int { return e.dim }

func (e *hashEncoder) Identity() embed.Identity {
	return embed.Identity{Model: e.name, Revision: "v1", Dim: e.dim}
}

func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func (e *hashEncoder) wordVec(w string) []float64 {
	h := fnv.New64a()
	h.Write([]byte(w))
	r := rand.New(rand.NewPCG(h.Sum64(), uint64(e.dim)))
	v := make([]float64, e.dim)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

// vector is the encoder's output for text, in float64.
func (e *hashEncoder) vector(text string) []float64 {
	v := make([]float64, e.dim)
	for _, w := range words(text) {
		for i, x := range e.wordVec(w) {
			v[i] += x
		}
	}
	return v
}

func (e *hashEncoder) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	e.calls++
	call := e.calls
	e.texts = append(e.texts, texts...)
	e.mu.Unlock()
	if e.cancel != nil && call == e.cancelOn {
		e.cancel()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if call == e.failOn {
		return nil, fmt.Errorf("hashenc: injected failure on call %d", call)
	}
	out := make([][]float32, 0, len(texts))
	for _, t := range texts {
		if !utf8.ValidString(t) {
			return nil, fmt.Errorf("%w: %q", errInvalidText, t)
		}
		n := e.dim
		if e.longDim {
			n++
		}
		v := make([]float32, n)
		for i, x := range e.vector(t) {
			v[i] = float32(x)
		}
		if e.nanWord != "" && strings.Contains(t, e.nanWord) {
			v[0] = float32(math.NaN())
		}
		out = append(out, v)
	}
	if e.short && len(out) > 0 {
		out = out[:len(out)-1]
	}
	return out, nil
}

func (e *hashEncoder) encodedTexts() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.texts...)
}

// plainEncoder is hashEncoder without an Identity method.
type plainEncoder struct{ *hashEncoder }

func (p plainEncoder) Identity() {} // shadows, so plainEncoder is not an embed.Identifier

// refHit is a brute-force result.
type refHit struct {
	id    string
	score float64
}

// bruteForce ranks docs against query by m in float64, best first, keeping
// those keep admits (nil: all).
func bruteForce(e *hashEncoder, docs []ganada.Document, query string, m index.Metric, keep func(ganada.Document) bool) []refHit {
	q := e.vector(query)
	var out []refHit
	for _, d := range docs {
		if keep != nil && !keep(d) {
			continue
		}
		out = append(out, refHit{d.ID, score64(m, q, e.vector(d.Text))})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out
}

func score64(m index.Metric, a, b []float64) float64 {
	var dot, na, nb, l2 float64
	for i := range a {
		dot += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
		d := a[i] - b[i]
		l2 += d * d
	}
	switch m {
	case index.Cosine:
		return dot / math.Sqrt(na*nb)
	case index.Dot:
		return dot
	default:
		return -l2
	}
}

// checkAgainst asserts that hits are the first len(hits) of want (up to
// ties within tolerance) with matching scores.
func checkAgainst(t *testing.T, hits []ganada.Hit, want []refHit, k int) {
	t.Helper()
	if n := min(k, len(want)); len(hits) != n {
		t.Fatalf("got %d hits, want %d", len(hits), n)
	}
	for i, h := range hits {
		w := want[i]
		tol := 1e-4 * math.Max(1, math.Abs(w.score))
		if math.Abs(float64(h.Score)-w.score) > tol {
			t.Fatalf("hit %d: %s score %v, reference %s score %v", i, h.ID, h.Score, w.id, w.score)
		}
		if h.ID != w.id {
			// Accept a swap only between near-equal scores.
			ok := false
			for _, o := range want {
				if o.id == h.ID && math.Abs(o.score-w.score) <= tol {
					ok = true
				}
			}
			if !ok {
				t.Fatalf("hit %d: got %s (%v), want %s (%v)", i, h.ID, h.Score, w.id, w.score)
			}
		}
	}
}

// corpus returns n documents whose texts draw words from a small
// vocabulary, with "lang" and "topic" metadata.
func corpus(n int, seed uint64) []ganada.Document {
	vocab := strings.Fields("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega apple banana cherry grape lemon mango melon peach pear plum")
	langs := []string{"en", "ko", "fr"}
	topics := []string{"fruit", "greek", "misc", "news", "sport"}
	r := rand.New(rand.NewPCG(seed, 7))
	docs := make([]ganada.Document, n)
	for i := range docs {
		nw := 3 + r.IntN(6)
		ws := make([]string, nw)
		for j := range ws {
			ws[j] = vocab[r.IntN(len(vocab))]
		}
		docs[i] = ganada.Document{
			ID:   fmt.Sprintf("doc-%04d", i),
			Text: strings.Join(ws, " "),
			Metadata: map[string]string{
				"lang":  langs[r.IntN(len(langs))],
				"topic": topics[r.IntN(len(topics))],
			},
		}
		if i%7 == 0 {
			docs[i].Metadata["extra"] = "yes"
		}
	}
	return docs
}

// byteEncoder accepts any bytes, valid UTF-8 or not (as a transformer's
// byte-level tokenizer does): a text's vector counts its bytes into dim-1
// buckets after a constant first component, so no vector is zero.
type byteEncoder struct {
	dim      int
	identity embed.Identity
}

func (e byteEncoder) Dim() int { return e.dim }

func (e byteEncoder) Identity() embed.Identity {
	if e.identity.Model == "" {
		return embed.Identity{Model: "bytes", Dim: e.dim}
	}
	return e.identity
}

func (e byteEncoder) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, e.dim)
		v[0] = 1
		for j := 0; j < len(t); j++ {
			v[1+int(t[j])%(e.dim-1)]++
		}
		out[i] = v
	}
	return out, nil
}

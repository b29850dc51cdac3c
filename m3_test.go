// m3_test.go checks the stored sparse weights and ColBERT vectors
// (WithSparse, WithColBERT) and the queries that use them: on the
// tiny-bge-m3 fixture, every score against FlagEmbedding's compute_score
// formulas evaluated here in float64 on the fixture's goldens (FlagEmbedding's
// own dense_vecs, lexical_weights and colbert_vecs); on a hash-based
// multi-output encoder, persistence, replacement, deletion, filters,
// errors and concurrent use (run with -race).

package ganada_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

// multiHash is hashEncoder with lexical weights (one per distinct word,
// id and weight from its hash) and ColBERT vectors (each word's unit
// vector, colDim wide); it counts its EncodeMulti calls.
type multiHash struct {
	*hashEncoder
	colDim int

	mu    sync.Mutex
	multi int // EncodeMulti calls
	texts int // texts given to EncodeMulti
}

func newMultiHash(dim int) *multiHash { return &multiHash{hashEncoder: newHashEncoder(dim), colDim: 4} }

func (m *multiHash) ColBERTDim() int { return m.colDim }

func wordID(w string) (int, float32) {
	h := fnv.New32a()
	h.Write([]byte(w))
	s := h.Sum32()
	return int(s % 5000), 0.5 + float32(s%7)/10
}

func (m *multiHash) EncodeMulti(ctx context.Context, texts []string) ([]embed.MultiEmbedding, error) {
	m.mu.Lock()
	m.multi++
	m.texts += len(texts)
	m.mu.Unlock()
	dense, err := m.Encode(ctx, texts)
	if err != nil {
		return nil, err
	}
	out := make([]embed.MultiEmbedding, len(texts))
	for i, t := range texts {
		out[i].Dense = dense[i]
		seen := map[int]bool{}
		for _, w := range words(t) {
			id, wt := wordID(w)
			if !seen[id] {
				seen[id] = true
				out[i].Sparse.IDs = append(out[i].Sparse.IDs, id)
				out[i].Sparse.Weights = append(out[i].Sparse.Weights, wt)
			}
			v := m.wordVec(w)[:m.colDim]
			var n float64
			for _, x := range v {
				n += x * x
			}
			cv := make([]float32, m.colDim)
			for j, x := range v {
				cv[j] = float32(x / math.Sqrt(n))
			}
			out[i].ColBERT = append(out[i].ColBERT, cv)
		}
	}
	return out, nil
}

func (m *multiHash) calls() (int, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.multi, m.texts
}

// refScores are the three scores of a query and a document computed in
// float64 as FlagEmbedding's compute_score computes them.
type refScores struct{ dense, sparse, colbert float64 }

func (r refScores) combined(w embed.MultiWeights) float64 {
	return (float64(w.Dense)*r.dense + float64(w.Sparse)*r.sparse + float64(w.ColBERT)*r.colbert) /
		float64(w.Dense+w.Sparse+w.ColBERT)
}

// cosRef is ref with the dense score a cosine, as a Cosine collection
// scores vectors that are not unit length.
func cosRef(q, p embed.MultiEmbedding) refScores {
	r := ref(q, p)
	var nq, np float64
	for i := range q.Dense {
		nq += float64(q.Dense[i]) * float64(q.Dense[i])
		np += float64(p.Dense[i]) * float64(p.Dense[i])
	}
	r.dense /= math.Sqrt(nq * np)
	return r
}

// ref computes the scores from two texts' outputs: dense dot product,
// lexical matching score (sum over shared ids of the weights' product),
// colbert_score (mean over query vectors of the best dot product).
func ref(q, p embed.MultiEmbedding) refScores {
	var r refScores
	for i := range q.Dense {
		r.dense += float64(q.Dense[i]) * float64(p.Dense[i])
	}
	lw := map[int]float64{}
	for i, id := range p.Sparse.IDs {
		lw[id] = float64(p.Sparse.Weights[i])
	}
	for i, id := range q.Sparse.IDs {
		r.sparse += float64(q.Sparse.Weights[i]) * lw[id]
	}
	if len(q.ColBERT) > 0 && len(p.ColBERT) > 0 {
		for _, qv := range q.ColBERT {
			best := math.Inf(-1)
			for _, pv := range p.ColBERT {
				var s float64
				for k := range qv {
					s += float64(qv[k]) * float64(pv[k])
				}
				best = max(best, s)
			}
			r.colbert += best
		}
		r.colbert /= float64(len(q.ColBERT))
	}
	return r
}

// m3Golden reads the tiny-bge-m3 goldens: FlagEmbedding's outputs per text.
func m3Golden(t *testing.T, dir string) (texts []string, outs []embed.MultiEmbedding) {
	var g struct {
		Binary string `json:"binary"`
		Items  []struct {
			Text           string               `json:"text"`
			DenseVecs      testutil.GoldenArray `json:"dense_vecs"`
			ColBERTVecs    testutil.GoldenArray `json:"colbert_vecs"`
			LexicalWeights struct {
				TokenIDs []int                `json:"token_ids"`
				Weights  testutil.GoldenArray `json:"weights"`
			} `json:"lexical_weights"`
		} `json:"items"`
	}
	path := filepath.Join(dir, "goldens", "public.json")
	if err := testutil.ReadJSON(path, &g); err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(filepath.Join(dir, "goldens", g.Binary))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range g.Items {
		dense, e1 := it.DenseVecs.Floats(bin)
		col, e2 := it.ColBERTVecs.Floats(bin)
		lw, e3 := it.LexicalWeights.Weights.Floats(bin)
		if err := errors.Join(e1, e2, e3); err != nil {
			t.Fatal(err)
		}
		d := it.ColBERTVecs.Shape[len(it.ColBERTVecs.Shape)-1]
		var cv [][]float32
		for i := 0; i+d <= len(col); i += d {
			cv = append(cv, col[i:i+d])
		}
		texts = append(texts, it.Text)
		outs = append(outs, embed.MultiEmbedding{Dense: dense, Sparse: embed.SparseVector{IDs: it.LexicalWeights.TokenIDs, Weights: lw}, ColBERT: cv})
	}
	return texts, outs
}

// TestM3Parity stores tiny-bge-m3's outputs for 40 golden texts and checks
// that WithM3, WithSparseOnly and WithMaxSim score every document as
// FlagEmbedding's compute_score does on the golden outputs (within 1e-4),
// without encoding any document again, before and after Save and Load.
func TestM3Parity(t *testing.T) {
	dir := filepath.Join("embed", "transformer", "testdata", "tiny-bge-m3")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("fixture %s not found", dir)
	}
	texts, gold := m3Golden(t, dir)
	m3, err := transformer.LoadM3(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m3.Close()
	enc := &countingM3{M3: m3}
	c, err := ganada.NewCollection(enc, ganada.WithFlat(), ganada.WithSparse(), ganada.WithColBERT())
	if err != nil {
		t.Fatal(err)
	}
	const ndocs = 40
	byID := map[string]int{}
	var docs []ganada.Document
	for i := 4; i < 4+ndocs; i++ {
		id := fmt.Sprintf("t%d", i)
		byID[id] = i
		docs = append(docs, ganada.Document{ID: id, Text: texts[i], Metadata: map[string]string{"odd": fmt.Sprint(i % 2)}})
	}
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	w := embed.MultiWeights{Dense: 0.4, Sparse: 0.2, ColBERT: 0.4}
	check := func(c *ganada.Collection, name string) {
		t.Helper()
		for q := 0; q < 4; q++ {
			before := enc.texts()
			type mode struct {
				name  string
				opt   []ganada.QueryOption
				score func(r refScores) float64
				all   bool // every document comes back
			}
			for _, m := range []mode{
				{"WithM3", []ganada.QueryOption{ganada.WithM3(w)}, func(r refScores) float64 { return r.combined(w) }, true},
				{"WithM3 default", []ganada.QueryOption{ganada.WithM3(transformer.DefaultM3Weights)}, func(r refScores) float64 { return r.combined(transformer.DefaultM3Weights) }, true},
				{"sparse+dense", []ganada.QueryOption{ganada.WithM3(embed.MultiWeights{Dense: 0.4, Sparse: 0.2})}, func(r refScores) float64 { return (0.4*r.dense + 0.2*r.sparse) / 0.6 }, true},
				{"WithSparseOnly", []ganada.QueryOption{ganada.WithSparseOnly()}, func(r refScores) float64 { return r.sparse }, false},
				{"WithMaxSim", []ganada.QueryOption{ganada.WithMaxSim(ndocs)}, func(r refScores) float64 { return r.colbert }, true},
			} {
				hits, err := c.Query(ctx, texts[q], ndocs, m.opt...)
				if err != nil {
					t.Fatalf("%s: %s: %v", name, m.name, err)
				}
				want := 0
				for _, d := range docs {
					if r := ref(gold[q], gold[byID[d.ID]]); m.all || r.sparse > 0 {
						want++
					}
				}
				if len(hits) != want {
					t.Fatalf("%s: %s: %d hits, want %d", name, m.name, len(hits), want)
				}
				worst := 0.0
				for i, h := range hits {
					r := m.score(ref(gold[q], gold[byID[h.ID]]))
					worst = max(worst, math.Abs(float64(h.Score)-r))
					if math.Abs(float64(h.Score)-r) > 1e-4 {
						t.Errorf("%s: %s: query %d, hit %q: score %.7g, compute_score %.7g", name, m.name, q, h.ID, h.Score, r)
					}
					if i > 0 && h.Score > hits[i-1].Score {
						t.Errorf("%s: %s: hits out of order", name, m.name)
					}
				}
				if q == 0 {
					t.Logf("%s: %s: worst |score - compute_score| %.2g over %d hits", name, m.name, worst, len(hits))
				}
				// A filter applies to every list.
				hits, err = c.Query(ctx, texts[q], 5, append(m.opt, ganada.WithFilter(ganada.Where("odd", "1")))...)
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range hits {
					if h.Metadata["odd"] != "1" {
						t.Fatalf("%s: %s: filtered query returned %q", name, m.name, h.ID)
					}
				}
			}
			if got := enc.texts() - before; got != 10 {
				t.Errorf("%s: 10 queries encoded %d texts (documents were encoded again)", name, got)
			}
		}
	}
	check(c, "after Add")
	path := filepath.Join(t.TempDir(), "m3.gcol")
	if err := c.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	c2, err := ganada.Load(ctx, path, enc)
	if err != nil {
		t.Fatal(err)
	}
	if !c2.Sparse() || !c2.ColBERT() {
		t.Fatal("loaded without the sparse weights or ColBERT vectors")
	}
	check(c2, "after Load")
	// A file saved without them, loaded WithSparse and WithColBERT, builds
	// them from the stored texts.
	plain, err := ganada.NewCollection(enc, ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	if err := plain.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	c3, err := ganada.Load(ctx, path, enc, ganada.WithSparse(), ganada.WithColBERT())
	if err != nil {
		t.Fatal(err)
	}
	check(c3, "built at Load")
}

// countingM3 counts the texts given to the M3's EncodeMulti.
type countingM3 struct {
	*transformer.M3
	mu sync.Mutex
	n  int
}

func (c *countingM3) EncodeMulti(ctx context.Context, texts []string) ([]embed.MultiEmbedding, error) {
	c.mu.Lock()
	c.n += len(texts)
	c.mu.Unlock()
	return c.M3.EncodeMulti(ctx, texts)
}

func (c *countingM3) texts() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// TestM3Store: replacement, deletion and persistence keep the stored
// outputs in step with the documents, with any index.
func TestM3Store(t *testing.T) {
	for _, kind := range kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			enc := newMultiHash(8)
			c, err := ganada.NewCollection(enc, withIndex(kind), ganada.WithSparse(), ganada.WithColBERT())
			if err != nil {
				t.Fatal(err)
			}
			docs := corpus(60, 21)
			if err := c.Add(ctx, docs...); err != nil {
				t.Fatal(err)
			}
			texts := map[string]string{}
			for _, d := range docs {
				texts[d.ID] = d.Text
			}
			// Replace one document and delete another.
			texts[docs[0].ID] = "zebra zebra quokka"
			if err := c.Add(ctx, ganada.Document{ID: docs[0].ID, Text: texts[docs[0].ID]}); err != nil {
				t.Fatal(err)
			}
			if err := c.Delete(ctx, docs[1].ID); err != nil {
				t.Fatal(err)
			}
			delete(texts, docs[1].ID)
			w := embed.MultiWeights{Dense: 0.4, Sparse: 0.2, ColBERT: 0.4}
			verify := func(c *ganada.Collection) {
				t.Helper()
				for _, q := range []string{"zebra quokka", docs[1].Text, docs[5].Text} {
					qo, _ := enc.EncodeMulti(ctx, []string{q})
					hits, err := c.Query(ctx, q, len(texts), ganada.WithM3(w), ganada.WithExactSearch())
					if err != nil {
						t.Fatal(err)
					}
					if len(hits) != len(texts) {
						t.Fatalf("%d hits of %d documents", len(hits), len(texts))
					}
					for _, h := range hits {
						if _, ok := texts[h.ID]; !ok {
							t.Fatalf("deleted document %q came back", h.ID)
						}
						do, _ := enc.EncodeMulti(ctx, []string{texts[h.ID]})
						r := cosRef(qo[0], do[0]).combined(w)
						if math.Abs(float64(h.Score)-r) > 1e-4 {
							t.Fatalf("query %q, %q: score %g, reference %g", q, h.ID, h.Score, r)
						}
					}
					sp, err := c.Query(ctx, q, 100, ganada.WithSparseOnly())
					if err != nil {
						t.Fatal(err)
					}
					for _, h := range sp {
						if _, ok := texts[h.ID]; !ok {
							t.Fatalf("sparse search returned the deleted %q", h.ID)
						}
					}
				}
				hits, err := c.Query(ctx, "zebra quokka", 1, ganada.WithSparseOnly())
				if err != nil || len(hits) != 1 || hits[0].ID != docs[0].ID {
					t.Fatalf("the replaced document's new words: %+v %v", hits, err)
				}
			}
			verify(c)
			var buf bytes.Buffer
			if _, err := c.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			c2, err := ganada.Read(ctx, bytes.NewReader(buf.Bytes()), enc)
			if err != nil {
				t.Fatal(err)
			}
			verify(c2)
			// An encoder without the outputs cannot load the file.
			if _, err := ganada.Read(ctx, bytes.NewReader(buf.Bytes()), enc.hashEncoder); !errors.Is(err, errs.ErrEncoderMismatch) {
				t.Fatalf("read with a plain encoder: %v, want errs.ErrEncoderMismatch", err)
			}
			// Nor one with ColBERT vectors of another width.
			other := newMultiHash(8)
			other.colDim = 3
			if _, err := ganada.Read(ctx, bytes.NewReader(buf.Bytes()), other); !errors.Is(err, errs.ErrEncoderMismatch) {
				t.Fatalf("read with a ColBERT dimension of 3: %v, want errs.ErrEncoderMismatch", err)
			}
		})
	}
}

// TestM3Errors: options the collection cannot serve are
// errs.ErrInvalidOption naming the option.
func TestM3Errors(t *testing.T) {
	if _, err := ganada.NewCollection(newHashEncoder(8), ganada.WithSparse()); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatalf("WithSparse on a plain encoder: %v", err)
	}
	if _, err := ganada.NewCollection(newHashEncoder(8), ganada.WithColBERT()); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatalf("WithColBERT on a plain encoder: %v", err)
	}
	enc := newMultiHash(8)
	dense, err := ganada.NewCollection(enc, ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	sparseOnly, err := ganada.NewCollection(enc, ganada.WithFlat(), ganada.WithSparse())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*ganada.Collection{dense, sparseOnly} {
		if err := c.Add(ctx, corpus(10, 3)...); err != nil {
			t.Fatal(err)
		}
	}
	plain, err := ganada.NewCollection(newHashEncoder(8), ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Add(ctx, corpus(5, 3)...); err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Query(ctx, "alpha", 3, ganada.WithM3(embed.MultiWeights{Dense: 1})); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("WithM3 with a plain encoder: %v, want errs.ErrInvalidOption", err)
	}
	inf := float32(math.Inf(1))
	for _, tc := range []struct {
		c    *ganada.Collection
		opts []ganada.QueryOption
	}{
		{dense, []ganada.QueryOption{ganada.WithSparseOnly()}},
		{dense, []ganada.QueryOption{ganada.WithM3(embed.MultiWeights{Dense: 1, Sparse: 1})}},
		{dense, []ganada.QueryOption{ganada.WithMaxSim(5)}},
		{sparseOnly, []ganada.QueryOption{ganada.WithM3(embed.MultiWeights{Dense: 1, ColBERT: 1})}},
		{sparseOnly, []ganada.QueryOption{ganada.WithM3(embed.MultiWeights{})}},
		{sparseOnly, []ganada.QueryOption{ganada.WithM3(embed.MultiWeights{Dense: -1, Sparse: 1})}},
		{sparseOnly, []ganada.QueryOption{ganada.WithM3(embed.MultiWeights{Dense: inf})}},
		{sparseOnly, []ganada.QueryOption{ganada.WithMaxSim(0)}},
	} {
		if _, err := tc.c.Query(ctx, "alpha", 3, tc.opts...); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("query with %d options: %v, want errs.ErrInvalidOption", len(tc.opts), err)
		}
	}
	// Sparse weights alone serve WithSparseOnly and a sparse+dense WithM3.
	if _, err := sparseOnly.Query(ctx, "alpha", 3, ganada.WithM3(embed.MultiWeights{Dense: 1, Sparse: 1})); err != nil {
		t.Fatal(err)
	}
	if _, err := sparseOnly.QueryVector(ctx, make([]float32, 8), 3, ganada.WithSparseOnly()); !errors.Is(err, errs.ErrInvalidOption) && !errors.Is(err, errs.ErrInvalidVector) {
		t.Errorf("QueryVector WithSparseOnly: %v", err)
	}
	v, _ := enc.Encode(ctx, []string{"alpha"})
	if _, err := sparseOnly.QueryVector(ctx, v[0], 3, ganada.WithSparseOnly()); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("QueryVector WithSparseOnly: %v, want errs.ErrInvalidOption", err)
	}
	both, err := ganada.NewCollection(enc, ganada.WithFlat(), ganada.WithColBERT())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := both.Query(ctx, "alpha", 3, ganada.WithMaxSim(5), ganada.WithRerank(fakeReranker{}, 5)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("WithMaxSim and WithRerank: %v, want errs.ErrInvalidOption", err)
	}
}

// fakeReranker scores every passage 0.
type fakeReranker struct{}

func (fakeReranker) Rerank(_ context.Context, _ string, p []string) ([]float32, error) {
	return make([]float32, len(p)), nil
}

// TestM3Concurrent runs WithM3, WithSparseOnly and WithMaxSim queries
// while other goroutines add, replace and delete documents, beside a CPU
// burner: every hit must be a current document whose score is its
// reference score at some moment (here the texts never change under an
// ID, so exactly its reference score).
func TestM3Concurrent(t *testing.T) {
	enc := newMultiHash(8)
	c, err := ganada.NewCollection(enc, ganada.WithSparse(), ganada.WithColBERT())
	if err != nil {
		t.Fatal(err)
	}
	docs := corpus(200, 31)
	text := map[string]string{}
	for _, d := range docs {
		text[d.ID] = d.Text
	}
	if err := c.Add(ctx, docs[:100]...); err != nil {
		t.Fatal(err)
	}
	d := 2 * time.Second
	if testing.Short() {
		d = 300 * time.Millisecond
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // CPU burner
		defer wg.Done()
		x := 0
		for {
			select {
			case <-stop:
				return
			default:
				for i := 0; i < 1e5; i++ {
					x += i
				}
			}
		}
	}()
	errc := make(chan error, 8)
	wg.Add(1)
	go func() { // writer
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			j := i % len(docs)
			if err := c.Add(ctx, docs[j]); err != nil {
				errc <- err
				return
			}
			if i%3 == 0 {
				if err := c.Delete(ctx, docs[(j+50)%len(docs)].ID); err != nil && !errors.Is(err, errs.ErrNotFound) {
					errc <- err
					return
				}
			}
		}
	}()
	w := embed.MultiWeights{Dense: 0.4, Sparse: 0.2, ColBERT: 0.4}
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			opts := [][]ganada.QueryOption{{ganada.WithM3(w)}, {ganada.WithSparseOnly()}, {ganada.WithMaxSim(20)}}[g]
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := docs[(i*7+g)%len(docs)].Text
				hits, err := c.Query(ctx, q, 5, opts...)
				if err != nil {
					errc <- err
					return
				}
				qo, _ := enc.EncodeMulti(ctx, []string{q})
				for _, h := range hits {
					do, _ := enc.EncodeMulti(ctx, []string{text[h.ID]})
					r := cosRef(qo[0], do[0])
					want := [...]float64{r.combined(w), r.sparse, r.colbert}[g]
					if math.Abs(float64(h.Score)-want) > 1e-4 {
						errc <- fmt.Errorf("mode %d, %q: score %g, reference %g", g, h.ID, h.Score, want)
						return
					}
				}
			}
		}(g)
	}
	time.Sleep(d)
	close(stop)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if _, n := enc.calls(); n == 0 || c.Len() == 0 {
		t.Fatal("nothing ran")
	}
}

// BenchmarkM3Query compares a WithM3 query over 500 golden texts of
// tiny-bge-m3 (scores from the stored outputs, 100 candidates) with the
// same candidates reranked by M3.Reranker (which encodes them again).
func BenchmarkM3Query(b *testing.B) {
	dir := filepath.Join("embed", "transformer", "testdata", "tiny-bge-m3")
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("fixture %s not found", dir)
	}
	texts, _ := m3Golden(&testing.T{}, dir)
	m3, err := transformer.LoadM3(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer m3.Close()
	c, err := ganada.NewCollection(m3, ganada.WithFlat(), ganada.WithSparse(), ganada.WithColBERT())
	if err != nil {
		b.Fatal(err)
	}
	var docs []ganada.Document
	for i := 0; i < 500; i++ {
		docs = append(docs, ganada.Document{ID: fmt.Sprint(i), Text: fmt.Sprintf("%s %d", texts[i%len(texts)], i)})
	}
	if err := c.Add(ctx, docs...); err != nil {
		b.Fatal(err)
	}
	w := embed.MultiWeights{Dense: 0.4, Sparse: 0.2, ColBERT: 0.4}
	rr, err := m3.Reranker(w)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("WithM3", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := c.Query(ctx, texts[i%len(texts)], 10, ganada.WithM3(w)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("WithRerank(M3.Reranker,100)", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := c.Query(ctx, texts[i%len(texts)], 10, ganada.WithRerank(rr, 100)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

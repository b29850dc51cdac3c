// Command matryoshka shows what truncating embeddings to fewer dimensions
// (package matryoshka) does to similarity scores and rankings: it encodes a
// small built-in corpus and a few queries once, truncates the vectors to
// several sizes, and compares each size with the full vectors.
//
//	go run ./examples/matryoshka                       # embedded GloVe (not Matryoshka-trained)
//	go run ./examples/matryoshka -model /path/to/model # any model folder or hub id
//	go run ./examples/matryoshka -dims 256,128,64
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/examples/internal/models"
	"github.com/ganada/ganada/matryoshka"
	"github.com/ganada/ganada/similarity"
)

func main() {
	model := flag.String("model", "", models.FlagUsage)
	prompts := flag.String("prompts", "", models.PromptsUsage)
	dims := flag.String("dims", "", "comma-separated sizes to truncate to (default: halving from the model's dimension down to 8)")
	k := flag.Int("k", 3, "ranking depth compared")
	flag.Parse()
	ctx := context.Background()
	m, err := models.Load(ctx, *model, *prompts)
	if err != nil {
		fail(err)
	}
	sizes, err := parseDims(*dims, m.Dim())
	if err != nil {
		fail(err)
	}
	if err := run(ctx, os.Stdout, m, sizes, *k); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "matryoshka:", err)
	os.Exit(1)
}

// parseDims parses -dims, or halves full down to 8.
func parseDims(s string, full int) ([]int, error) {
	var out []int
	if s == "" {
		for d := full / 2; d >= 8; d /= 2 {
			out = append(out, d)
		}
		return out, nil
	}
	for _, f := range strings.Split(s, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || d < 1 || d > full {
			return nil, fmt.Errorf("-dims: %q is not a size in 1..%d", f, full)
		}
		out = append(out, d)
	}
	return out, nil
}

// Result compares one truncated size with the full vectors.
type Result struct {
	Dim int
	// Spearman is the rank correlation (×100) of all query–document cosines
	// at this size with those of the full vectors.
	Spearman float64
	// Overlap is the mean fraction of each query's full-size top k found
	// in its top k at this size.
	Overlap float64
	// Rerank is Overlap for shortlisting 2k documents at this size and
	// re-ranking them with the full vectors.
	Rerank float64
	// Random is Spearman for d components picked at random instead of the
	// first d (mean over a few draws): a model trained for truncation beats
	// it clearly, any other model does not.
	Random float64
	// Pair is the cosine of the example pair at this size.
	Pair float64
}

func run(ctx context.Context, w io.Writer, m *models.Model, dims []int, k int) error {
	docVecs, err := m.EncodeDocuments(ctx, documents)
	if err != nil {
		return err
	}
	queryVecs, err := m.EncodeQueries(ctx, queries)
	if err != nil {
		return err
	}
	full := m.Dim()
	fmt.Fprintf(w, "model %s, %d dimensions; %d documents, %d queries\n\n", m.Name, full, len(documents), len(queries))
	fmt.Fprintf(w, "%6s %10s %10s %10s %14s %16s %12s\n", "dims", "bytes/vec", "Spearman", "(random)", fmt.Sprintf("top-%d overlap", k), "shortlist+rerank", "pair cosine")
	ref, err := compare(queryVecs, docVecs, full, full, k)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%6d %10d %10.1f %10s %14.2f %16s %12.3f\n", full, 4*full, ref.Spearman, "", ref.Overlap, "", ref.Pair)
	for _, d := range dims {
		r, err := compare(queryVecs, docVecs, full, d, k)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%6d %10d %10.1f %10.1f %14.2f %16.2f %12.3f\n", d, 4*d, r.Spearman, r.Random, r.Overlap, r.Rerank, r.Pair)
	}
	fmt.Fprintf(w, "\npair: %q\n   vs %q\n", documents[pairA], documents[pairB])
	fmt.Fprintln(w, "\nSpearman: rank agreement (×100) of all query-document cosines with the full vectors'.")
	fmt.Fprintln(w, "(random): the same for as many components picked at random instead of the first ones.")
	fmt.Fprintf(w, "top-%d overlap: share of each query's full-size top %d still in its top %d.\n", k, k, k)
	fmt.Fprintf(w, "shortlist+rerank: the same after taking the top %d at the short size and re-scoring them with the full vectors.\n", 2*k)
	fmt.Fprintln(w, "\nTruncation is valid only for models trained with a Matryoshka loss, whose first")
	fmt.Fprintln(w, "components carry the most meaning: for them Spearman beats (random) clearly. When")
	fmt.Fprintln(w, "(random) does as well or better, the model spreads meaning over all components and")
	fmt.Fprintln(w, "truncating it just throws information away. See README.md.")
	return nil
}

// compare truncates queries and documents to d and measures the agreement
// of scores and rankings with the vectors at full size.
func compare(queryVecs, docVecs [][]float32, full, d, k int) (Result, error) {
	short := func(vs [][]float32) ([][]float32, error) { return matryoshka.TruncateAll(vs, d) }
	long := func(vs [][]float32) ([][]float32, error) { return matryoshka.TruncateAll(vs, full) }
	qs, err := short(queryVecs)
	if err != nil {
		return Result{}, err
	}
	ds, err := short(docVecs)
	if err != nil {
		return Result{}, err
	}
	qf, _ := long(queryVecs)
	df, _ := long(docVecs)
	r := Result{Dim: d}
	var all, allFull []float64
	for qi := range qs {
		s := scores(qs[qi], ds)
		f := scores(qf[qi], df)
		all = append(all, s...)
		allFull = append(allFull, f...)
		want := top(f, k)
		r.Overlap += overlap(top(s, k), want)
		// Shortlist 2k at size d, re-rank with the full vectors.
		cand := top(s, 2*k)
		sort.SliceStable(cand, func(i, j int) bool { return f[cand[i]] > f[cand[j]] })
		r.Rerank += overlap(cand[:k], want)
	}
	r.Overlap /= float64(len(qs))
	r.Rerank /= float64(len(qs))
	rho, err := eval.Spearman(all, allFull)
	if err != nil {
		return Result{}, err
	}
	r.Spearman = 100 * rho
	r.Pair = float64(similarity.Dot(ds[pairA], ds[pairB]))
	if r.Random, err = randomSubsets(queryVecs, docVecs, allFull, d); err != nil {
		return Result{}, err
	}
	return r, nil
}

// randomSubsets returns the mean Spearman ×100 (against allFull) of the
// query–document cosines computed on d randomly chosen components.
func randomSubsets(queryVecs, docVecs [][]float32, allFull []float64, d int) (float64, error) {
	const draws = 5
	r := rand.New(rand.NewPCG(1, uint64(d)))
	full := len(queryVecs[0])
	if d == full {
		return 100, nil
	}
	var sum float64
	for range draws {
		comps := r.Perm(full)[:d]
		pick := func(vs [][]float32) ([][]float32, error) {
			out := make([][]float32, len(vs))
			for i, v := range vs {
				out[i] = make([]float32, d)
				for j, c := range comps {
					out[i][j] = v[c]
				}
			}
			return matryoshka.TruncateAll(out, d) // renormalise
		}
		qs, err := pick(queryVecs)
		if err != nil {
			return 0, err
		}
		ds, err := pick(docVecs)
		if err != nil {
			return 0, err
		}
		var all []float64
		for _, q := range qs {
			all = append(all, scores(q, ds)...)
		}
		rho, err := eval.Spearman(all, allFull)
		if err != nil {
			return 0, err
		}
		sum += 100 * rho
	}
	return sum / draws, nil
}

func scores(q []float32, docs [][]float32) []float64 {
	out := make([]float64, len(docs))
	for i, d := range docs {
		out[i] = float64(similarity.Dot(q, d))
	}
	return out
}

// top returns the indexes of the k highest scores, best first.
func top(s []float64, k int) []int {
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s[idx[a]] > s[idx[b]] })
	return idx[:min(k, len(idx))]
}

func overlap(got, want []int) float64 {
	in := map[int]bool{}
	for _, i := range want {
		in[i] = true
	}
	n := 0
	for _, i := range got {
		if in[i] {
			n++
		}
	}
	return float64(n) / float64(len(want))
}

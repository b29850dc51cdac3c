// This file holds the ganada runners: HNSW build (AddBatch on GOMAXPROCS
// goroutines) and single-thread search over the ef ladder, and exact flat
// search on one and on all threads.

package main

import (
	"github.com/ganada/ganada/bench/internal/measure"

	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
	"github.com/ganada/ganada/index/hnsw"
)

func parseEfs(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func cmdHNSW(args []string) error {
	fs := flag.NewFlagSet("hnsw", flag.ExitOnError)
	dir := fs.String("dir", "", "data directory")
	res := fs.String("res", "", "results file")
	efList := fs.String("ef", "10,20,40,80,160,320", "search ef values")
	m := fs.Int("m", 16, "M")
	efc := fs.Int("efc", 200, "efConstruction")
	reps := fs.Int("reps", 1, "timed passes per ef (the best is kept)")
	limit := fs.Int("n", 0, "use only the first n base vectors (for profiling; recall is then meaningless)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the search phase to this file")
	compact := fs.Bool("compact", true, "call Compact after AddBatch (graph-order renumbering; counted in the build time)")
	cache := fs.String("index", "", "load the built index from this file if it exists, else build and save it there (for profiling)")
	ab := fs.Bool("ab", false, "A/B: search before and after Compact, alternating, and print both (no results written)")
	quantOnlyFlag := fs.Bool("quant-only", false, "load the graph from -index and run only the -quant ladders (no build result, no float32 ladder), so that the float32 run's peak RSS excludes the codes")
	quant := fs.String("quant", "", "after the float32 ladder, Reconfigure to each of these comma-separated quantisations and run the ladder again: tokens joined by '+': int8, binary, f<d> (funnel on d dimensions), r<n> (rescore n), drop (hnsw.WithoutVectors); e.g. int8+r40,binary+r200,f128+r40")
	fs.Parse(args)
	quantOnly := *quantOnlyFlag
	specs, err := parseQuantSpecs(*quant)
	if err != nil {
		return err
	}
	if quantOnly && (*cache == "" || len(specs) == 0) {
		return fmt.Errorf("-quant-only needs -index (a saved graph) and -quant")
	}
	efs, err := parseEfs(*efList)
	if err != nil {
		return err
	}
	d, err := loadDataset(*dir, true)
	if err != nil {
		return err
	}
	if *limit > 0 && *limit < d.base.n {
		d.base.n = *limit
		d.base.data = d.base.data[:*limit*d.base.dim]
	}
	h, err := hnsw.New(d.base.dim, index.Cosine, hnsw.WithM(*m), hnsw.WithEfConstruction(*efc),
		hnsw.WithSeed(1), hnsw.WithCapacity(d.base.n))
	if err != nil {
		return err
	}
	ids := make([]uint64, d.base.n)
	for i := range ids {
		ids[i] = uint64(i)
	}
	t0, c0 := time.Now(), measure.ProcessCPU()
	if _, err := os.Stat(*cache); *cache != "" && err == nil {
		if h, err = hnsw.Load(ctx, *cache); err != nil {
			return err
		}
	} else if err := h.AddBatch(ctx, ids, d.base.rows()); err != nil {
		return err
	}
	if *ab {
		return compactAB(h, d, efs)
	}
	if *compact && !quantOnly {
		tc := time.Now()
		if err := h.Compact(); err != nil {
			return err
		}
		fmt.Printf("ganada-hnsw %s: Compact (graph-order renumbering) took %.2fs\n", d.name, time.Since(tc).Seconds())
	}
	build, buildCPU := time.Since(t0).Seconds(), (measure.ProcessCPU() - c0).Seconds()
	if *cache != "" && !quantOnly {
		if err := h.Save(ctx, *cache); err != nil {
			return err
		}
	}
	if quantOnly {
		fmt.Printf("ganada-hnsw %s: loaded %d×%d from %s in %.2fs\n", d.name, d.base.n, d.base.dim, *cache, build)
	}
	if !quantOnly {
		fmt.Printf("ganada-hnsw %s: built %d×%d in %.2fs (%.2f CPU s) on %d threads\n", d.name, d.base.n, d.base.dim, build, buildCPU, runtime.GOMAXPROCS(0))
		if err := appendResult(*res, "build", "ganada-hnsw", d.name, runtime.GOMAXPROCS(0), build, buildCPU); err != nil {
			return err
		}
	}
	qs := d.queries.rows()
	runtime.GC()           // collect the build's garbage now rather than during the timed searches
	runtime.LockOSThread() // so that thread CPU time covers exactly the searches
	defer runtime.UnlockOSThread()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if !quantOnly {
		fmt.Printf("ganada-hnsw %s: MemoryBytes %d\n", d.name, h.MemoryBytes())
		if err := appendResult(*res, "mem", "ganada-hnsw", d.name, h.MemoryBytes()); err != nil {
			return err
		}
		if err := ladder(h, "ganada-hnsw", d.name, qs, d.gt, efs, *reps, *res); err != nil {
			return err
		}
	}
	for _, sp := range specs {
		t := time.Now()
		if err := h.Reconfigure(sp.hnsw...); err != nil {
			return err
		}
		fmt.Printf("ganada-hnsw-%s %s: codes computed in %.2fs; MemoryBytes %d\n", sp.name, d.name, time.Since(t).Seconds(), h.MemoryBytes())
		if err := appendResult(*res, "mem", "ganada-hnsw-"+sp.name, d.name, h.MemoryBytes()); err != nil {
			return err
		}
		if err := ladder(h, "ganada-hnsw-"+sp.name, d.name, qs, d.gt, efs, *reps, *res); err != nil {
			return err
		}
	}
	return nil
}

// ladder runs the single-thread search ladder on x: for each ef, 100
// warm-up queries, then reps timed passes over qs (the best QPS and CPU
// QPS kept), recall@10 against gt, one "search" result line per ef. It is
// the one loop every ganada configuration (float32, quantised, built,
// loaded or opened) is measured with.
func ladder(x index.Index, name, set string, qs [][]float32, gt [][]int32, efs []int, reps int, res string) error {
	for _, ef := range efs {
		opt := index.WithEf(ef)
		for _, q := range qs[:min(100, len(qs))] { // warm up
			x.Search(ctx, q, 10, opt)
		}
		best, bestCPU := 0.0, 0.0
		var rec float64
		found := make([]uint64, 0, 10)
		for rep := 0; rep < reps; rep++ {
			rec = 0
			t, c := time.Now(), threadCPU()
			for i, q := range qs {
				rs, err := x.Search(ctx, q, 10, opt)
				if err != nil {
					return err
				}
				found = found[:0]
				for _, r := range rs {
					found = append(found, r.ID)
				}
				rec += recallAt10(found, gt[i])
			}
			qps := float64(len(qs)) / time.Since(t).Seconds()
			cpuQPS := float64(len(qs)) / (threadCPU() - c).Seconds()
			best, bestCPU = max(best, qps), max(bestCPU, cpuQPS)
		}
		rec /= float64(len(qs))
		fmt.Printf("%s %s ef=%d recall@10=%.4f qps=%.0f cpu-qps=%.0f\n", name, set, ef, rec, best, bestCPU)
		if err := appendResult(res, "search", name, set, ef, rec, best, bestCPU); err != nil {
			return err
		}
	}
	return nil
}

// quantSpec is one configuration of the -quant flags.
type quantSpec struct {
	name string
	hnsw []hnsw.Option
	flat []flat.Option
}

// parseQuantSpecs parses -quant: comma-separated specs of '+'-joined
// tokens int8, binary, f<d>, r<n>.
func parseQuantSpecs(s string) ([]quantSpec, error) {
	if s == "" {
		return nil, nil
	}
	var out []quantSpec
	for _, spec := range strings.Split(s, ",") {
		sp := quantSpec{name: spec}
		kind, funnel, rescore, drop := index.Float32, 0, 0, false
		for _, tok := range strings.Split(spec, "+") {
			var err error
			switch {
			case tok == "int8":
				kind = index.Int8
			case tok == "binary":
				kind = index.Binary
			case tok == "drop":
				drop = true
			case strings.HasPrefix(tok, "f"):
				funnel, err = strconv.Atoi(tok[1:])
			case strings.HasPrefix(tok, "r"):
				rescore, err = strconv.Atoi(tok[1:])
			default:
				err = fmt.Errorf("unknown token")
			}
			if err != nil {
				return nil, fmt.Errorf("-quant %q: token %q: %v", spec, tok, err)
			}
		}
		sp.hnsw = []hnsw.Option{hnsw.WithQuantization(kind), hnsw.WithRescore(rescore), hnsw.WithFunnel(funnel)}
		if drop {
			sp.hnsw = append(sp.hnsw, hnsw.WithoutVectors())
		}
		sp.flat = []flat.Option{flat.WithQuantization(kind), flat.WithRescore(rescore)}
		if funnel > 0 {
			sp.flat = append(sp.flat, flat.WithFunnel(funnel))
		}
		out = append(out, sp)
	}
	return out, nil
}

func cmdFlat(args []string) error {
	fs := flag.NewFlagSet("flat", flag.ExitOnError)
	dir := fs.String("dir", "", "data directory")
	res := fs.String("res", "", "results file")
	nq := fs.Int("q", 200, "queries to time")
	quant := fs.String("quant", "", "also run these quantisations (see hnsw -quant) on one thread")
	fs.Parse(args)
	specs, err := parseQuantSpecs(*quant)
	if err != nil {
		return err
	}
	d, err := loadDataset(*dir, true)
	if err != nil {
		return err
	}
	ids := make([]uint64, d.base.n)
	for i := range ids {
		ids[i] = uint64(i)
	}
	qs := d.queries.rows()[:min(*nq, d.queries.n)]
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		f, err := flat.New(d.base.dim, index.Cosine, flat.WithWorkers(workers), flat.WithCapacity(d.base.n))
		if err != nil {
			return err
		}
		rec, qps, err := flatPass(f, ids, d, qs)
		if err != nil {
			return err
		}
		gbs := qps * float64(d.base.n*d.base.dim*4) / 1e9
		fmt.Printf("ganada-flat %s threads=%d recall@10=%.4f qps=%.1f scan=%.2f GB/s\n", d.name, workers, rec, qps, gbs)
		if err := appendResult(*res, "flat", "ganada-flat", d.name, workers, rec, qps, gbs); err != nil {
			return err
		}
		if workers == 1 {
			if err := coldStart(f, d, *res); err != nil {
				return err
			}
		}
		if workers == runtime.GOMAXPROCS(0) {
			break
		}
	}
	for _, sp := range specs {
		f, err := flat.New(d.base.dim, index.Cosine, append([]flat.Option{flat.WithWorkers(1), flat.WithCapacity(d.base.n)}, sp.flat...)...)
		if err != nil {
			return err
		}
		rec, qps, err := flatPass(f, ids, d, qs)
		if err != nil {
			return err
		}
		name := "ganada-flat-" + sp.name
		fmt.Printf("%s %s threads=1 recall@10=%.4f qps=%.1f MemoryBytes=%d\n", name, d.name, rec, qps, f.MemoryBytes())
		if err := appendResult(*res, "flat", name, d.name, 1, rec, qps, float64(f.MemoryBytes())/(1<<20)); err != nil {
			return err
		}
	}
	return nil
}

// flatPass fills f with the base vectors and times one pass of exact
// top-10 searches over qs (after 10 warm-up queries), returning recall@10
// and QPS: the loop of every flat configuration.
func flatPass(f *flat.Index, ids []uint64, d dataset, qs [][]float32) (rec, qps float64, err error) {
	if err := f.AddBatch(ctx, ids, d.base.rows()); err != nil {
		return 0, 0, err
	}
	for _, q := range qs[:min(10, len(qs))] {
		f.Search(ctx, q, 10)
	}
	t := time.Now()
	for i, q := range qs {
		rs, err := f.Search(ctx, q, 10)
		if err != nil {
			return 0, 0, err
		}
		found := make([]uint64, len(rs))
		for j, r := range rs {
			found[j] = r.ID
		}
		rec += recallAt10(found, d.gt[i])
	}
	return rec / float64(len(qs)), float64(len(qs)) / time.Since(t).Seconds(), nil
}

// compactAB measures single-thread CPU QPS at each ef on a copy of h as
// built and on h after Compact, alternating three times, to isolate the effect
// of graph-order renumbering on a noisy machine.
func compactAB(h *hnsw.Index, d dataset, efs []int) error {
	var buf bytes.Buffer
	if _, err := h.WriteTo(&buf); err != nil {
		return err
	}
	var before hnsw.Index
	if _, err := before.ReadFrom(&buf); err != nil {
		return err
	}
	if err := h.Compact(); err != nil {
		return err
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	qs := d.queries.rows()
	measure := func(x *hnsw.Index, ef int) float64 {
		c := threadCPU()
		for _, q := range qs {
			x.Search(ctx, q, 10, index.WithEf(ef))
		}
		return float64(len(qs)) / (threadCPU() - c).Seconds()
	}
	for _, ef := range efs {
		for rep := 0; rep < 3; rep++ {
			a, b := measure(&before, ef), measure(h, ef)
			fmt.Printf("ef=%d as built %.0f CPU QPS, compacted %.0f CPU QPS (%.2f×)\n", ef, a, b, b/a)
		}
	}
	return nil
}

// ctx is the context of the benchmark's index calls: the command runs to
// its end or is killed.
var ctx = context.Background()

// coldStart saves f and times Load against Open (the memory-mapped,
// read-only index) up to the first query's results. The file was just
// written, so it is in the page cache: this measures the work of opening,
// not the disk.
func coldStart(f *flat.Index, d dataset, res string) error {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("ganada-flat-%d.idx", os.Getpid()))
	defer os.Remove(path)
	if err := f.Save(ctx, path); err != nil {
		return err
	}
	q := d.queries.rows()[0]
	for rep := 0; rep < 2; rep++ {
		t := time.Now()
		x, err := flat.Load(ctx, path)
		if err != nil {
			return err
		}
		if _, err := x.Search(ctx, q, 10); err != nil {
			return err
		}
		load := time.Since(t).Seconds()
		t = time.Now()
		y, err := flat.Open(ctx, path)
		if err != nil {
			return err
		}
		if _, err := y.Search(ctx, q, 10); err != nil {
			return err
		}
		open := time.Since(t).Seconds()
		t = time.Now()
		if err := y.Verify(); err != nil {
			return err
		}
		verify := time.Since(t).Seconds()
		y.Close()
		fmt.Printf("ganada-flat %s: Load + first query %.3fs, Open + first query %.3fs, Verify %.3fs\n", d.name, load, open, verify)
		if err := appendResult(res, "coldstart", "ganada-flat", d.name, load, open, verify); err != nil {
			return err
		}
	}
	return nil
}

// threadCPU returns the calling OS thread's CPU time: on a shared machine
// it counts only the cycles this search loop got.
func threadCPU() time.Duration {
	c, _ := measure.ThreadCPU()
	return c
}

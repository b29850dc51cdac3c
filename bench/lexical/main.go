// Command lexical compares the query speed of ganada's BM25 index
// (index/lexical) with bleve v2's (scorch index, BM25 scoring model, its
// CJK analyzer) on the same corpus and queries, in one run, interleaved;
// see README.md for the method and the results.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/ganada/ganada/index/lexical"
)

func main() {
	data := flag.String("data", "../../shared/data", "the shared data folder (korsts/, stsb-multi-mt/), from bench/")
	nq := flag.Int("queries", 1000, "number of queries (sentences of the corpus, drawn with seed 1)")
	k := flag.Int("k", 10, "results per query")
	rounds := flag.Int("rounds", 5, "interleaved rounds (each: every query on ganada, then on bleve, or the reverse on odd rounds)")
	procs := flag.Int("procs", 1, "GOMAXPROCS")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)
	ctx := context.Background()

	corpus, err := loadCorpus(*data)
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	queries := make([]string, *nq)
	for i := range queries {
		queries[i] = corpus[rng.Intn(len(corpus))]
	}
	fmt.Printf("corpus: %d distinct sentences (KorSTS and STS-B in 11 languages), %d queries, k=%d, GOMAXPROCS=%d, %s\n",
		len(corpus), len(queries), *k, *procs, runtime.Version())
	fmt.Printf("cpu: %s; load before: %s\n", cpuModel(), loadavg())

	// ganada
	t0 := time.Now()
	lx, err := lexical.New()
	if err != nil {
		log.Fatal(err)
	}
	ids := make([]uint64, len(corpus))
	for i := range ids {
		ids[i] = uint64(i)
	}
	if err := lx.AddBatch(ctx, ids, corpus); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("ganada build: %.2f s, %d terms\n", time.Since(t0).Seconds(), lx.NumTerms())

	// bleve
	dir, err := os.MkdirTemp("", "bleve-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	t0 = time.Now()
	bx, err := bleve.New(filepath.Join(dir, "idx"), bleveMapping())
	if err != nil {
		log.Fatal(err)
	}
	defer bx.Close()
	// One batch, so that bleve searches one segment (its fastest layout),
	// then wait until it is persisted.
	b := bx.NewBatch()
	for i, s := range corpus {
		if err := b.Index(strconv.Itoa(i), map[string]any{"text": s}); err != nil {
			log.Fatal(err)
		}
	}
	if err := bx.Batch(b); err != nil {
		log.Fatal(err)
	}
	for waited := 0; waited < 600; waited++ {
		st := bx.StatsMap()
		if stat(st, "num_root_memorysegments") == 0 && stat(st, "num_recs_to_persist") == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	st := bx.StatsMap()
	fmt.Printf("bleve build: %.2f s (scorch on disk in %s: %v file segments, %v memory segments)\n",
		time.Since(t0).Seconds(), os.TempDir(), stat(st, "num_root_filesegments"), stat(st, "num_root_memorysegments"))

	runGanada := func() ([][]uint64, time.Duration) {
		out := make([][]uint64, len(queries))
		start := cpuNow()
		for i, q := range queries {
			rs, err := lx.Search(ctx, q, *k)
			if err != nil {
				log.Fatal(err)
			}
			for _, r := range rs {
				out[i] = append(out[i], r.ID)
			}
		}
		return out, cpuNow() - start
	}
	runBleve := func() ([][]uint64, time.Duration) {
		out := make([][]uint64, len(queries))
		start := cpuNow()
		for i, q := range queries {
			mq := bleve.NewMatchQuery(q)
			mq.SetField("text")
			req := bleve.NewSearchRequestOptions(mq, *k, 0, false)
			res, err := bx.Search(req)
			if err != nil {
				log.Fatal(err)
			}
			for _, h := range res.Hits {
				id, _ := strconv.ParseUint(h.ID, 10, 64)
				out[i] = append(out[i], id)
			}
		}
		return out, cpuNow() - start
	}
	// Warm-up pass of each.
	gRes, _ := runGanada()
	bRes, _ := runBleve()

	var gq, bq, ratios []float64
	for r := 0; r < *rounds; r++ {
		var gd, bd time.Duration
		if r%2 == 0 {
			_, gd = runGanada()
			_, bd = runBleve()
		} else {
			_, bd = runBleve()
			_, gd = runGanada()
		}
		g := float64(len(queries)) / gd.Seconds()
		b := float64(len(queries)) / bd.Seconds()
		gq, bq, ratios = append(gq, g), append(bq, b), append(ratios, g/b)
		fmt.Printf("round %d: ganada %.0f CPU-q/s, bleve %.0f CPU-q/s, ratio %.2f×\n", r+1, g, b, g/b)
	}
	fmt.Printf("median: ganada %.0f q/s, bleve %.0f q/s, ratio %.2f× (range %.2f–%.2f×); load after: %s\n",
		median(gq), median(bq), median(ratios), minOf(ratios), maxOf(ratios), loadavg())

	// How far the two rankings agree (bleve's "bm25" is not Lucene's: it
	// takes sqrt(tf), multiplies by k1 and by the coordination factor of a
	// disjunction), as the mean overlap of the top-k sets.
	overlap := 0.0
	for i := range queries {
		set := map[uint64]bool{}
		for _, id := range gRes[i] {
			set[id] = true
		}
		n := 0
		for _, id := range bRes[i] {
			if set[id] {
				n++
			}
		}
		if m := max(len(gRes[i]), len(bRes[i])); m > 0 {
			overlap += float64(n) / float64(m)
		} else {
			overlap++
		}
	}
	fmt.Printf("top-%d overlap ganada/bleve: %.3f\n", *k, overlap/float64(len(queries)))
}

func bleveMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.ScoringModel = bindex.BM25Scoring
	im.DefaultAnalyzer = cjk.AnalyzerName
	fm := bleve.NewTextFieldMapping()
	fm.Analyzer = cjk.AnalyzerName
	fm.Store = false
	fm.IncludeTermVectors = false
	fm.IncludeInAll = false
	fm.DocValues = false
	dm := bleve.NewDocumentMapping()
	dm.AddFieldMappingsAt("text", fm)
	dm.Dynamic = false
	im.DefaultMapping = dm
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

// loadCorpus returns the distinct sentences of KorSTS (all splits) and of
// every stsb-multi-mt file, in a fixed order.
func loadCorpus(dir string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, split := range []string{"train", "dev", "test"} {
		f, err := os.Open(filepath.Join(dir, "korsts", "sts-"+split+".tsv"))
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for first := true; sc.Scan(); first = false {
			if first {
				continue
			}
			fs := strings.Split(sc.Text(), "\t")
			if len(fs) >= 7 {
				add(fs[5])
				add(fs[6])
			}
		}
		f.Close()
	}
	files, err := filepath.Glob(filepath.Join(dir, "stsb-multi-mt", "stsb-*.csv"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		r := csv.NewReader(f)
		r.LazyQuotes = true
		r.FieldsPerRecord = -1
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if len(rec) >= 2 {
				add(rec[0])
				add(rec[1])
			}
		}
		f.Close()
	}
	return out, nil
}

// cpuNow returns the process's user+system CPU time: on a shared machine
// it counts the work done, not the time other processes took the CPU.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// stat finds key in bleve's nested stats map, or returns -1.
func stat(m map[string]interface{}, key string) float64 {
	for k, v := range m {
		if k == key {
			switch x := v.(type) {
			case uint64:
				return float64(x)
			case int:
				return float64(x)
			case float64:
				return x
			}
		}
		if sub, ok := v.(map[string]interface{}); ok {
			if r := stat(sub, key); r >= 0 {
				return r
			}
		}
	}
	return -1
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "model name") {
			if i := strings.Index(line, ":"); i >= 0 {
				return strings.TrimSpace(line[i+1:]) + fmt.Sprintf(", %d CPUs", runtime.NumCPU())
			}
		}
	}
	return "unknown"
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func minOf(v []float64) float64 { s := append([]float64(nil), v...); sort.Float64s(s); return s[0] }
func maxOf(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)-1]
}

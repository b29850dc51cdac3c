// This file holds the memory runners of mem.sh: qbuild builds one HNSW
// graph, saves it as float32 and Reconfigured to each quantisation, and
// qserve opens (memory-maps) or loads one saved file in a fresh process
// holding only the queries, times the cold start to the first query, runs
// the ef ladder and records the process's peak and final resident memory
// (anonymous and file-backed apart).

package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ganada/ganada/bench/internal/measure"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/hnsw"
)

// cmdQBuild: index qbuild -dir D -out PREFIX -quant SPECS.
func cmdQBuild(args []string) error {
	fs := flag.NewFlagSet("qbuild", flag.ExitOnError)
	dir := fs.String("dir", "", "data directory")
	res := fs.String("res", "", "results file")
	out := fs.String("out", "", "file prefix: PREFIX-float32.hnsw and PREFIX-<spec>.hnsw are written")
	m := fs.Int("m", 16, "M")
	efc := fs.Int("efc", 200, "efConstruction")
	quant := fs.String("quant", "int8+r20,binary+r400", "quantisations to save beside float32 (see hnsw -quant)")
	from := fs.String("from", "", "Load this saved float32 index instead of building (only -quant files are written)")
	fs.Parse(args)
	specs, err := parseQuantSpecs(*quant)
	if err != nil {
		return err
	}
	d, err := loadDataset(*dir, false)
	if err != nil {
		return err
	}
	h, err := hnsw.New(d.base.dim, index.Cosine, hnsw.WithM(*m), hnsw.WithEfConstruction(*efc), hnsw.WithCapacity(d.base.n))
	if err != nil {
		return err
	}
	ids := make([]uint64, d.base.n)
	for i := range ids {
		ids[i] = uint64(i)
	}
	if *from != "" {
		if h, err = hnsw.Load(ctx, *from); err != nil {
			return err
		}
		return saveSpecs(h, specs, *out, *res, d.name)
	}
	t0, c0 := time.Now(), measure.ProcessCPU()
	if err := h.AddBatch(ctx, ids, d.base.rows()); err != nil {
		return err
	}
	if err := h.Compact(); err != nil {
		return err
	}
	build, buildCPU := time.Since(t0).Seconds(), (measure.ProcessCPU() - c0).Seconds()
	fmt.Printf("ganada-hnsw %s: built %d×%d in %.2fs (%.2f CPU s) on %d threads\n", d.name, d.base.n, d.base.dim, build, buildCPU, runtime.GOMAXPROCS(0))
	if err := appendResult(*res, "qbuild", "ganada-hnsw", d.name, build, buildCPU, 0.0); err != nil {
		return err
	}
	if err := saveOne(h, "float32", 0, *out, *res, d.name); err != nil {
		return err
	}
	return saveSpecs(h, specs, *out, *res, d.name)
}

// saveSpecs Reconfigures h to each spec in turn and saves it.
func saveSpecs(h *hnsw.Index, specs []quantSpec, out, res, set string) error {
	for _, sp := range specs {
		t := time.Now()
		if err := h.Reconfigure(sp.hnsw...); err != nil {
			return err
		}
		if err := saveOne(h, sp.name, time.Since(t).Seconds(), out, res, set); err != nil {
			return err
		}
	}
	return nil
}

// saveOne saves h as OUT-name.hnsw and records its size.
func saveOne(h *hnsw.Index, name string, codes float64, out, res, set string) error {
	path := out + "-" + name + ".hnsw"
	if err := h.Save(ctx, path); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Printf("ganada-hnsw-%s %s: saved %s, %d bytes (codes computed in %.2fs)\n", name, set, filepath.Base(path), fi.Size(), codes)
	return appendResult(res, "file", "ganada-hnsw-"+name, set, fi.Size(), codes)
}

// cmdQServe: index qserve -file F -dir D -name N -mode open|load.
func cmdQServe(args []string) error {
	fs := flag.NewFlagSet("qserve", flag.ExitOnError)
	dir := fs.String("dir", "", "data directory (only its queries and ground truth are read)")
	res := fs.String("res", "", "results file")
	file := fs.String("file", "", "saved index")
	name := fs.String("name", "", "configuration name for the results")
	mode := fs.String("mode", "open", "open (hnsw.Open, memory-mapped) or load (hnsw.Load, read into memory)")
	efList := fs.String("ef", "10,20,40,80,160,320", "search ef values")
	reps := fs.Int("reps", 1, "timed passes per ef (the best is kept)")
	fs.Parse(args)
	efs, err := parseEfs(*efList)
	if err != nil {
		return err
	}
	queries, err := readFvecs(filepath.Join(*dir, "query.fvecs"))
	if err != nil {
		return err
	}
	gt, err := readIvecs(filepath.Join(*dir, "gt.ivecs"))
	if err != nil {
		return err
	}
	set := filepath.Base(*dir)
	qs := queries.rows()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	t := time.Now()
	var h *hnsw.Index
	switch *mode {
	case "open":
		h, err = hnsw.Open(ctx, *file)
	case "load":
		h, err = hnsw.Load(ctx, *file)
	default:
		return fmt.Errorf("-mode %q: want open or load", *mode)
	}
	if err != nil {
		return err
	}
	if _, err := h.Search(ctx, qs[0], 10); err != nil {
		return err
	}
	first := time.Since(t).Seconds()
	label := *name + "-" + *mode
	fmt.Printf("%s %s: %s + first query %.3fs (%d vectors, MemoryBytes %d)\n", label, set, *mode, first, h.Len(), h.MemoryBytes())
	if err := appendResult(*res, "coldstart", label, set, first); err != nil {
		return err
	}
	if err := ladder(h, label, set, qs, gt, efs, *reps, *res); err != nil {
		return err
	}
	st := procStatus()
	fmt.Printf("%s %s: VmHWM %s kB, RssAnon %s kB, RssFile %s kB at the end\n", label, set, st["VmHWM"], st["RssAnon"], st["RssFile"])
	if err := appendResult(*res, "memserve", label, set, st["VmHWM"], st["RssAnon"], st["RssFile"]); err != nil {
		return err
	}
	if *mode == "open" {
		t := time.Now()
		if err := h.Verify(); err != nil {
			return err
		}
		fmt.Printf("%s %s: Verify %.3fs\n", label, set, time.Since(t).Seconds())
		return h.Close()
	}
	return nil
}

// procStatus returns the kB figures of /proc/self/status by name
// ("VmHWM", "RssAnon", "RssFile"), as strings without the unit.
func procStatus() map[string]string {
	out := map[string]string{}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok {
			out[k] = strings.TrimSuffix(strings.TrimSpace(v), " kB")
		}
	}
	return out
}

// cmdMemReport prints mem.sh's table from its results file: per served
// configuration the best recall, CPU QPS at recall@10 0.90 and 0.95 with
// the ratio to hnswlib's in the same run, peak and final resident memory
// with the ratio of the peak to hnswlib's (float32, loaded), the file size and
// the cold start; then the builds.
func cmdMemReport(args []string) error {
	fs := flag.NewFlagSet("memreport", flag.ExitOnError)
	res := fs.String("res", "", "results file of mem.sh")
	fs.Parse(args)
	f, err := os.Open(*res)
	if err != nil {
		return err
	}
	defer f.Close()
	curves := map[string][]point{}
	mems := map[string][3]float64{}
	files := map[string]string{}
	cold := map[string]string{}
	var order []string
	var builds []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		num := func(i int) float64 {
			v, _ := strconv.ParseFloat(p[i], 64)
			return v
		}
		switch {
		case p[0] == "search" && len(p) == 7:
			if _, ok := curves[p[1]]; !ok {
				order = append(order, p[1])
			}
			ef, _ := strconv.Atoi(p[3])
			curves[p[1]] = append(curves[p[1]], point{ef, num(4), num(5), num(6)})
		case p[0] == "memserve" && len(p) == 6:
			mems[p[1]] = [3]float64{num(3), num(4), num(5)}
		case p[0] == "file" && len(p) >= 4:
			files[p[1]] = p[3]
		case p[0] == "coldstart" && len(p) == 4:
			cold[p[1]] = p[3]
		case p[0] == "qbuild" && len(p) == 6:
			builds = append(builds, fmt.Sprintf("| %s | %.1f | %.1f |", p[1], num(3), num(4)))
		case p[0] == "build" && len(p) == 6: // hnswlib_driver's: threads, wall, CPU
			builds = append(builds, fmt.Sprintf("| %s | %.1f | %.1f |", p[1], num(4), num(5)))
		case p[0] == "rss" && len(p) == 4:
			builds = append(builds, fmt.Sprintf("| %s peak RSS | %s MiB | |", p[1], kbToMiB(p[3])))
		}
	}
	base := mems["hnswlib-load"][0]
	ref := curves["hnswlib-load"]
	fmt.Println("| configuration | best recall | CPU QPS @0.90 | CPU QPS @0.95 | peak RSS MiB (× hnswlib) | RssAnon / RssFile MiB at end | file MB | load/open + 1st query s |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, name := range order {
		if !strings.HasSuffix(name, "-load") && !strings.HasSuffix(name, "-open") {
			continue // the in-build ladders
		}
		c := curves[name]
		best := 0.0
		for _, pt := range c {
			best = max(best, pt.recall)
		}
		cell := func(r float64) string {
			q, ok := interp(c, r, true)
			if !ok {
				return "n/a"
			}
			if h, ok := interp(ref, r, true); ok {
				return fmt.Sprintf("%.0f (%.2f×)", q, q/h)
			}
			return fmt.Sprintf("%.0f", q)
		}
		m := mems[name]
		ratio := ""
		if base > 0 {
			ratio = fmt.Sprintf(" (%.2f×)", m[0]/base)
		}
		stem := strings.TrimSuffix(strings.TrimSuffix(name, "-load"), "-open")
		size := ""
		if s, ok := files[stem]; ok {
			v, _ := strconv.ParseFloat(s, 64)
			size = fmt.Sprintf("%.0f", v/1e6)
		}
		fmt.Printf("| %s | %.4f | %s | %s | %.0f%s | %.0f / %.0f | %s | %s |\n", name, best, cell(0.90), cell(0.95),
			m[0]/1024, ratio, m[1]/1024, m[2]/1024, size, trimNum(cold[name], 3))
	}
	fmt.Println()
	fmt.Println("| build | wall s | CPU s |")
	fmt.Println("|---|---:|---:|")
	for _, b := range builds {
		fmt.Println(b)
	}
	return nil
}

// Command gemm measures ganada's float32 GEMM (internal/gemm) against
// numpy/OpenBLAS sgemm and vek32.MatMul on transformer shapes, single- and
// multi-threaded, in one run, and prints GFLOP/s and ratios (plus ganada's
// optional int8 path, in GOP/s, for reference; it is not a float32 peer). Run it through
// run.sh (which installs numpy and OpenBLAS and selects the SkylakeX
// kernel), or directly: go run ./gemm from bench/.
package main

import (
	"github.com/ganada/ganada/bench/internal/measure"

	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ganada/ganada/internal/gemm"
	"github.com/viterin/vek/vek32"
)

type shape struct{ m, k, n int }

func (s shape) String() string { return fmt.Sprintf("%d×%d·%d×%d", s.m, s.k, s.k, s.n) }

func (s shape) flops() float64 { return 2 * float64(s.m) * float64(s.k) * float64(s.n) }

// rate times f in 5 rounds of about dur/5 each and returns the best and
// median GFLOP/s by wall time and the best by process CPU time.
func rate(flops float64, dur time.Duration, f func()) (best, median, cpuBest float64) {
	f()
	reps := 1
	for {
		t0 := time.Now()
		for i := 0; i < reps; i++ {
			f()
		}
		if time.Since(t0) > dur/5 || reps > 1<<20 {
			break
		}
		reps *= 2
	}
	rates := make([]float64, 5)
	for r := range rates {
		t0, c0 := time.Now(), measure.ProcessCPU()
		for i := 0; i < reps; i++ {
			f()
		}
		rates[r] = flops * float64(reps) / time.Since(t0).Seconds() / 1e9
		if dc := (measure.ProcessCPU() - c0).Seconds(); dc > 0 {
			cpuBest = max(cpuBest, flops*float64(reps)/dc/1e9)
		}
	}
	sort.Float64s(rates)
	return rates[4], rates[2], cpuBest
}

type result struct {
	best, median, cpu float64
	note              string
}

func main() {
	threadList := flag.String("threads", "1,2", "thread counts to measure")
	shapeList := flag.String("shapes", "256x384x1536,256x384x384,256x1536x384,1x384x1536,4096x384x1536", "shapes MxKxN")
	python := flag.String("python", "/usr/bin/python3", "Python with Debian's numpy (empty: skip OpenBLAS)")
	coretype := flag.String("coretype", "SkylakeX", "OPENBLAS_CORETYPE for numpy")
	seconds := flag.Float64("seconds", 2, "measuring time per figure")
	int8 := flag.Bool("int8", gemm.Int8Accelerated(), "also time ganada's int8 path (GOP/s; default: when VNNI is present)")
	flag.Parse()

	var shapes []shape
	for _, s := range strings.Split(*shapeList, ",") {
		var sh shape
		if _, err := fmt.Sscanf(s, "%dx%dx%d", &sh.m, &sh.k, &sh.n); err != nil {
			fmt.Fprintln(os.Stderr, "bad shape", s)
			os.Exit(2)
		}
		shapes = append(shapes, sh)
	}
	var threads []int
	for _, t := range strings.Split(*threadList, ",") {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "bad thread count", t)
			os.Exit(2)
		}
		threads = append(threads, n)
	}
	dur := time.Duration(*seconds * float64(time.Second))
	scriptDir := "gemm"
	if _, err := os.Stat("openblas.py"); err == nil {
		scriptDir = "."
	}

	fmt.Printf("machine: %s\nganada kernel: %s; each figure: best (median) of 5 rounds of %.1fs/5\n",
		measure.Machine(), gemm.KernelName(), *seconds)
	fmt.Printf("%-22s %3s  %-17s %-17s %-17s %9s %9s  %-17s\n", "shape", "thr", "ganada GFLOP/s", "OpenBLAS GFLOP/s", "vek32 GFLOP/s", "g/OpenBLAS", "g/vek", "ganada int8 GOP/s")
	r := rand.New(rand.NewSource(1))
	coreShown := false
	var cpuRows []string
	for _, sh := range shapes {
		a := make([]float32, sh.m*sh.k)
		w := make([]float32, sh.n*sh.k)
		for i := range a {
			a[i] = float32(r.NormFloat64())
		}
		for i := range w {
			w[i] = float32(r.NormFloat64())
		}
		wt := make([]float32, sh.k*sh.n) // w transposed (k×n) for vek, which takes x·y
		for j := 0; j < sh.n; j++ {
			for p := 0; p < sh.k; p++ {
				wt[p*sh.n+j] = w[j*sh.k+p]
			}
		}
		packed := gemm.Pack(w, sh.n, sh.k)
		qpacked := gemm.PackInt8(w, sh.n, sh.k)
		dst := make([]float32, sh.m*sh.n)
		for _, t := range threads {
			var g, q, v, o result
			workers := gemm.NewWorkers(t)
			if t == 1 {
				g.best, g.median, g.cpu = rate(sh.flops(), dur, func() { packed.Mul(dst, a, sh.m, gemm.Epilogue{}) })
			} else {
				g.best, g.median, g.cpu = rate(sh.flops(), dur, func() { workers.Mul(packed, dst, a, sh.m, gemm.Epilogue{}) })
			}
			if *int8 {
				if t == 1 {
					q.best, q.median, q.cpu = rate(sh.flops(), dur, func() { qpacked.Mul(dst, a, sh.m, gemm.Epilogue{}) })
				} else {
					q.best, q.median, q.cpu = rate(sh.flops(), dur, func() { workers.MulInt8(qpacked, dst, a, sh.m, gemm.Epilogue{}) })
				}
			} else {
				q.note = "off"
			}
			workers.Close()
			prev := runtime.GOMAXPROCS(t)
			v.best, v.median, v.cpu = rate(sh.flops(), dur, func() { vek32.MatMul_Into(dst, a, wt, sh.k) })
			runtime.GOMAXPROCS(prev)
			if *python != "" {
				info, err := openblas(*python, scriptDir, *coretype, t, sh, *seconds)
				if err != nil {
					o.note = err.Error()
				} else {
					o.best, o.median, o.cpu = info.Best, info.Median, info.CPUBest
					if !coreShown {
						fmt.Printf("# OpenBLAS: %s, core %s, config %q\n", info.Library, info.Core, info.Config)
						coreShown = true
					}
				}
			}
			fmt.Printf("%-22s %3d  %-17s %-17s %-17s %9s %9s  %-17s\n", sh, t, g.fmt(), o.fmt(), v.fmt(), ratio(g, o), ratio(g, v), q.fmt())
			if t == 1 {
				cpuRows = append(cpuRows, fmt.Sprintf("%-22s %3d  %-17s %-17s %-17s %9s %9s  %-17s", sh, t,
					cpuFmt(g), cpuFmt(o), cpuFmt(v), cpuRatio(g, o), cpuRatio(g, v), cpuFmt(q)))
			}
		}
	}
	if len(cpuRows) > 0 {
		fmt.Println("\nsingle thread by process CPU time (not counting time slices taken by other processes on a busy machine):")
		fmt.Printf("%-22s %3s  %-17s %-17s %-17s %9s %9s  %-17s\n", "shape", "thr", "ganada GFLOP/s", "OpenBLAS GFLOP/s", "vek32 GFLOP/s", "g/OpenBLAS", "g/vek", "ganada int8 GOP/s")
		for _, row := range cpuRows {
			fmt.Println(row)
		}
	}
}

func cpuFmt(r result) string {
	if r.note != "" || r.cpu == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%6.1f", r.cpu)
}

func cpuRatio(a, b result) string {
	if a.cpu == 0 || b.cpu == 0 || a.note != "" || b.note != "" {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", a.cpu/b.cpu)
}

func (r result) fmt() string {
	if r.note != "" {
		return "n/a"
	}
	return fmt.Sprintf("%6.1f (%6.1f)", r.best, r.median)
}

func ratio(a, b result) string {
	if b.best == 0 || a.note != "" || b.note != "" {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", a.best/b.best)
}

type blasInfo struct {
	Library, Core, Config string
	Threads               int
	Best, Median          float64
	CPUBest               float64 `json:"cpu_best"`
}

func openblas(python, dir, coretype string, threads int, sh shape, seconds float64) (blasInfo, error) {
	cmd := exec.Command(python, dir+"/openblas.py", strconv.Itoa(sh.m), strconv.Itoa(sh.k), strconv.Itoa(sh.n), fmt.Sprint(seconds))
	env := []string{}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "OPENBLAS_") && !strings.HasPrefix(e, "OMP_NUM_THREADS=") {
			env = append(env, e)
		}
	}
	env = append(env, "OPENBLAS_NUM_THREADS="+strconv.Itoa(threads), "OMP_NUM_THREADS="+strconv.Itoa(threads))
	if coretype != "" {
		env = append(env, "OPENBLAS_CORETYPE="+coretype)
	}
	cmd.Env = env
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "openblas.py:", err)
		return blasInfo{}, err
	}
	var info blasInfo
	if err := json.Unmarshal(out, &info); err != nil {
		return blasInfo{}, fmt.Errorf("openblas.py output %q: %w", out, err)
	}
	if info.Threads != threads {
		return info, fmt.Errorf("OpenBLAS runs %d threads, want %d", info.Threads, threads)
	}
	return info, nil
}

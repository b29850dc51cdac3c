// Command arm64 measures, on an arm64 machine, how much faster ganada's
// NEON kernels are than its pure-Go fallback and than vek
// (github.com/viterin/vek/vek32 v0.4.3, which has no arm64 assembly: it
// runs its own pure-Go loops there, so its rows compare ganada's NEON with
// vek's Go). It runs itself as a child once per kernel level
// (GANADA_CPU=purego, neon and, where the processor has it, dotprod), the
// children taking turns over several rounds so that background load hits
// every level alike, and prints the machine line of bench/internal/measure,
// the best time per operation of each level, and the ratios to purego.
//
//	cd bench && go run ./arm64 [-rounds 5] [-trials 5] [-dim 384] [-mintime 20ms]
//
// Kernels: similarity's Dot, SquaredL2, Cosine, DotBatch and
// SquaredL2Batch (1,000 rows, in cache), DotInt8 and Hamming; gemm's
// Pack.Mul and PackInt8.Mul (32 × 768 · 768 × 768); nn's LayerNorm, Add,
// SoftmaxRows, Exp, Erf, GELU (exact), GELUTanh and SiLU; and vek's Dot,
// CosineSimilarity and Distance beside similarity's. The speeds to expect
// are in the package documentation of similarity, internal/gemm and
// internal/nn. On another architecture it runs too (the levels are then
// that machine's).
//
// Under emulation the program runs (.ci/run checks that it does, with
// `qemu-aarch64-static arm64 -exec qemu-aarch64-static -rounds 1 -trials 1
// -mintime 0`; -exec names the program that runs the children, for
// machines where no binfmt handler runs arm64 binaries), but its timings
// mean nothing there: qemu translates each NEON instruction into a
// sequence of host instructions, at a cost unrelated to any arm64 core.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/ganada/ganada/bench/internal/measure"
	"github.com/ganada/ganada/internal/cpu"
	"github.com/ganada/ganada/internal/gemm"
	"github.com/ganada/ganada/internal/nn"
	"github.com/ganada/ganada/similarity"
	"github.com/viterin/vek/vek32"
)

var (
	rounds  = flag.Int("rounds", 5, "rounds of children (each level once per round)")
	dim     = flag.Int("dim", 384, "vector dimension")
	child   = flag.Bool("child", false, "internal: measure at this process's level and print JSON")
	minTime = flag.Duration("mintime", 20*time.Millisecond, "shortest timing of a kernel")
	trials  = flag.Int("trials", 5, "timings per kernel and round (the best counts)")
	execVia = flag.String("exec", "", "run the children through this program (e.g. qemu-aarch64-static)")
)

// sink keeps the measured results alive.
//
//lint:ignore U1000 written, never read, on purpose: keeps the benchmarked calls alive
var sink float64

// timeOf returns the best of -trials timings of f, in ns per call, each
// timing running f for at least -mintime.
func timeOf(f func()) float64 {
	n := 1
	for {
		t := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		if time.Since(t) >= *minTime {
			break
		}
		n *= 2
	}
	var ts measure.Trials
	for r := 0; r < max(1, *trials); r++ {
		t := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		ts = append(ts, float64(time.Since(t).Nanoseconds())/float64(n))
	}
	return ts.Min()
}

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// results maps a kernel name to ns per call.
type results map[string]float64

func runChild() results {
	runtime.LockOSThread()
	r := rand.New(rand.NewSource(1))
	d := *dim
	a, b := randVec(r, d), randVec(r, d)
	rows := randVec(r, 1000*d)
	dst := make([]float32, 1000)
	ai, bi := make([]int8, 4*d), make([]int8, 4*d)
	for i := range ai {
		ai[i], bi[i] = int8(r.Intn(256)-128), int8(r.Intn(256)-128)
	}
	ha, hb := make([]uint64, 1024), make([]uint64, 1024)
	for i := range ha {
		ha[i], hb[i] = r.Uint64(), r.Uint64()
	}
	const m, n, k = 32, 768, 768
	w := randVec(r, n*k)
	x := randVec(r, m*k)
	out := make([]float32, m*n)
	p := gemm.Pack(w, n, k)
	qp := gemm.PackInt8(w, n, k)
	gamma, beta := randVec(r, k), randVec(r, k)
	scores := randVec(r, m*128)
	res := results{}
	run := func(name string, f func()) { res[name] = timeOf(f) }
	run("Dot", func() { sink += float64(similarity.Dot(a, b)) })
	run("SquaredL2", func() { sink += float64(similarity.SquaredL2(a, b)) })
	run("Cosine", func() { sink += float64(similarity.Cosine(a, b)) })
	run("DotBatch 1000 rows", func() { similarity.DotBatch(dst, a, rows) })
	run("SquaredL2Batch 1000 rows", func() { similarity.SquaredL2Batch(dst, a, rows) })
	run(fmt.Sprintf("DotInt8 (%d)", 4*d), func() { sink += float64(similarity.DotInt8(ai, bi)) })
	run("Hamming (65536 bits)", func() { sink += float64(similarity.Hamming(ha, hb)) })
	run("gemm 32×768·768×768", func() { p.Mul(out, x, m, gemm.Epilogue{}) })
	run("gemm int8 32×768·768×768", func() { qp.Mul(out, x, m, gemm.Epilogue{}) })
	run("GELU 32×768", func() { nn.GELU(out[:m*k], x) })
	run("Exp 32×768", func() { nn.Exp(out[:m*k], x) })
	run("LayerNorm 32×768", func() { nn.LayerNorm(out[:m*k], x, gamma, beta, 1e-12) })
	run("Add 32×768", func() { nn.Add(out[:m*k], x, out[:m*k]) })
	run("Erf 32×768", func() { nn.Erf(out[:m*k], x) })
	run("GELUTanh 32×768", func() { nn.GELUTanh(out[:m*k], x) })
	run("SiLU 32×768", func() { nn.SiLU(out[:m*k], x) })
	run("SoftmaxRows 32×128", func() { nn.SoftmaxRows(scores, m, 128, 128, 0.125) })
	run("vek Dot", func() { sink += float64(vek32.Dot(a, b)) })
	run("vek CosineSimilarity", func() { sink += float64(vek32.CosineSimilarity(a, b)) })
	run("vek Distance", func() { sink += float64(vek32.Distance(a, b)) })
	return res
}

func main() {
	flag.Parse()
	if *child {
		if err := json.NewEncoder(os.Stdout).Encode(runChild()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var levels []string
	for _, l := range cpu.MachineLevels() {
		levels = append(levels, l.String())
	}
	fmt.Printf("%s; %s\n", measure.Machine(), runtime.Version())
	best := map[string]results{}
	for round := 0; round < *rounds; round++ {
		for _, l := range levels {
			args := []string{exe, "-child", fmt.Sprintf("-dim=%d", *dim), fmt.Sprintf("-mintime=%s", *minTime), fmt.Sprintf("-trials=%d", *trials)}
			if *execVia != "" {
				args = append([]string{*execVia}, args...)
			}
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Env = append(os.Environ(), cpu.EnvVar+"="+l)
			var stdout bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "%s=%s: %v\n", cpu.EnvVar, l, err)
				os.Exit(1)
			}
			var r results
			if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
				fmt.Fprintf(os.Stderr, "%s=%s: %v\n", cpu.EnvVar, l, err)
				os.Exit(1)
			}
			if best[l] == nil {
				best[l] = results{}
			}
			for k, v := range r {
				if old, ok := best[l][k]; !ok || v < old {
					best[l][k] = v
				}
			}
		}
	}
	var names []string
	for k := range best[levels[0]] {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Printf("best ns/op of %d rounds, dim %d; ratio = purego time / level time (vek rows: vek vs ganada's Dot, Cosine, SquaredL2 at that level)\n", *rounds, *dim)
	fmt.Printf("%-24s", "kernel")
	for _, l := range levels {
		fmt.Printf(" %12s %7s", l, "ratio")
	}
	fmt.Println()
	vekOf := map[string]string{"vek Dot": "Dot", "vek CosineSimilarity": "Cosine", "vek Distance": "SquaredL2"}
	for _, k := range names {
		fmt.Printf("%-24s", k)
		for _, l := range levels {
			base := best[levels[0]][k]
			if ours, ok := vekOf[k]; ok {
				base = best[l][k]
				fmt.Printf(" %12.1f %6.2fx", best[l][k], base/best[l][ours])
				continue
			}
			fmt.Printf(" %12.1f %6.2fx", best[l][k], base/best[l][k])
		}
		fmt.Println()
	}
	fmt.Println(strings.Repeat("-", 24), "vek's Distance takes a square root that SquaredL2 does not")
}

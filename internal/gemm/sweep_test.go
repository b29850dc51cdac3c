// This file holds the blocking sweeps used to choose a tuning's mc, kc and
// nc (blockingFor): TestBlockingSweep times the encoder's product shapes
// one by one under a grid of blockings, TestBlockingEncoder a whole
// encoder's products under a few blockings interleaved, both by the
// thread's CPU time. They run only when GANADA_GEMM_SWEEP is set (they
// take minutes), e.g.
//
//	GANADA_GEMM_SWEEP=1 SWEEP_CONFIGS='768/96/0;256/144/0' go test -run TestBlockingEncoder -v ./internal/gemm
//
// SWEEP_M, SWEEP_KC, SWEEP_MC, SWEEP_NC, SWEEP_K/SWEEP_N (paired lists),
// SWEEP_EP (none, bias) and SWEEP_ROUNDS change what is timed.

//go:build linux && amd64 && !purego

package gemm

import (
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// threadCPU is the calling thread's CPU time (precise, unlike getrusage,
// which advances by scheduler ticks).
func threadCPU() time.Duration {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
	return time.Duration(ts.Nano())
}

func envInts(name string, def []int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(f)
		if err == nil {
			out = append(out, n)
		}
	}
	return out
}

func TestBlockingSweep(t *testing.T) {
	if os.Getenv("GANADA_GEMM_SWEEP") == "" {
		t.Skip("GANADA_GEMM_SWEEP not set")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	base := *best
	ms := envInts("SWEEP_M", []int{14, 450, 1200})
	kcs := envInts("SWEEP_KC", []int{base.kc})
	mcs := envInts("SWEEP_MC", []int{base.mc})
	ncs := envInts("SWEEP_NC", []int{base.nc})
	shapes := [][2]int{{384, 1152}, {384, 384}, {384, 1536}, {1536, 384}}
	if ks, ns := envInts("SWEEP_K", nil), envInts("SWEEP_N", nil); len(ks) == len(ns) && len(ks) > 0 {
		shapes = shapes[:0]
		for i := range ks {
			shapes = append(shapes, [2]int{ks[i], ns[i]})
		}
	}
	epMode := os.Getenv("SWEEP_EP") // "none", "bias", or the encoder's (default)
	r := rand.New(rand.NewSource(1))
	total := map[string]float64{}
	for _, m := range ms {
		for _, sh := range shapes {
			k, n := sh[0], sh[1]
			a := make([]float32, m*k)
			w := make([]float32, n*k)
			for i := range a {
				a[i] = float32(r.NormFloat64())
			}
			for i := range w {
				w[i] = float32(r.NormFloat64())
			}
			dst := make([]float32, m*n)
			bias := make([]float32, n)
			flops := 2 * float64(m*k*n)
			for _, kc := range kcs {
				for _, mc := range mcs {
					for _, nc := range ncs {
						impl := base
						impl.kc, impl.mc, impl.nc = kc, mc, nc
						p := packWith(&impl, w, n, k)
						ep := Epilogue{Bias: bias}
						if epMode == "none" {
							ep = Epilogue{}
						} else if epMode == "bias" {
						} else if n == 1536 {
							ep.Act = GELU
						} else if n == 384 {
							ep.Residual = dst
						}
						f := func() { p.Mul(dst, a, m, ep) }
						f()
						reps := max(1, int(3e9/flops))
						var rates []float64
						for round := 0; round < 5; round++ {
							c0 := threadCPU()
							for i := 0; i < reps; i++ {
								f()
							}
							rates = append(rates, flops*float64(reps)/(threadCPU()-c0).Seconds()/1e9)
						}
						sort.Float64s(rates)
						key := fmt.Sprintf("kc=%d mc=%d nc=%d", kc, mc, nc)
						t.Logf("m=%4d k=%4d n=%4d %s: %.1f (%.1f) GFLOP/s", m, k, n, key, rates[4], rates[2])
						// time share of this shape in the encoder: flops weight, i.e. seconds = flops/rate
						total[key+fmt.Sprintf(" m=%d", m)] += flops / (rates[3] * 1e9)
					}
				}
			}
		}
	}
	var keys []string
	for k := range total {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%s: layer time %.1f µs", k, total[k]*1e6)
	}
}

// TestBlockingEncoder times a MiniLM-L6-shaped encoder's products (6
// layers of QKV 384→1152, output 384→384 in place, FFN 384→1536 with GELU
// and 1536→384 in place; distinct weights per layer, as in the model)
// under several blockings, interleaved round by round so that a change of
// load falls on all alike; it prints the best and median thread CPU time
// per forward pass. SWEEP_CONFIGS lists blockings as kc/mc/nc;...;
// SWEEP_M the row counts (tokens in the batch); a fourth field "pertile"
// calls the kernel once per tile instead of once per panel and row block.
func TestBlockingEncoder(t *testing.T) {
	if os.Getenv("GANADA_GEMM_SWEEP") == "" {
		t.Skip("GANADA_GEMM_SWEEP not set")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	base := *best
	var impls []*kernelImpl
	for _, c := range strings.Split(os.Getenv("SWEEP_CONFIGS"), ";") {
		impl := base
		if c != "" {
			f := strings.Split(c, "/")
			impl.kc, _ = strconv.Atoi(f[0])
			impl.mc, _ = strconv.Atoi(f[1])
			impl.nc, _ = strconv.Atoi(f[2])
			if len(f) > 3 && f[3] == "pertile" {
				impl.directN = nil // one kernel call per tile, as before issue 20
			}
		}
		impls = append(impls, &impl)
	}
	rounds := 15
	if v := envInts("SWEEP_ROUNDS", nil); len(v) == 1 {
		rounds = v[0]
	}
	r := rand.New(rand.NewSource(1))
	type layer struct {
		w    [4][]float32
		bias [4][]float32
	}
	shapes := [4][2]int{{384, 1152}, {384, 384}, {384, 1536}, {1536, 384}}
	layers := make([]layer, 6)
	for l := range layers {
		for i, sh := range shapes {
			layers[l].w[i] = make([]float32, sh[0]*sh[1])
			for j := range layers[l].w[i] {
				layers[l].w[i][j] = float32(r.NormFloat64()) * 0.05
			}
			layers[l].bias[i] = make([]float32, sh[1])
		}
	}
	packed := make([][6][4]*Packed, len(impls))
	for c, impl := range impls {
		for l := range layers {
			for i, sh := range shapes {
				packed[c][l][i] = packWith(impl, layers[l].w[i], sh[1], sh[0])
			}
		}
	}
	for _, m := range envInts("SWEEP_M", []int{14, 450}) {
		x := make([]float32, m*1536)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		qkv := make([]float32, m*1152)
		h := make([]float32, m*384)
		inner := make([]float32, m*1536)
		pass := func(c int) {
			for l := range layers {
				p := packed[c][l]
				p[0].Mul(qkv, x[:m*384], m, Epilogue{Bias: layers[l].bias[0]})
				p[1].Mul(h, qkv[:m*384], m, Epilogue{Bias: layers[l].bias[1], Residual: h})
				p[2].Mul(inner, h, m, Epilogue{Bias: layers[l].bias[2], Act: GELU})
				p[3].Mul(h, inner, m, Epilogue{Bias: layers[l].bias[3], Residual: h})
			}
		}
		reps := max(1, 4000/m)
		times := make([][]float64, len(impls))
		for round := 0; round < rounds; round++ {
			for c := range impls {
				pass(c)
				c0 := threadCPU()
				for i := 0; i < reps; i++ {
					pass(c)
				}
				times[c] = append(times[c], (threadCPU()-c0).Seconds()/float64(reps))
			}
		}
		flops := 2 * float64(m) * 384 * (1152 + 384 + 1536 + 1536) * 6
		for c, impl := range impls {
			ts := times[c]
			sort.Float64s(ts)
			t.Logf("m=%4d kc=%4d mc=%3d nc=%4d multi-tile %5v: best %.3f ms (%.1f GFLOP/s), median %.3f ms", m, impl.kc, impl.mc, impl.nc, impl.directN != nil, ts[0]*1e3, flops/ts[0]/1e9, ts[len(ts)/2]*1e3)
		}
	}
}

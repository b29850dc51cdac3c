// Command similarity compares ganada's similarity kernels with vek
// (github.com/viterin/vek/vek32) and a naive Go loop, and measures the
// exact-search scan (DotBatch over 100,000 × 384 float32 rows) against the
// single-core memory bandwidth of this machine, all in the same run.
//
// Every figure is measured in several interleaved trials (each contender
// once per round, so background load hits all of them alike); the report
// gives the best and the median trial. Ratios are computed from the best
// trials (the ones least disturbed by other processes) and also from the
// medians.
//
// Times are taken with two clocks: the thread's CPU time (which leaves out
// the time other processes held the CPU, the better figure on a shared
// machine) and wall time. The whole program runs on one goroutine locked to
// one thread (single core).
//
//	cd bench && go run ./similarity [-trials 15] [-rows 100000] [-clock both|cpu|wall]
//
// GODEBUG=cpu.avx512f=off runs ganada's AVX2 kernels instead of its AVX-512
// ones (vek is unaffected: it uses AVX2 either way).
package main

import (
	"github.com/ganada/ganada/bench/internal/measure"

	"bytes"
	"flag"
	"fmt"
	"math"
	"math/bits"
	"math/rand"
	"runtime"
	"time"
	"unsafe"

	"github.com/ganada/ganada/similarity"
	"github.com/viterin/vek/vek32"
)

var (
	trials  = flag.Int("trials", 15, "interleaved trials per measurement")
	nrows   = flag.Int("rows", 100_000, "rows in the scan")
	scanDim = flag.Int("dim", 384, "dimension of the scanned rows")
	bwMiB   = flag.Int("bwmib", 256, "buffer size in MiB for the bandwidth measurements")
)

// sink receives every measured result so the compiler cannot drop the calls.
//
//lint:ignore U1000 written, never read, on purpose: a package-level store keeps the benchmarked calls alive
var sink float32

func naiveDot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// useCPUTime selects the clock: the thread's CPU time (time the thread
// actually ran, which discounts the time other processes held the CPU on a
// busy machine) or wall-clock time.
var useCPUTime bool

func naiveDotInt8(a, b []int8) int32 {
	var s int32
	for i := range a {
		s += int32(a[i]) * int32(b[i])
	}
	return s
}

func naiveHamming(a, b []uint64) int {
	n := 0
	for i := range a {
		n += bits.OnesCount64(a[i] ^ b[i])
	}
	return n
}

func naiveNormalize(v []float32) {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	inv := float32(1 / math.Sqrt(ss))
	for i := range v {
		v[i] *= inv
	}
}

// timeOp returns the nanoseconds per call of f, running it in batches
// until about 20 ms have passed, by wall clock and by thread CPU time.
func timeOp(f func()) (wall, cpu float64) {
	n := 1
	for {
		c0, _ := measure.ThreadCPU()
		start := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		el := time.Since(start)
		c1, _ := measure.ThreadCPU()
		if el > 20*time.Millisecond {
			return float64(el.Nanoseconds()) / float64(n), float64(c1-c0) / float64(n)
		}
		if el < time.Millisecond {
			n *= 10
		} else {
			n = int(float64(n)*float64(25*time.Millisecond)/float64(el)) + 1
		}
	}
}

// stats holds the per-trial times of one contender on the chosen clock.
type stats = measure.Trials

// interleave measures every function once per round for *trials rounds.
func interleave(fs ...func()) []stats {
	out := make([]stats, len(fs))
	for t := 0; t < *trials; t++ {
		for i, f := range fs {
			wall, cpu := timeOp(f)
			if useCPUTime {
				out[i] = append(out[i], cpu)
			} else {
				out[i] = append(out[i], wall)
			}
		}
	}
	return out
}

func main() {
	clock := flag.String("clock", "both", "cpu (thread CPU time), wall, or both (each section twice)")
	flag.Parse()
	runtime.GOMAXPROCS(1)
	runtime.LockOSThread() // the thread CPU clock must follow this goroutine
	_, haveCPU := measure.ThreadCPU()
	fmt.Printf("ganada similarity benchmark — machine: %s; implementation %q, vek acceleration=%v\n",
		measure.Machine(), similarity.Implementation(), vek32.Info().Acceleration)
	fmt.Printf("load average at start: %s; %d interleaved trials per figure; single goroutine (GOMAXPROCS=1)\n\n", measure.LoadAvg(), *trials)

	clocks := []bool{true, false}
	switch {
	case !haveCPU || *clock == "wall":
		clocks = []bool{false}
	case *clock == "cpu":
		clocks = []bool{true}
	}
	for _, c := range clocks {
		useCPUTime = c
		if c {
			fmt.Println("=== Clock: thread CPU time (excludes time other processes held the CPU)")
		} else {
			fmt.Println("=== Clock: wall time")
		}
		report()
	}
	fmt.Printf("\nload average at end: %s\n", measure.LoadAvg())
}

func report() {
	r := rand.New(rand.NewSource(1))
	fmt.Println("Two-vector kernels, ns/op (best / median of trials); ratio = peer time / ganada time")
	fmt.Printf("%6s | %15s %15s %15s %15s %15s | %13s %13s %13s\n", "dim",
		"ganada Dot", "vek32.Dot", "naive loop", "ganada Cosine", "vek32.Cosine",
		"vek/Dot", "naive/Dot", "vekCos/Cos")
	for _, d := range []int{128, 384, 768, 1024, 1536} {
		a, b := make([]float32, d), make([]float32, d)
		for i := range a {
			a[i], b[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
		}
		const reps = 1000 // calls per timed op, to dwarf the closure call
		st := interleave(
			func() {
				for i := 0; i < reps; i++ {
					sink += similarity.Dot(a, b)
				}
			},
			func() {
				for i := 0; i < reps; i++ {
					sink += vek32.Dot(a, b)
				}
			},
			func() {
				for i := 0; i < reps; i++ {
					sink += naiveDot(a, b)
				}
			},
			func() {
				for i := 0; i < reps; i++ {
					sink += similarity.Cosine(a, b)
				}
			},
			func() {
				for i := 0; i < reps; i++ {
					sink += vek32.CosineSimilarity(a, b)
				}
			},
		)
		cell := func(s stats) string { return fmt.Sprintf("%6.1f / %6.1f", s.Min()/reps, s.Median()/reps) }
		ratio := func(peer, ours stats) string {
			return fmt.Sprintf("%5.2f / %5.2f", peer.Min()/ours.Min(), peer.Median()/ours.Median())
		}
		fmt.Printf("%6d | %15s %15s %15s %15s %15s | %13s %13s %13s\n", d,
			cell(st[0]), cell(st[1]), cell(st[2]), cell(st[3]), cell(st[4]),
			ratio(st[1], st[0]), ratio(st[2], st[0]), ratio(st[4], st[3]))
	}

	// Quantised kernels and Normalize against plain loops.
	fmt.Println("\nQuantised kernels and Normalize, ns/op (best / median); ratio = plain loop / ganada")
	{
		const reps = 1000
		x8, y8 := make([]int8, 384), make([]int8, 384)
		for i := range x8 {
			x8[i], y8[i] = int8(r.Intn(256)-128), int8(r.Intn(256)-128)
		}
		xb, yb := make([]uint64, 16), make([]uint64, 16) // 1024-bit codes
		for i := range xb {
			xb[i], yb[i] = r.Uint64(), r.Uint64()
		}
		v := make([]float32, 384)
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		var isink int64
		st := interleave(
			func() {
				for i := 0; i < reps; i++ {
					isink += int64(similarity.DotInt8(x8, y8))
				}
			},
			func() {
				for i := 0; i < reps; i++ {
					isink += int64(naiveDotInt8(x8, y8))
				}
			},
			func() {
				for i := 0; i < reps; i++ {
					isink += int64(similarity.Hamming(xb, yb))
				}
			},
			func() {
				for i := 0; i < reps; i++ {
					isink += int64(naiveHamming(xb, yb))
				}
			},
			func() {
				for i := 0; i < reps; i++ {
					if similarity.Normalize(v) != nil {
						panic("normalize")
					}
				}
			},
			func() {
				for i := 0; i < reps; i++ {
					naiveNormalize(v)
				}
			},
		)
		sink += float32(isink)
		row := func(name string, ours, naive stats) {
			fmt.Printf("  %-22s ganada %6.1f / %6.1f   plain loop %7.1f / %7.1f   ratio %5.1f / %5.1f\n", name,
				ours.Min()/reps, ours.Median()/reps, naive.Min()/reps, naive.Median()/reps,
				naive.Min()/ours.Min(), naive.Median()/ours.Median())
		}
		row("DotInt8, 384", st[0], st[1])
		row("Hamming, 1024 bits", st[2], st[3])
		row("Normalize, 384", st[4], st[5])
	}

	// Scan and bandwidth.
	n, d := *nrows, *scanDim
	rows := make([]float32, n*d)
	for i := range rows {
		rows[i] = float32(r.NormFloat64())
	}
	q := rows[:d:d]
	dst := make([]float32, n)
	scanBytes := float64(4 * len(rows))

	// Read bandwidth is measured on the scan's own rows; copy bandwidth on
	// buffers of random data: pages of identical content (a constant fill)
	// can be merged by a virtual machine's host and then be read from
	// cache, which inflated "memory" bandwidth by half in trials here.
	bw := *bwMiB << 20
	src := make([]byte, bw)
	r.Read(src)
	dstb := make([]byte, bw)
	copy(dstb, src)
	rowBytes := unsafe.Slice((*byte)(unsafe.Pointer(&rows[0])), 4*len(rows))
	sep := []byte{0x5A}

	st := interleave(
		func() { similarity.DotBatch(dst, q, rows) },
		func() {
			for i := 0; i < n; i++ {
				dst[i] = vek32.Dot(q, rows[i*d:(i+1)*d])
			}
		},
		func() { sink += vek32.Sum(rows) },
		func() { sink += float32(bytes.Count(rowBytes, sep)) },
		func() { copy(dstb, src) },
	)
	gbs := func(bytes float64, s stats) (float64, float64) { return bytes / s.Min(), bytes / s.Median() }
	scanB, scanM := gbs(scanBytes, st[0])
	vekB, vekM := gbs(scanBytes, st[1])
	sumB, sumM := gbs(scanBytes, st[2])
	ibB, ibM := gbs(scanBytes, st[3])
	cpB, cpM := gbs(float64(bw), st[4])
	readB, readM := max(sumB, ibB), max(sumM, ibM)

	fmt.Printf("\nScan: DotBatch of one query against %d × %d float32 rows (%.1f MB); GB/s = bytes read / time (best / median)\n", n, d, scanBytes/1e6)
	fmt.Printf("  ganada DotBatch                    %6.2f / %6.2f GB/s  (%.2f / %.2f ms per scan)\n", scanB, scanM, st[0].Min()/1e6, st[0].Median()/1e6)
	fmt.Printf("  vek32.Dot row by row               %6.2f / %6.2f GB/s\n", vekB, vekM)
	fmt.Println("Single-core memory bandwidth (read: two independent read-only kernels over the same rows):")
	fmt.Printf("  read: vek32.Sum(rows)              %6.2f / %6.2f GB/s\n", sumB, sumM)
	fmt.Printf("  read: bytes.Count(rows as bytes)   %6.2f / %6.2f GB/s\n", ibB, ibM)
	fmt.Printf("  copy: Go copy, %d MiB, bytes copied/s %6.2f / %6.2f GB/s  (STREAM convention, read+write: %.2f / %.2f GB/s)\n", *bwMiB, cpB, cpM, 2*cpB, 2*cpM)
	fmt.Printf("Scan / read bandwidth (max of the two read figures): %3.0f%% best, %3.0f%% median\n", 100*scanB/readB, 100*scanM/readM)
	fmt.Printf("Scan / copy bandwidth (bytes copied/s):              %3.0f%% best, %3.0f%% median\n", 100*scanB/cpB, 100*scanM/cpM)
	fmt.Printf("Scan / copy bandwidth (STREAM read+write bytes/s):   %3.0f%% best, %3.0f%% median\n", 100*scanB/(2*cpB), 100*scanM/(2*cpM))
}

// This file chooses, once at start-up, which amd64 kernels the exported
// functions call: AVX-512, AVX2+FMA or portable Go, following the module's
// kernel level (internal/cpu).

//go:build amd64 && !purego

package similarity

import "github.com/ganada/ganada/internal/cpu"

// The optional AVX-512 features, usable only at the AVX512 level (false
// when GANADA_CPU lowers it). The AVX512 level also runs the AVX2 kernels
// for int8 without VNNI and scalar POPCNT without VPOPCNTDQ.
var (
	x86HasVNNI      = cpu.Has(cpu.X86AVX512VNNI)
	x86HasVPOPCNTDQ = cpu.Has(cpu.X86AVX512VPOPCNTDQ)
)

// level is the implementation the exported functions use: cpu.Selected(),
// read once at start-up (tests switch it to run the exported API on every
// level of cpu.Levels()).
var level = cpu.Selected()

// levelName is Implementation's name for a level.
func levelName(l cpu.Level) string {
	switch l {
	case cpu.AVX512:
		return "avx512"
	case cpu.AVX2:
		return "avx2"
	}
	return genericKernels.name
}

// streamMinFloats is the size of a batch (len(rows)) from which the batch
// kernels treat it as a scan streamed from memory: 16 MiB. Streamed
// batches are read in memory order, one row after another, leaving the
// prefetching to the hardware; smaller ones are read four rows at a time
// with software prefetch into L1, loading each query block once for four
// rows. Scanning 384-float rows over and over on an AMD EPYC (Zen 4, 32 MiB
// L3), the four-row path was 1.45× faster at 15 MB, level at 23 MB, and
// the sequential path 1.5× faster from 31 MB up. A variable so that the
// tests can run both paths.
var streamMinFloats = 1 << 22

func streaming(rows []float32) bool { return len(rows) >= streamMinFloats }

// stream256 says whether an AVX-512 machine streams large scans with the
// AVX2 kernel's 256-bit sequential path (see batchDispatchAVX512): where
// 512-bit loads are split in two (Zen 4, measured) and on unknown cores
// (the old default). Cores with full-width 512-bit loads (Zen 5, Intel)
// keep the AVX-512 kernel: on a Zen 5 the streamed 256-bit path reached
// 49–60% of read bandwidth (issue 20). Follows cpu.Tune (GANADA_TUNE); a
// variable so that the tests can run both.
var stream256 = tunedStream256(cpu.Tune())

func tunedStream256(t cpu.Tuning) bool { return t != cpu.TuneZen5 && t != cpu.TuneIntel }

// batchDispatchAVX512 runs a batch kernel on an AVX-512 machine: the
// AVX-512 kernel for cache-resident rows, the AVX2 kernel's sequential
// path for streamed ones. On an AMD EPYC (Zen 4), which splits every
// 512-bit load in two, the 256-bit loads streamed 100k × 384 and
// 200k × 100 float32 rows 10–20% faster (dot and squared L2, medians of
// interleaved runs).
func batchDispatchAVX512(avx512 func(dst, q, rows []float32), avx2 func(dst, q, rows []float32, stream bool)) func(dst, q, rows []float32) {
	return func(dst, q, rows []float32) {
		if stream256 && streaming(rows) {
			avx2(dst, q, rows, true)
			return
		}
		avx512(dst, q, rows)
	}
}

// Implementation names the kernels in use on this machine: "avx512",
// "avx2" or "generic" (the levels cpu.Name calls avx512, avx2 and purego).
func Implementation() string { return levelName(level) }

var avx2Kernels = kernels{
	name:           "avx2",
	dot:            dotAVX2,
	squaredL2:      squaredL2AVX2,
	cosine:         cosineAVX2,
	scale:          scaleAVX2,
	dotBatch:       func(dst, q, rows []float32) { dotBatchAVX2(dst, q, rows, streaming(rows)) },
	squaredL2Batch: func(dst, q, rows []float32) { squaredL2BatchAVX2(dst, q, rows, streaming(rows)) },
	dotInt8:        dotInt8AVX2,
	hamming:        hammingPOPCNT,
}

func avx512Kernels() kernels {
	k := kernels{
		name:           "avx512",
		dot:            dotAVX512,
		squaredL2:      squaredL2AVX512,
		cosine:         cosineAVX512,
		scale:          scaleAVX512,
		dotBatch:       batchDispatchAVX512(dotBatchAVX512, dotBatchAVX2),
		squaredL2Batch: batchDispatchAVX512(squaredL2BatchAVX512, squaredL2BatchAVX2),
		dotInt8:        dotInt8AVX2,
		hamming:        hammingPOPCNT,
	}
	if x86HasVNNI {
		k.dotInt8 = dotInt8VNNI
	}
	if x86HasVPOPCNTDQ {
		k.hamming = hammingAVX512
	}
	return k
}

// available lists the implementation of every level up to the selected
// one, the portable one first.
func available() []kernels {
	var ks []kernels
	for _, l := range cpu.Levels() {
		switch l {
		case cpu.Purego:
			ks = append(ks, genericKernels)
		case cpu.AVX2:
			ks = append(ks, avx2Kernels)
		case cpu.AVX512:
			ks = append(ks, avx512Kernels())
		}
	}
	return ks
}

// The dispatchers below call the kernels directly (not through function
// values) so that arguments do not escape and calls stay cheap.

func dot(a, b []float32) float32 {
	switch level {
	case cpu.AVX512:
		return dotAVX512(a, b)
	case cpu.AVX2:
		return dotAVX2(a, b)
	}
	return dotGeneric(a, b)
}

func squaredL2(a, b []float32) float32 {
	switch level {
	case cpu.AVX512:
		return squaredL2AVX512(a, b)
	case cpu.AVX2:
		return squaredL2AVX2(a, b)
	}
	return squaredL2Generic(a, b)
}

func scale(v []float32, s float32) {
	switch level {
	case cpu.AVX512:
		scaleAVX512(v, s)
	case cpu.AVX2:
		scaleAVX2(v, s)
	default:
		scaleGeneric(v, s)
	}
}

func dotBatch(dst, q, rows []float32) {
	stream := streaming(rows)
	switch {
	case level == cpu.AVX512 && !(stream && stream256): // see batchDispatchAVX512
		dotBatchAVX512(dst, q, rows)
	case level >= cpu.AVX2:
		dotBatchAVX2(dst, q, rows, stream)
	default:
		dotBatchGeneric(dst, q, rows)
	}
}

func squaredL2Batch(dst, q, rows []float32) {
	stream := streaming(rows)
	switch {
	case level == cpu.AVX512 && !(stream && stream256):
		squaredL2BatchAVX512(dst, q, rows)
	case level >= cpu.AVX2:
		squaredL2BatchAVX2(dst, q, rows, stream)
	default:
		squaredL2BatchGeneric(dst, q, rows)
	}
}

func dotInt8(a, b []int8) int32 {
	if level == cpu.AVX512 && x86HasVNNI {
		return dotInt8VNNI(a, b)
	}
	if level >= cpu.AVX2 {
		return dotInt8AVX2(a, b)
	}
	return dotInt8Generic(a, b)
}

func hamming(a, b []uint64) int {
	if level == cpu.AVX512 && x86HasVPOPCNTDQ {
		return hammingAVX512(a, b)
	}
	if level >= cpu.AVX2 {
		return hammingPOPCNT(a, b)
	}
	return hammingGeneric(a, b)
}

// This file chooses, once at start-up, which amd64 kernels the exported
// functions call: AVX-512, AVX2+FMA or portable Go.

//go:build amd64 && !purego

package similarity

import "golang.org/x/sys/cpu"

// The features each level needs. golang.org/x/sys/cpu honours GODEBUG, so
// GODEBUG=cpu.avx512f=off selects the AVX2 kernels and GODEBUG=cpu.avx2=off
// the portable ones (the AVX-512 level also uses AVX2 kernels for int8).
var (
	x86HasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasPOPCNT
	x86HasAVX512 = x86HasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL &&
		cpu.X86.HasAVX512BW && cpu.X86.HasAVX512DQ
	x86HasVNNI      = x86HasAVX512 && cpu.X86.HasAVX512VNNI
	x86HasVPOPCNTDQ = x86HasAVX512 && cpu.X86.HasAVX512VPOPCNTDQ
)

// Implementation levels, in increasing order of preference.
const (
	levelGeneric = iota
	levelAVX2
	levelAVX512
)

// level is the implementation the exported functions use. It is set once at
// start-up (tests switch it to run the exported API on every level).
var level = bestLevel()

func bestLevel() int {
	switch {
	case x86HasAVX512:
		return levelAVX512
	case x86HasAVX2:
		return levelAVX2
	}
	return levelGeneric
}

var levelNames = [...]string{"generic", "avx2", "avx512"}

// streamMinFloats is the size of a batch (len(rows)) from which the batch
// kernels prefetch into L2 rather than L1: 4 MiB, several times a core's
// L2, beyond which rows come from L3 or memory. On an AMD EPYC (Zen 4)
// prefetching into L2 streamed a 154 MB scan about 25% faster, while
// prefetching into L1 was about 10% faster on L2-resident rows. A variable
// so that the tests can run both paths.
var streamMinFloats = 1 << 20

func streaming(rows []float32) bool { return len(rows) >= streamMinFloats }

// dotBatchAVX512Dispatch is DotBatch on an AVX-512 machine. Scans streamed
// from L3 or memory run the AVX2 kernel: on an AMD EPYC (Zen 4), which
// splits every 512-bit load in two, its 256-bit loads read a 154 MB scan
// about 9% faster (median of 8 interleaved runs: 19.1 against 17.5 GB/s), while
// the AVX-512 kernel is the faster one on cache-resident rows.
func dotBatchAVX512Dispatch(dst, q, rows []float32) {
	if streaming(rows) {
		dotBatchAVX2(dst, q, rows, true)
		return
	}
	dotBatchAVX512(dst, q, rows)
}

// Implementation names the kernels in use on this machine: "avx512",
// "avx2" or "generic".
func Implementation() string { return levelNames[level] }

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
		dotBatch:       dotBatchAVX512Dispatch,
		squaredL2Batch: func(dst, q, rows []float32) { squaredL2BatchAVX512(dst, q, rows, streaming(rows)) },
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

// available lists every implementation this machine can run, the portable
// one first.
func available() []kernels {
	ks := []kernels{genericKernels}
	if x86HasAVX2 {
		ks = append(ks, avx2Kernels)
	}
	if x86HasAVX512 {
		ks = append(ks, avx512Kernels())
	}
	return ks
}

// The dispatchers below call the kernels directly (not through function
// values) so that arguments do not escape and calls stay cheap.

func dot(a, b []float32) float32 {
	switch level {
	case levelAVX512:
		return dotAVX512(a, b)
	case levelAVX2:
		return dotAVX2(a, b)
	}
	return dotGeneric(a, b)
}

func squaredL2(a, b []float32) float32 {
	switch level {
	case levelAVX512:
		return squaredL2AVX512(a, b)
	case levelAVX2:
		return squaredL2AVX2(a, b)
	}
	return squaredL2Generic(a, b)
}

func scale(v []float32, s float32) {
	switch level {
	case levelAVX512:
		scaleAVX512(v, s)
	case levelAVX2:
		scaleAVX2(v, s)
	default:
		scaleGeneric(v, s)
	}
}

func dotBatch(dst, q, rows []float32) {
	switch level {
	case levelAVX512:
		dotBatchAVX512Dispatch(dst, q, rows)
	case levelAVX2:
		dotBatchAVX2(dst, q, rows, streaming(rows))
	default:
		dotBatchGeneric(dst, q, rows)
	}
}

func squaredL2Batch(dst, q, rows []float32) {
	switch level {
	case levelAVX512:
		squaredL2BatchAVX512(dst, q, rows, streaming(rows))
	case levelAVX2:
		squaredL2BatchAVX2(dst, q, rows, streaming(rows))
	default:
		squaredL2BatchGeneric(dst, q, rows)
	}
}

func dotInt8(a, b []int8) int32 {
	if level == levelAVX512 && x86HasVNNI {
		return dotInt8VNNI(a, b)
	}
	if level >= levelAVX2 {
		return dotInt8AVX2(a, b)
	}
	return dotInt8Generic(a, b)
}

func hamming(a, b []uint64) int {
	if level == levelAVX512 && x86HasVPOPCNTDQ {
		return hammingAVX512(a, b)
	}
	if level >= levelAVX2 {
		return hammingPOPCNT(a, b)
	}
	return hammingGeneric(a, b)
}

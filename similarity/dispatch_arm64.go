// This file chooses, once at start-up, which arm64 kernels the exported
// functions call: NEON (with SDOT for int8 at the dotprod level) or
// portable Go, following the module's kernel level (internal/cpu).

//go:build arm64 && !purego

package similarity

import "github.com/ganada/ganada/internal/cpu"

// level is the implementation the exported functions use: cpu.Selected(),
// read once at start-up (tests switch it to run the exported API on every
// level of cpu.Levels()).
var level = cpu.Selected()

// levelName is Implementation's name for a level.
func levelName(l cpu.Level) string {
	switch l {
	case cpu.DotProd:
		return "dotprod"
	case cpu.NEON:
		return "neon"
	}
	return genericKernels.name
}

// Implementation names the kernels in use on this machine: "dotprod",
// "neon" or "generic" (the levels cpu.Name calls dotprod, neon and
// purego).
func Implementation() string { return levelName(level) }

var neonKernels = kernels{
	name:           "neon",
	dot:            dotNEON,
	squaredL2:      squaredL2NEON,
	cosine:         cosineNEONC,
	scale:          scaleNEON,
	dotBatch:       dotBatchNEON,
	squaredL2Batch: squaredL2BatchNEON,
	dotInt8:        dotInt8NEON,
	hamming:        hammingNEON,
}

// dotprodKernels are the NEON kernels with SDOT for int8.
func dotprodKernels() kernels {
	k := neonKernels
	k.name = "dotprod"
	k.dotInt8 = dotInt8SDOT
	return k
}

// cosineNEONC adds the clamped cosine to cosineNEON's three sums, as the
// other implementations return it.
func cosineNEONC(a, b []float32) (ab, aa, bb, c float32) {
	ab, aa, bb = cosineNEON(a, b)
	return ab, aa, bb, clamp1(ab / (sqrt32(aa) * sqrt32(bb)))
}

// available lists the implementation of every level up to the selected
// one, the portable one first.
func available() []kernels {
	var ks []kernels
	for _, l := range cpu.Levels() {
		switch l {
		case cpu.Purego:
			ks = append(ks, genericKernels)
		case cpu.NEON:
			ks = append(ks, neonKernels)
		case cpu.DotProd:
			ks = append(ks, dotprodKernels())
		}
	}
	return ks
}

// The dispatchers below call the kernels directly (not through function
// values) so that arguments do not escape and calls stay cheap.

func dot(a, b []float32) float32 {
	if level >= cpu.NEON {
		return dotNEON(a, b)
	}
	return dotGeneric(a, b)
}

func squaredL2(a, b []float32) float32 {
	if level >= cpu.NEON {
		return squaredL2NEON(a, b)
	}
	return squaredL2Generic(a, b)
}

func scale(v []float32, s float32) {
	if level >= cpu.NEON {
		scaleNEON(v, s)
		return
	}
	scaleGeneric(v, s)
}

func dotBatch(dst, q, rows []float32) {
	if level >= cpu.NEON {
		dotBatchNEON(dst, q, rows)
		return
	}
	dotBatchGeneric(dst, q, rows)
}

func squaredL2Batch(dst, q, rows []float32) {
	if level >= cpu.NEON {
		squaredL2BatchNEON(dst, q, rows)
		return
	}
	squaredL2BatchGeneric(dst, q, rows)
}

func dotInt8(a, b []int8) int32 {
	switch level {
	case cpu.DotProd:
		return dotInt8SDOT(a, b)
	case cpu.NEON:
		return dotInt8NEON(a, b)
	}
	return dotInt8Generic(a, b)
}

func hamming(a, b []uint64) int {
	if level >= cpu.NEON {
		return hammingNEON(a, b)
	}
	return hammingGeneric(a, b)
}

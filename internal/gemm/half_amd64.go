// This file installs the AVX2 conversion of bfloat16 weights into float32
// B panels (half_amd64.s, from gen_half.go) at the AVX2 kernel level.

//go:build amd64 && !purego

package gemm

import "github.com/ganada/ganada/internal/cpu"

//go:noescape
func bf16Panel8AVX2(dst *float32, dstride int, src *uint16, sstride int, groups int)

func init() {
	if cpu.Selected() >= cpu.AVX2 {
		bf16Panel8 = bf16Panel8Vec
	}
}

// bf16Panel8Vec checks the bounds bf16Panel8AVX2 relies on.
func bf16Panel8Vec(dst []float32, nr int, src []uint16, ld, groups int) {
	if groups <= 0 {
		return
	}
	_ = dst[(8*groups-1)*nr+7]
	_ = src[7*ld+8*groups-1]
	bf16Panel8AVX2(&dst[0], 4*nr, &src[0], 2*ld, groups)
}

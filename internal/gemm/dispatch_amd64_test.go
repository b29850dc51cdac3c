// This file checks the per-tuning cache blocking of the amd64 kernel
// families: every tuning's blocking is well formed and computes the right
// products, and the families carry the blocking of the tuning in force
// (GANADA_TUNE; internal/cpu's TestEveryTuning runs this package under
// each).

//go:build amd64 && !purego

package gemm

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/ganada/ganada/internal/cpu"
)

func TestBlockingFollowsTuning(t *testing.T) {
	for _, impl := range []*kernelImpl{avx2Impl, avx512Impl} {
		want := blockingFor(impl.name, cpu.Tune())
		if impl.kc != want.kc || impl.mc != want.mc || impl.nc != want.nc {
			t.Errorf("%s: kc, mc, nc = %d, %d, %d under tuning %s (%s); want %+v", impl.name, impl.kc, impl.mc, impl.nc, cpu.Tune(), cpu.TuneReason(), want)
		}
	}
	t.Logf("tuning %s (%s): avx2 kc=%d mc=%d nc=%d, avx512 kc=%d mc=%d nc=%d", cpu.Tune(), cpu.TuneReason(),
		avx2Impl.kc, avx2Impl.mc, avx2Impl.nc, avx512Impl.kc, avx512Impl.mc, avx512Impl.nc)
}

// TestEveryTuningBlocking runs each tuning's blocking, for each family this
// machine runs, on the encoder's product shapes (k = 384 and 1536, so that
// k blocks of every kc are partial or whole) against the float64
// reference, in this process.
func TestEveryTuningBlocking(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for _, base := range impls {
		if base.direct == nil {
			continue // the pure-Go family has one blocking
		}
		for _, tu := range cpu.Tunings() {
			b := blockingFor(base.name, tu)
			if b.kc <= 0 || b.mc <= 0 || b.mc%base.mr != 0 || b.nc < 0 || b.nc%base.nr != 0 {
				t.Fatalf("%s on %s: blocking %+v is not whole tiles (mr %d, nr %d)", base.name, tu, b, base.mr, base.nr)
			}
			impl := *base
			impl.kc, impl.mc, impl.nc = b.kc, b.mc, b.nc
			for _, sh := range [][3]int{{13, 384, 1536}, {b.mc + 7, 1536, 384}} {
				m, k, n := sh[0], sh[1], sh[2]
				if testing.Short() && k*n*m > 1<<22 {
					m = 7
				}
				a := randMat(r, m*k)
				w := randMat(r, n*k)
				want, mag := refABt(m, n, k, a, k, w, k)
				dst := make([]float32, m*n)
				packWith(&impl, w, n, k).Mul(dst, a, m, Epilogue{})
				check(t, fmt.Sprintf("%s on %s (%+v) m=%d n=%d k=%d", base.name, tu, b, m, n, k), dst, n, want, mag, m, n)
			}
		}
	}
}

// This file tests the row operations against float64 references over
// dense grids and random rows.

package nn

import (
	"math"
	"math/rand"
	"testing"
)

// grid returns n+1 evenly spaced float32 values in [lo, hi].
func grid(lo, hi float64, n int) []float32 {
	g := make([]float32, n+1)
	for i := range g {
		g[i] = float32(lo + (hi-lo)*float64(i)/float64(n))
	}
	return g
}

// denseGrid is grid with 4,000,000 steps, 1,000,000 with -short (the
// arm64 kernels' tests run under emulation in CI).
func denseGrid(lo, hi float64) []float32 {
	if testing.Short() {
		return grid(lo, hi, 1_000_000)
	}
	return grid(lo, hi, 4_000_000)
}

// refs returns f of each x.
func refs(x []float32, f func(float64) float64) []float64 {
	r := make([]float64, len(x))
	for i, v := range x {
		r[i] = f(float64(v))
	}
	return r
}

// kernelSets returns each implementation of the vector kernels to test:
// the pure-Go ones and, on amd64, the assembly ones this machine runs.
type kernelSet struct {
	name        string
	exp, erf    func(dst, x []float32)
	gelu        func(dst, x []float32)
	geluTanh    func(dst, x []float32)
	silu        func(dst, x []float32)
	biasGELU    func(dst, x, bias []float32)
	add         func(dst, a, b []float32)
	expShiftSum func(x []float32, m, scale float32) float32
	rowSum      func(x []float32) float64
	rowSqDev    func(x []float32, mean float64) float64
	rowNorm     func(dst, x, gamma, beta []float32, hi, lo, inv float32)
}

func TestExpAccuracy(t *testing.T) {
	x := grid(-87, 88.3, 2_000_000)
	for _, ks := range kernelSets() {
		got := make([]float32, len(x))
		ks.exp(got, x)
		maxRel := 0.0
		for i, v := range x {
			want := math.Exp(float64(v))
			rel := math.Abs(float64(got[i])-want) / want
			if rel > maxRel {
				maxRel = rel
			}
		}
		t.Logf("%s: Exp max relative error %.3g over [-87, 88.3]", ks.name, maxRel)
		if maxRel > 2e-7 {
			t.Errorf("%s: Exp max relative error %g > 2e-7", ks.name, maxRel)
		}
		special := []float32{float32(math.Inf(-1)), -100, float32(math.Inf(1)), 100, 0}
		want := []float32{0, 0, float32(math.Inf(1)), float32(math.Inf(1)), 1}
		out := make([]float32, len(special))
		ks.exp(out, special)
		for i := range out {
			if out[i] != want[i] {
				t.Errorf("%s: Exp(%v) = %v, want %v", ks.name, special[i], out[i], want[i])
			}
		}
		nan := []float32{float32(math.NaN())}
		ks.exp(nan, nan)
		if nan[0] == nan[0] {
			t.Errorf("%s: Exp(NaN) = %v", ks.name, nan[0])
		}
	}
}

// TestErfAccuracy documents the max abs error of Erf against math.Erf on
// a dense grid of [-6, 6].
func TestErfAccuracy(t *testing.T) {
	x := denseGrid(-6, 6)
	want := refs(x, math.Erf)
	for _, ks := range kernelSets() {
		got := make([]float32, len(x))
		ks.erf(got, x)
		maxAbs, at := 0.0, float32(0)
		for i, v := range x {
			d := math.Abs(float64(got[i]) - want[i])
			if d > maxAbs {
				maxAbs, at = d, v
			}
		}
		t.Logf("%s: Erf max abs error %.3g (at x=%v) over [-6, 6]", ks.name, maxAbs, at)
		if maxAbs > 1.2e-7 {
			t.Errorf("%s: Erf max abs error %g > 1.2e-7 at %v", ks.name, maxAbs, at)
		}
	}
}

func refGELU(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }

func TestGELUAccuracy(t *testing.T) {
	x := denseGrid(-12, 12)
	want := refs(x, refGELU)
	x = append(x, float32(math.Inf(1)), float32(math.Inf(-1)), 1e30, -1e30)
	for _, ks := range kernelSets() {
		got := make([]float32, len(x))
		ks.gelu(got, x)
		maxErr, at := 0.0, float32(0)
		for i, v := range x[:len(x)-4] {
			d := math.Abs(float64(got[i])-want[i]) / math.Max(1, math.Abs(float64(v)))
			if d > maxErr {
				maxErr, at = d, v
			}
		}
		t.Logf("%s: GELU max error %.3g·max(1,|x|) (at x=%v) over [-12, 12]", ks.name, maxErr, at)
		if maxErr > 1.5e-7 {
			t.Errorf("%s: GELU error %g·max(1,|x|) at %v", ks.name, maxErr, at)
		}
		tail := got[len(got)-4:]
		if !math.IsInf(float64(tail[0]), 1) || tail[1] != 0 || tail[2] != 1e30 || tail[3] != 0 {
			t.Errorf("%s: GELU(±Inf, ±1e30) = %v", ks.name, tail)
		}
	}
}

func refGELUTanh(x float64) float64 {
	return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
}

// refSiLU is x·σ(x) in float64.
func refSiLU(x float64) float64 { return x / (1 + math.Exp(-x)) }

// TestGELUTanh checks every kernel set's tanh GELU against float64 tanh
// on a dense grid of [-12, 12].
func TestGELUTanh(t *testing.T) {
	x := denseGrid(-12, 12)
	want := refs(x, refGELUTanh)
	for _, ks := range kernelSets() {
		got := make([]float32, len(x))
		ks.geluTanh(got, x)
		maxErr, at := 0.0, float32(0)
		for i, v := range x {
			d := math.Abs(float64(got[i])-want[i]) / math.Max(1, math.Abs(float64(v)))
			if d > maxErr {
				maxErr, at = d, v
			}
		}
		t.Logf("%s: GELUTanh max error %.3g·max(1,|x|) (at x=%v) over [-12, 12]", ks.name, maxErr, at)
		if maxErr > 2e-7 {
			t.Errorf("%s: GELUTanh error %g·max(1,|x|) at %v", ks.name, maxErr, at)
		}
	}
}

// TestSiLUAccuracy checks every kernel set's SiLU against float64 on a
// dense grid of [-100, 100]: relative error, with an absolute floor for
// x below about -88.4, where e^{-x} overflows float32 and the result is
// -0 (the exact value is under 4e-37 in magnitude there).
func TestSiLUAccuracy(t *testing.T) {
	x := denseGrid(-100, 100)
	want := refs(x, refSiLU)
	for _, ks := range kernelSets() {
		got := make([]float32, len(x))
		ks.silu(got, x)
		maxRel, at := 0.0, float32(0)
		for i, v := range x {
			d := math.Abs(float64(got[i]) - want[i])
			if d > 4e-7*math.Abs(want[i])+4e-37 {
				t.Fatalf("%s: SiLU(%v) = %v, want %v", ks.name, v, got[i], want[i])
			}
			if math.Abs(want[i]) > 1e-30 && d/math.Abs(want[i]) > maxRel {
				maxRel, at = d/math.Abs(want[i]), v
			}
		}
		t.Logf("%s: SiLU max relative error %.3g (at x=%v) over [-100, 100]", ks.name, maxRel, at)
	}
}

func TestReLUAddAddBias(t *testing.T) {
	x := []float32{-1, 0, 2, -3, 4, 5}
	r := make([]float32, 6)
	ReLU(r, x)
	if r[0] != 0 || r[2] != 2 || r[3] != 0 || r[5] != 5 {
		t.Fatalf("ReLU = %v", r)
	}
	rng := rand.New(rand.NewSource(1))
	for n := 0; n < 70; n++ {
		a, b := make([]float32, n), make([]float32, n)
		for i := range a {
			a[i], b[i] = rng.Float32(), rng.Float32()
		}
		s := make([]float32, n)
		Add(s, a, b)
		for i := range s {
			if s[i] != a[i]+b[i] {
				t.Fatalf("Add n=%d wrong at %d", n, i)
			}
		}
		p := make([]float32, n)
		Mul(p, a, b)
		for i := range p {
			if p[i] != a[i]*b[i] {
				t.Fatalf("Mul n=%d wrong at %d", n, i)
			}
		}
	}
	y := []float32{1, 2, 3, 4, 5, 6}
	AddBias(y, []float32{10, 20, 30})
	want := []float32{11, 22, 33, 14, 25, 36}
	for i := range y {
		if y[i] != want[i] {
			t.Fatalf("AddBias = %v", y)
		}
	}
}

func TestLayerNorm(t *testing.T) {
	saved := []any{rowSum, rowSqDev, rowNorm}
	defer func() {
		rowSum = saved[0].(func([]float32) float64)
		rowSqDev = saved[1].(func([]float32, float64) float64)
		rowNorm = saved[2].(func(dst, x, gamma, beta []float32, hi, lo, inv float32))
	}()
	for _, ks := range kernelSets() {
		rowSum, rowSqDev, rowNorm = ks.rowSum, ks.rowSqDev, ks.rowNorm
		t.Run(ks.name, testLayerNorm)
	}
}

func testLayerNorm(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, n := range []int{1, 3, 32, 384, 1000} {
		rows := 3
		x := make([]float32, rows*n)
		for i := range x {
			x[i] = float32(r.NormFloat64()*3 + 100) // large mean: tests the variance's cancellation
		}
		gamma, beta := make([]float32, n), make([]float32, n)
		for i := range gamma {
			gamma[i], beta[i] = float32(1+0.1*r.NormFloat64()), float32(0.1*r.NormFloat64())
		}
		dst := make([]float32, len(x))
		LayerNorm(dst, x, gamma, beta, 1e-12)
		for row := 0; row < rows; row++ {
			xs := x[row*n : row*n+n]
			var mean, v float64
			for _, e := range xs {
				mean += float64(e)
			}
			mean /= float64(n)
			for _, e := range xs {
				v += (float64(e) - mean) * (float64(e) - mean)
			}
			v /= float64(n)
			for j, e := range xs {
				want := (float64(e)-mean)/math.Sqrt(v+1e-12)*float64(gamma[j]) + float64(beta[j])
				if d := math.Abs(float64(dst[row*n+j]) - want); d > 1e-6*math.Max(1, math.Abs(want)) {
					t.Fatalf("n=%d row %d col %d: %v, want %v", n, row, j, dst[row*n+j], want)
				}
			}
		}
	}
	// In place, and eps matters for a constant row.
	x := []float32{5, 5, 5, 5}
	LayerNorm(x, x, []float32{1, 1, 1, 1}, []float32{0, 1, 2, 3}, 1e-5)
	if x[0] != 0 || x[3] != 3 {
		t.Fatalf("constant row: %v", x)
	}
}

func TestSoftmax(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, ks := range kernelSets() {
		saved := expShiftSum
		expShiftSum = ks.expShiftSum
		for n := 1; n < 300; n += 7 {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(r.NormFloat64() * 10)
			}
			if n > 3 {
				x[1] = float32(math.Inf(-1))
			}
			scale := float32(0.17677669) // 1/√32
			want := make([]float64, n)
			m := math.Inf(-1)
			for _, v := range x {
				m = math.Max(m, float64(v))
			}
			var s float64
			for i, v := range x {
				want[i] = math.Exp(float64(scale) * (float64(v) - m))
				s += want[i]
			}
			Softmax(x, scale)
			for i := range x {
				if d := math.Abs(float64(x[i]) - want[i]/s); d > 3e-7 {
					t.Fatalf("%s n=%d: p[%d] = %v, want %v", ks.name, n, i, x[i], want[i]/s)
				}
			}
			if n > 3 && x[1] != 0 {
				t.Fatalf("masked key got %v", x[1])
			}
		}
		expShiftSum = saved
	}
	allMasked := []float32{float32(math.Inf(-1)), float32(math.Inf(-1))}
	Softmax(allMasked, 1)
	if allMasked[0] != 0 || allMasked[1] != 0 {
		t.Fatalf("all-masked row: %v", allMasked)
	}
	Softmax(nil, 1)
}

func TestLengthPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"GELU":    func() { GELU(make([]float32, 2), make([]float32, 3)) },
		"Add":     func() { Add(make([]float32, 2), make([]float32, 2), make([]float32, 3)) },
		"AddBias": func() { AddBias(make([]float32, 5), make([]float32, 2)) },
		"LayerNorm": func() {
			LayerNorm(make([]float32, 5), make([]float32, 5), make([]float32, 2), make([]float32, 2), 1e-5)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestVectorTails checks every kernel set at lengths 0..40 against the
// scalar functions, and that nothing past the end of dst is written.
func TestVectorTails(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for _, ks := range kernelSets() {
		for n := 0; n <= 40; n++ {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(r.NormFloat64() * 4)
			}
			for _, k := range []struct {
				name string
				vec  func(dst, x []float32)
				ref  func(float32) float32
				tol  float64
			}{{"exp", ks.exp, exp32, 3e-7}, {"gelu", ks.gelu, gelu32, 3e-7}} {
				dst := make([]float32, n+3)
				for i := range dst {
					dst[i] = 42
				}
				k.vec(dst[:n], x)
				for i := 0; i < n; i++ {
					want := k.ref(x[i])
					if d := math.Abs(float64(dst[i] - want)); d > k.tol*math.Max(1, math.Abs(float64(want))) {
						t.Fatalf("%s %s n=%d: [%d] = %v, want %v", ks.name, k.name, n, i, dst[i], want)
					}
				}
				if dst[n] != 42 || dst[n+2] != 42 {
					t.Fatalf("%s %s n=%d wrote past the end", ks.name, k.name, n)
				}
			}
			bias := make([]float32, n)
			for i := range bias {
				bias[i] = float32(r.NormFloat64())
			}
			dst := make([]float32, n+3)
			dst[n] = 42
			ks.biasGELU(dst[:n], x, bias)
			for i := 0; i < n; i++ {
				want := gelu32(x[i] + bias[i])
				if d := math.Abs(float64(dst[i] - want)); d > 3e-7*math.Max(1, math.Abs(float64(want))) {
					t.Fatalf("%s biasGELU n=%d: [%d] = %v, want %v", ks.name, n, i, dst[i], want)
				}
			}
			ks.add(dst[:n], x, bias)
			for i := 0; i < n; i++ {
				if dst[i] != x[i]+bias[i] {
					t.Fatalf("%s add n=%d: [%d] = %v, want %v", ks.name, n, i, dst[i], x[i]+bias[i])
				}
			}
			if dst[n] != 42 {
				t.Fatalf("%s biasGELU/add n=%d wrote past the end", ks.name, n)
			}
		}
	}
	for n := 0; n < 200; n++ { // add's 64-wide loop
		a, b := make([]float32, n), make([]float32, n)
		for i := range a {
			a[i], b[i] = float32(i), float32(2*i)
		}
		for _, ks := range kernelSets() {
			ks.add(a, a, b)
			for i := range a {
				if a[i] != float32(3*i) {
					t.Fatalf("%s add n=%d in place: [%d] = %v", ks.name, n, i, a[i])
				}
				a[i] = float32(i)
			}
		}
	}
}

// TestMaxScale checks the softmax helpers (whichever this build uses)
// against the pure-Go ones at every length and position of the maximum.
func TestMaxScale(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for n := 1; n <= 70; n++ {
		for at := 0; at < n; at++ {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(-1000 - r.Float64())
			}
			x[at] = float32(-1 - r.Float64())
			if got, want := maxVec(x), maxGeneric(x); got != want || got != x[at] {
				t.Fatalf("n=%d at=%d: max %v, want %v", n, at, got, want)
			}
		}
		x := make([]float32, n+1)
		for i := range x {
			x[i] = float32(math.Inf(-1))
		}
		if got := maxVec(x[:n]); got != float32(math.Inf(-1)) {
			t.Fatalf("n=%d all -Inf: max %v", n, got)
		}
		for i := range x {
			x[i] = float32(i)
		}
		scaleVec(x[:n], 0.5)
		for i := 0; i < n; i++ {
			if x[i] != float32(i)*0.5 {
				t.Fatalf("n=%d scale: [%d] = %v", n, i, x[i])
			}
		}
		if x[n] != float32(n) {
			t.Fatalf("n=%d scale wrote past the end", n)
		}
	}
}

// TestSoftmaxRows checks SoftmaxRows against the float64 softmax of each
// row and against Softmax, on strided rows of every tail length, with
// masked keys and fully masked rows; the gaps between rows stay untouched.
// TestSoftmaxZeroScale: scale 0 makes every finite row uniform, in every
// kernel set and at every tail length (the AVX2 tail's padding once gave
// e^NaN there, which the transformer's attention test, built with a zero
// scale, passed over).
func TestSoftmaxZeroScale(t *testing.T) {
	for _, ks := range kernelSets() {
		saved := expShiftSum
		expShiftSum = ks.expShiftSum
		for n := 1; n <= 40; n++ {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(i%5) - 2
			}
			Softmax(x, 0)
			for i, v := range x {
				if d := math.Abs(float64(v) - 1/float64(n)); !(d <= 1e-7) {
					t.Fatalf("%s n=%d: p[%d] = %v, want 1/%d", ks.name, n, i, v, n)
				}
			}
		}
		expShiftSum = saved
	}
}

func TestSoftmaxRows(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	inf := float32(math.Inf(-1))
	for _, impl := range []struct {
		name string
		f    func(x []float32, rows, n, ld int, scale float32)
	}{{"exported", SoftmaxRows}, {"go", softmaxRowsGeneric}} {
		for n := 1; n <= 70; n++ {
			rows, ld := 1+n%5, n+n%3
			x := make([]float32, rows*ld)
			for i := range x {
				x[i] = float32(r.NormFloat64() * 8)
			}
			if n > 2 {
				x[1] = inf // a masked key in row 0
			}
			if rows > 2 {
				for j := 0; j < n; j++ {
					x[2*ld+j] = inf // row 2 fully masked
				}
			}
			orig := append([]float32(nil), x...)
			scale := float32(0.17677669)
			impl.f(x, rows, n, ld, scale)
			for row := 0; row < rows; row++ {
				in, got := orig[row*ld:row*ld+n], x[row*ld:row*ld+n]
				one := append([]float32(nil), in...)
				Softmax(one, scale)
				m := math.Inf(-1)
				for _, v := range in {
					m = math.Max(m, float64(v))
				}
				var s float64
				want := make([]float64, n)
				for i, v := range in {
					if !math.IsInf(m, -1) {
						want[i] = math.Exp(float64(scale) * (float64(v) - m))
					}
					s += want[i]
				}
				for i := range got {
					w := 0.0
					if s > 0 {
						w = want[i] / s
					}
					if d := math.Abs(float64(got[i]) - w); d > 3e-7 {
						t.Fatalf("%s n=%d row %d: p[%d] = %v, want %v", impl.name, n, row, i, got[i], w)
					}
					if d := math.Abs(float64(got[i] - one[i])); d > 6e-7*math.Max(float64(one[i]), 1e-3) {
						t.Fatalf("%s n=%d row %d: p[%d] = %v, Softmax gives %v", impl.name, n, row, i, got[i], one[i])
					}
				}
				for i := row*ld + n; i < min((row+1)*ld, len(x)); i++ {
					if x[i] != orig[i] {
						t.Fatalf("%s n=%d: gap element %d changed", impl.name, n, i)
					}
				}
			}
		}
	}
	SoftmaxRows(nil, 0, 5, 5, 1)
	for _, bad := range []func(){
		func() { SoftmaxRows(make([]float32, 10), 2, 6, 5, 1) },
		func() { SoftmaxRows(make([]float32, 10), 2, 5, 6, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic on bad sizes")
				}
			}()
			bad()
		}()
	}
}

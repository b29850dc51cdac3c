// posenc.go holds the position mechanisms that act inside attention
// rather than in the embeddings: MPNet's relative position bias (T5-style
// buckets) and rotary position embeddings (ModernBERT), each precomputed
// once per model as tables over the positions the model allows.

package transformer

import "math"

// relBucket is transformers' MPNetEncoder.relative_position_bucket for one
// relative position rel = key - query (bidirectional: half the buckets
// for each sign, half of those exact, the rest logarithmic up to
// maxDistance). The logarithm is taken in float32 as torch takes it, so
// that the boundaries (distance 16 → bucket 10, 32 → 11, ...) fall where
// the reference puts them.
func relBucket(rel, numBuckets, maxDistance int) int {
	ret := 0
	n := -rel
	nb := numBuckets / 2
	if n < 0 {
		ret += nb
		n = -n
	}
	maxExact := nb / 2
	if n < maxExact {
		return ret + n
	}
	v := float32(math.Log(float64(float32(n) / float32(maxExact))))
	v = v / float32(math.Log(float64(maxDistance)/float64(maxExact))) * float32(nb-maxExact)
	return ret + min(maxExact+int(v), nb-1)
}

// relMaxDistance and relBucketsUsed are MPNet's max_distance and number
// of buckets: fixed in transformers' MPNetEncoder, which calls
// compute_position_bias with its default of 32 buckets whatever
// relative_attention_num_buckets says (that only sizes the table).
const (
	relMaxDistance = 128
	relBucketsUsed = 32
)

// relBiasTable returns, per head, the bias of every relative position
// -(n-1)..n-1 for sequences of up to n tokens: table[hd*(2n-1) + n-1 + d]
// for d = key - query.
func relBiasTable(bias []float32, heads, n int) []float32 {
	width := 2*n - 1
	t := make([]float32, heads*width)
	for d := -(n - 1); d <= n-1; d++ {
		b := relBucket(d, relBucketsUsed, relMaxDistance)
		for hd := 0; hd < heads; hd++ {
			t[hd*width+n-1+d] = bias[b*heads+hd]
		}
	}
	return t
}

// rope is a rotary table: cos and sin of position·θ_i for positions
// 0..n-1 and the dh/2 frequencies θ_i = base^(-2i/dh), rows dh/2 wide.
type rope struct {
	half     int
	cos, sin []float32
}

// newRope computes the table in float32 steps as transformers' default
// rotary embedding does (inv_freq = 1/base^(2i/dh) in float32, freqs =
// position·inv_freq in float32, then cos and sin), so that the angles at
// long positions round as the reference's do.
func newRope(base float64, dh, n int) *rope {
	half := dh / 2
	r := &rope{half: half, cos: make([]float32, n*half), sin: make([]float32, n*half)}
	inv := make([]float32, half)
	for i := range inv {
		e := float32(2*i) / float32(dh)
		inv[i] = 1 / float32(math.Pow(base, float64(e)))
	}
	for p := 0; p < n; p++ {
		for i, f := range inv {
			a := float64(float32(p) * f)
			r.cos[p*half+i] = float32(math.Cos(a))
			r.sin[p*half+i] = float32(math.Sin(a))
		}
	}
	return r
}

// apply rotates n rows of one head (dh = 2·half values each, rows ld
// apart), row t at position t: x' = x·cos + rotate_half(x)·sin, where
// rotate_half(x) = [-x₂, x₁] for x = [x₁, x₂].
func (r *rope) apply(x []float32, n, ld int) {
	h := r.half
	for t := 0; t < n; t++ {
		row := x[t*ld : t*ld+2*h]
		c, s := r.cos[t*h:(t+1)*h], r.sin[t*h:(t+1)*h]
		for i := 0; i < h; i++ {
			a, b := row[i], row[i+h]
			row[i] = a*c[i] - b*s[i]
			row[i+h] = b*c[i] + a*s[i]
		}
	}
}

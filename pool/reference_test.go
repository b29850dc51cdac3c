// This file checks every mode, every combination of modes and prompt
// exclusion against an independent float64 transcription of
// sentence-transformers' Pooling.forward (batch of one text).

package pool

import (
	"errors"
	"math"
	"math/rand"
	"testing"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

// refPool follows Pooling.forward step by step in float64, including its
// in-place write of -1e9 into masked positions when max pooling is on
// (which the CLS view then sees). It returns nil where sentence-transformers
// would produce the degenerate all-masked output.
func refPool(modes Mode, includePrompt bool, h [][]float64, mask []int, promptLen int) []float64 {
	n, dim := len(h), len(h[0])
	tok := make([][]float64, n) // token_embeddings, modified in place below
	for i := range h {
		tok[i] = append([]float64(nil), h[i]...)
	}
	m := make([]float64, n) // attention_mask
	for i := range m {
		m[i] = 1
		if mask != nil && mask[i] == 0 {
			m[i] = 0
		}
	}
	if !includePrompt {
		for i := 0; i < promptLen && i < n; i++ {
			m[i] = 0
		}
	}
	var outs [][]float64
	var cls []float64
	if modes&CLS != 0 {
		cls = tok[0] // a view, as token_embeddings[:, 0] is
		outs = append(outs, nil)
	}
	if modes&Max != 0 {
		for i := range tok {
			if m[i] == 0 {
				for j := range tok[i] {
					tok[i][j] = -1e9
				}
			}
		}
		mx := make([]float64, dim)
		for j := range mx {
			mx[j] = math.Inf(-1)
			for i := range tok {
				mx[j] = math.Max(mx[j], tok[i][j])
			}
		}
		outs = append(outs, mx)
	}
	sumMask := 0.0
	for _, x := range m {
		sumMask += x
	}
	if modes&(Mean|MeanSqrtLen) != 0 {
		sum := make([]float64, dim)
		for i := range tok {
			for j := range sum {
				sum[j] += tok[i][j] * m[i]
			}
		}
		c := math.Max(sumMask, 1e-9)
		if modes&Mean != 0 {
			o := make([]float64, dim)
			for j := range o {
				o[j] = sum[j] / c
			}
			outs = append(outs, o)
		}
		if modes&MeanSqrtLen != 0 {
			o := make([]float64, dim)
			for j := range o {
				o[j] = sum[j] / math.Sqrt(c)
			}
			outs = append(outs, o)
		}
	}
	if modes&WeightedMean != 0 {
		sum := make([]float64, dim)
		wsum := 0.0
		for i := range tok {
			w := m[i] * float64(i+1)
			wsum += w
			for j := range sum {
				sum[j] += tok[i][j] * w
			}
		}
		o := make([]float64, dim)
		for j := range o {
			o[j] = sum[j] / math.Max(wsum, 1e-9)
		}
		outs = append(outs, o)
	}
	if modes&LastToken != 0 {
		// values, indices = attention_mask.flip(1).max(1)
		idx := n - 1 // where(values == 0, seq_len - 1, indices)
		for k := 0; k < n; k++ {
			if m[n-1-k] == 1 {
				idx = k
				break
			}
		}
		g := n - idx - 1
		o := make([]float64, dim)
		for j := range o {
			o[j] = tok[g][j] * m[g]
		}
		outs = append(outs, o)
	}
	if modes&CLS != 0 {
		outs[0] = cls
	}
	if sumMask == 0 && modes != CLS {
		return nil
	}
	var flat []float64
	for _, o := range outs {
		flat = append(flat, o...)
	}
	return flat
}

func TestAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	cases := 0
	for modes := Mode(1); modes <= allModes; modes++ {
		for trial := 0; trial < 40; trial++ {
			n := 1 + r.Intn(20)
			dim := []int{1, 3, 8, 33}[r.Intn(4)]
			h := make([][]float64, n)
			flat := make([]float32, 0, n*dim)
			for i := range h {
				h[i] = make([]float64, dim)
				for j := range h[i] {
					x := float32(r.NormFloat64() * 3)
					h[i][j] = float64(x)
					flat = append(flat, x)
				}
			}
			var mask []int
			switch trial % 4 {
			case 1: // right padding
				mask = make([]int, n)
				for i := 0; i < 1+r.Intn(n); i++ {
					mask[i] = 1
				}
			case 2: // left padding: the first row is masked
				mask = make([]int, n)
				for i := r.Intn(n); i < n; i++ {
					mask[i] = 1 + r.Intn(3) // any nonzero value means real
				}
			case 3: // holes
				mask = make([]int, n)
				for i := range mask {
					mask[i] = r.Intn(2)
				}
			}
			includePrompt := trial%3 != 0
			promptLen := r.Intn(n + 2)
			c := Config{Modes: modes, IncludePrompt: includePrompt}
			want := refPool(modes, includePrompt, h, mask, promptLen)
			got := make([]float32, c.OutDim(dim))
			err := c.Pool(got, flat, mask, dim, promptLen)
			cases++
			if want == nil {
				if !errors.Is(err, errs.ErrInvalidInput) {
					t.Fatalf("%v n=%d mask=%v prompt=%d/%v: err = %v, want ErrInvalidInput", modes, n, mask, promptLen, includePrompt, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%v n=%d mask=%v prompt=%d/%v: %v", modes, n, mask, promptLen, includePrompt, err)
			}
			for j := range want {
				if d := math.Abs(float64(got[j]) - want[j]); d > 1e-5*math.Max(1, math.Abs(want[j])) {
					t.Fatalf("%v n=%d dim=%d mask=%v prompt=%d/%v: out[%d] = %g, want %g", modes, n, dim, mask, promptLen, includePrompt, j, got[j], want[j])
				}
			}
		}
	}
	t.Logf("%d cases over all %d mode combinations", cases, int(allModes))
}

// TestHandChecked pins a few outputs worked out by hand.
func TestHandChecked(t *testing.T) {
	// Three tokens of dimension 2; the third is padding.
	h := []float32{
		1, 4,
		3, -2,
		100, 100,
	}
	mask := []int{1, 1, 0}
	for _, c := range []struct {
		modes Mode
		want  []float32
	}{
		{CLS, []float32{1, 4}},
		{Mean, []float32{2, 1}},
		{Max, []float32{3, 4}},
		{MeanSqrtLen, []float32{4 / float32(math.Sqrt(2)), 2 / float32(math.Sqrt(2))}},
		{WeightedMean, []float32{(1*1 + 2*3) / 3.0, (1*4 + 2*-2) / 3.0}},
		{LastToken, []float32{3, -2}},
		{LastToken | CLS | Mean, []float32{1, 4, 2, 1, 3, -2}},
	} {
		cfg := Config{Modes: c.modes, IncludePrompt: true}
		got := make([]float32, cfg.OutDim(2))
		if err := cfg.Pool(got, h, mask, 2, 0); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if math.Abs(float64(got[i]-c.want[i])) > 1e-6 {
				t.Errorf("%v: got %v, want %v", c.modes, got, c.want)
				break
			}
		}
	}
	// A prompt of one token, excluded: mean of the second row only.
	cfg := Config{Modes: Mean | CLS, IncludePrompt: false}
	got := make([]float32, 4)
	if err := cfg.Pool(got, h, mask, 2, 1); err != nil {
		t.Fatal(err)
	}
	if want := []float32{1, 4, 3, -2}; testutil.MaxAbsDiff(got, want) != 0 {
		t.Errorf("prompt excluded: got %v, want %v", got, want)
	}
	// The same with Max: sentence-transformers' in-place -1e9 reaches CLS.
	cfg.Modes = CLS | Max
	if err := cfg.Pool(got, h, mask, 2, 1); err != nil {
		t.Fatal(err)
	}
	if want := []float32{-1e9, -1e9, 3, -2}; testutil.MaxAbsDiff(got, want) != 0 {
		t.Errorf("CLS|Max with masked first row: got %v, want %v", got, want)
	}
}

func TestMaxPropagatesNaN(t *testing.T) {
	nan := float32(math.NaN())
	h := []float32{1, nan, 2, 5, nan, 0}
	got := make([]float32, 2)
	if err := (Config{Modes: Max, IncludePrompt: true}).Pool(got, h, nil, 2, 0); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(float64(got[0])) || !math.IsNaN(float64(got[1])) {
		t.Errorf("max with NaN = %v, want [NaN NaN]", got)
	}
}

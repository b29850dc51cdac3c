// This file checks Pool's and Config's errors: shapes, empty input,
// invalid configurations; and that dst is untouched on error.

package pool

import (
	"errors"
	"testing"

	"github.com/ganada/ganada/errs"
)

func TestPoolErrors(t *testing.T) {
	h := []float32{1, 2, 3, 4, 5, 6} // 3 tokens × 2
	mean := Config{Modes: Mean, IncludePrompt: true}
	for _, c := range []struct {
		name      string
		cfg       Config
		dst, h    []float32
		mask      []int
		dim, plen int
		want      error
	}{
		{"zero dim", mean, make([]float32, 2), h, nil, 0, 0, errs.ErrInvalidInput},
		{"negative dim", mean, make([]float32, 2), h, nil, -2, 0, errs.ErrInvalidInput},
		{"ragged hidden", mean, make([]float32, 4), h, nil, 4, 0, errs.ErrInvalidInput},
		{"no tokens", mean, make([]float32, 2), nil, nil, 2, 0, errs.ErrInvalidInput},
		{"short mask", mean, make([]float32, 2), h, []int{1, 1}, 2, 0, errs.ErrInvalidInput},
		{"long mask", mean, make([]float32, 2), h, []int{1, 1, 1, 1}, 2, 0, errs.ErrInvalidInput},
		{"short dst", mean, make([]float32, 1), h, nil, 2, 0, errs.ErrInvalidInput},
		{"long dst", mean, make([]float32, 3), h, nil, 2, 0, errs.ErrInvalidInput},
		{"dst for one mode, two configured", Config{Modes: Mean | Max}, make([]float32, 2), h, nil, 2, 0, errs.ErrInvalidInput},
		{"dim differs from config", Config{Modes: Mean, Dim: 3}, make([]float32, 2), h, nil, 2, 0, errs.ErrDimension},
		{"negative prompt", mean, make([]float32, 2), h, nil, 2, -1, errs.ErrInvalidInput},
		{"all masked", mean, make([]float32, 2), h, []int{0, 0, 0}, 2, 0, errs.ErrInvalidInput},
		{"all masked, max", Config{Modes: Max}, make([]float32, 2), h, []int{0, 0, 0}, 2, 0, errs.ErrInvalidInput},
		{"all masked, last token", Config{Modes: LastToken}, make([]float32, 2), h, []int{0, 0, 0}, 2, 0, errs.ErrInvalidInput},
		{"all prompt", Config{Modes: WeightedMean}, make([]float32, 2), h, nil, 2, 3, errs.ErrInvalidInput},
		{"prompt and padding", Config{Modes: MeanSqrtLen}, make([]float32, 2), h, []int{1, 1, 0}, 2, 2, errs.ErrInvalidInput},
		{"CLS with others, all masked", Config{Modes: CLS | Mean}, make([]float32, 4), h, []int{0, 0, 0}, 2, 0, errs.ErrInvalidInput},
		{"no mode", Config{}, make([]float32, 2), h, nil, 2, 0, errs.ErrInvalidInput},
		{"unknown mode bit", Config{Modes: 1 << 7}, make([]float32, 2), h, nil, 2, 0, errs.ErrInvalidInput},
		{"negative config dim", Config{Modes: Mean, Dim: -1}, make([]float32, 2), h, nil, 2, 0, errs.ErrInvalidInput},
	} {
		for i := range c.dst {
			c.dst[i] = 42
		}
		err := c.cfg.Pool(c.dst, c.h, c.mask, c.dim, c.plen)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
		for _, x := range c.dst {
			if x != 42 {
				t.Errorf("%s: dst modified on error", c.name)
				break
			}
		}
	}
}

// TestCLSAloneIgnoresMask: sentence-transformers takes the first row for
// CLS whatever the mask, so CLS alone never reports "no unmasked tokens".
func TestCLSAloneIgnoresMask(t *testing.T) {
	h := []float32{7, 8, 9, 10}
	got := make([]float32, 2)
	if err := (Config{Modes: CLS}).Pool(got, h, []int{0, 0}, 2, 0); err != nil {
		t.Fatal(err)
	}
	if got[0] != 7 || got[1] != 8 {
		t.Errorf("CLS = %v, want [7 8]", got)
	}
	if err := (Config{Modes: CLS, IncludePrompt: false}).Pool(got, h, nil, 2, 2); err != nil {
		t.Fatal(err)
	}
}

func TestPromptIgnoredWhenIncluded(t *testing.T) {
	h := []float32{1, 3}
	got := make([]float32, 1)
	if err := (Config{Modes: Mean, IncludePrompt: true}).Pool(got, h, nil, 1, 1); err != nil {
		t.Fatal(err)
	}
	if got[0] != 2 {
		t.Errorf("mean with included prompt = %g, want 2", got[0])
	}
}

func TestModeString(t *testing.T) {
	for _, c := range []struct {
		m    Mode
		want string
	}{
		{0, "none"},
		{Mean, "mean"},
		{Mean | CLS | Max, "cls+max+mean"},
		{LastToken | WeightedMean | MeanSqrtLen, "mean_sqrt_len_tokens+weightedmean+lasttoken"},
		{Mean | 1<<7, "mean+0x80"},
	} {
		if got := c.m.String(); got != c.want {
			t.Errorf("%d: String = %q, want %q", c.m, got, c.want)
		}
		if c.m != 0 && c.m&^allModes == 0 {
			back, err := ParseMode(c.want)
			if err != nil || back != c.m {
				t.Errorf("ParseMode(%q) = %v, %v", c.want, back, err)
			}
		}
	}
	if _, err := ParseMode("median"); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("ParseMode(median) error = %v", err)
	}
	if m, err := ParseMode("LastToken"); err != nil || m != LastToken {
		t.Errorf("ParseMode is not case-insensitive: %v, %v", m, err)
	}
}

func TestOutDim(t *testing.T) {
	if got := (Config{Modes: CLS | Mean | Max}).OutDim(384); got != 3*384 {
		t.Errorf("OutDim = %d", got)
	}
	if got := (Config{Modes: allModes}).OutDim(10); got != 60 {
		t.Errorf("OutDim(all) = %d", got)
	}
}

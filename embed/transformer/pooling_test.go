// pooling_test.go checks WithPooling and WithBERTPooler against the
// goldens' last hidden states, the pooler from the equations in float64.

package transformer

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
	"github.com/ganada/ganada/pool"
)

// floats decodes a raw F32 tensor.
func floats(t *testing.T, r rawTensor) []float64 {
	t.Helper()
	if r.dtype != "F32" {
		t.Fatalf("dtype %s", r.dtype)
	}
	out := make([]float64, len(r.data)/4)
	for i := range out {
		out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(r.data[4*i:])))
	}
	return out
}

func unit(v []float64) []float32 {
	var ss float64
	for _, x := range v {
		ss += x * x
	}
	n := math.Max(math.Sqrt(ss), 1e-12)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x / n)
	}
	return out
}

// TestWithPooling: CLS pooling of a plain Hugging Face folder (no
// modules.json, which would get mean) and in place of a folder's 1_Pooling
// module (then its Normalize still runs) gives the golden's first hidden
// row; several modes concatenate.
func TestWithPooling(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	h := g.HiddenSize
	plain := copyDir(t, g.dir)
	for _, f := range []string{"modules.json", "sentence_bert_config.json", "1_Pooling/config.json", "1_Pooling"} {
		os.Remove(filepath.Join(plain, f))
	}
	texts := goldenTexts(g)
	for _, tc := range []struct {
		dir       string
		normalize bool
	}{{plain, false}, {g.dir, true}} {
		m := mustLoad(t, tc.dir, WithMaxSeqLength(128), WithPooling(pool.CLS))
		got := mustEncode(t, m, texts)
		for i, it := range g.Items {
			want := make([]float64, h)
			for j := range want {
				want[j] = float64(it.hidden[j])
			}
			w := unit(want)
			if !tc.normalize {
				w = it.hidden[:h]
			}
			if d := testutil.MaxAbsDiff(got[i], w); d > 1e-4 {
				t.Fatalf("%s item %d: CLS vector differs from the golden's first row by %g", tc.dir, i, d)
			}
		}
	}
	m := mustLoad(t, plain, WithMaxSeqLength(128), WithPooling(pool.CLS|pool.Mean))
	if m.Dim() != 2*h {
		t.Fatalf("CLS|Mean: Dim %d, want %d", m.Dim(), 2*h)
	}
	got := mustEncode(t, m, texts[:3])
	for i, it := range g.Items[:3] {
		if d := testutil.MaxAbsDiff(got[i][:h], it.hidden[:h]); d > 1e-4 {
			t.Errorf("item %d: CLS part differs by %g", i, d)
		}
		if d := testutil.MaxAbsDiff(got[i][h:], it.pooled); d > 1e-4 {
			t.Errorf("item %d: mean part differs by %g", i, d)
		}
	}
}

// TestBERTPooler compares WithBERTPooler with tanh(W·h[CLS] + b) computed
// in float64 from the golden's first hidden row and the checkpoint's
// pooler.dense tensors, normalised as the folder's Normalize module does.
func TestBERTPooler(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	h := g.HiddenSize
	ts := readTensors(t, filepath.Join(g.dir, "model.safetensors"))
	w, b := floats(t, ts["pooler.dense.weight"]), floats(t, ts["pooler.dense.bias"])
	m := mustLoad(t, g.dir, WithBERTPooler())
	got := mustEncode(t, m, goldenTexts(g))
	worst := 0.0
	for i, it := range g.Items {
		want := make([]float64, h)
		for o := range want {
			s := b[o]
			for k := 0; k < h; k++ {
				s += w[o*h+k] * float64(it.hidden[k])
			}
			want[o] = math.Tanh(s)
		}
		d := testutil.MaxAbsDiff(got[i], unit(want))
		if d > 1e-4 {
			t.Errorf("item %d: pooler output differs by %g", i, d)
		}
		worst = math.Max(worst, d)
	}
	t.Logf("pooler output max abs diff %.3g", worst)

	// Errors: no pooler in the checkpoint, a family without one, and the
	// two options together.
	dir := copyDir(t, g.dir)
	delete(ts, "pooler.dense.bias")
	writeTensors(t, filepath.Join(dir, "model.safetensors"), ts)
	if _, err := Load(context.Background(), dir, WithBERTPooler()); !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), "pooler.dense.bias") {
		t.Errorf("no pooler.dense.bias: %v", err)
	}
	if d := modelDir(t, "tiny-distilbert"); d != "" {
		if _, err := Load(context.Background(), d, WithBERTPooler()); !errors.Is(err, errs.ErrUnsupported) || !strings.Contains(err.Error(), "distilbert") {
			t.Errorf("distilbert WithBERTPooler: %v", err)
		}
	}
	for _, opts := range [][]Option{{WithPooling(0)}, {WithPooling(1 << 7)}, {WithPooling(pool.Mean), WithBERTPooler()}, {WithBERTPooler(), WithPooling(pool.CLS)}} {
		if _, err := Load(context.Background(), g.dir, opts...); !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), "With") {
			t.Errorf("options %d: %v", len(opts), err)
		}
	}
}

// TestPoolingOverrideInIdentity: options that change the vectors without
// changing the files change the identity, so that a Collection refuses to
// mix them.
func TestPoolingOverrideInIdentity(t *testing.T) {
	dir := filepath.Join("testdata", "tiny-bert")
	plain := mustLoad(t, dir).Identity()
	cls := mustLoad(t, dir, WithPooling(pool.CLS)).Identity()
	pooler := mustLoad(t, dir, WithBERTPooler()).Identity()
	if plain == cls || plain == pooler || cls == pooler || plain.Revision != cls.Revision {
		t.Errorf("identities: plain %+v, CLS %+v, pooler %+v", plain, cls, pooler)
	}
}

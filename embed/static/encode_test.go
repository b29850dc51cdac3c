// Tests for sentence encoding: means, SIF weights, common component
// removal, normalisation and unknown texts, against float64 references.

package static

import (
	"context"
	"errors"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
)

// randomModel builds n words w0..w{n-1} with random vectors.
func randomModel(t testing.TB, n, dim int, seed int64, opts ...Option) (*Model, [][]float64) {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	words := make([]string, n)
	flat := make([]float32, n*dim)
	ref := make([][]float64, n)
	for i := range words {
		words[i] = "w" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
		ref[i] = make([]float64, dim)
		for j := 0; j < dim; j++ {
			x := float32(r.NormFloat64())
			flat[i*dim+j] = x
			ref[i][j] = float64(x)
		}
	}
	m, err := New(words, flat, dim, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m, ref
}

func closeTo(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d want %d", what, len(got), len(want))
	}
	for j := range got {
		if math.Abs(float64(got[j])-want[j]) > tol {
			t.Fatalf("%s: [%d] = %v, want %v", what, j, got[j], want[j])
		}
	}
}

// refSentence is the float64 reference: Σ c(w)v(w)/n, minus projections,
// optionally normalised.
func refSentence(rows []int, ref [][]float64, c func(rank int) float64, comps [][]float64, norm bool) []float64 {
	d := len(ref[0])
	v := make([]float64, d)
	for _, r := range rows {
		for j := range v {
			v[j] += c(r+1) * ref[r][j]
		}
	}
	for j := range v {
		v[j] /= float64(len(rows))
	}
	for _, u := range comps {
		var p, uu float64
		for j := range v {
			p += u[j] * v[j]
			uu += u[j] * u[j]
		}
		for j := range v {
			v[j] -= p / uu * u[j]
		}
	}
	if norm {
		var s float64
		for _, x := range v {
			s += x * x
		}
		for j := range v {
			v[j] /= math.Sqrt(s)
		}
	}
	return v
}

func TestEncodeMean(t *testing.T) {
	m, ref := randomModel(t, 50, 8, 1)
	words := m.Words()
	text := words[3] + " " + words[7] + ", unknownword " + strings.ToUpper(words[3]) + "!"
	vecs, infos, err := m.EncodeDetailed(context.Background(), []string{text, "", "nothing known"})
	if err != nil {
		t.Fatal(err)
	}
	one := func(int) float64 { return 1 }
	closeTo(t, "mean", vecs[0], refSentence([]int{3, 7, 3}, ref, one, nil, false), 1e-6)
	if infos[0] != (TextInfo{Words: 4, Known: 3}) {
		t.Fatalf("info %+v", infos[0])
	}
	for i := 1; i < 3; i++ {
		if infos[i].Known != 0 {
			t.Fatalf("info %d %+v", i, infos[i])
		}
		for _, x := range vecs[i] {
			if x != 0 {
				t.Fatalf("unknown text %d: %v", i, vecs[i])
			}
		}
	}
	if infos[2].Words != 2 {
		t.Fatalf("words %d", infos[2].Words)
	}
	if m.Dim() != len(vecs[0]) {
		t.Fatal("dim")
	}
}

func TestEncodeSIFAndComponentsAndNormalize(t *testing.T) {
	const n, N, a = 40, 1000, 3e-3
	m, ref := randomModel(t, n, 6, 2, WithSIF(a), WithVocabularySize(N), WithNormalize(true))
	var H float64
	for i := 1; i <= N; i++ {
		H += 1 / float64(i)
	}
	sif := func(rank int) float64 { return a / (a + 1/(float64(rank)*H)) }
	words := m.Words()
	if w, ok := m.SIFWeight(words[4]); !ok || math.Abs(float64(w)-sif(5)) > 1e-7 {
		t.Fatalf("SIFWeight %v want %v", w, sif(5))
	}
	comps := [][]float64{{1, 2, 0, 0, -1, 0.5}, {0, 1, 1, 0, 0, 0}}
	var cs [][]float32
	for _, c := range comps {
		f := make([]float32, len(c))
		for j, x := range c {
			f[j] = float32(x)
		}
		cs = append(cs, f)
	}
	pm, err := m.With(WithCommonComponents(cs...))
	if err != nil {
		t.Fatal(err)
	}
	text := words[0] + " " + words[10] + " " + words[39] + " " + words[0]
	vecs, err := pm.Encode(context.Background(), []string{text})
	if err != nil {
		t.Fatal(err)
	}
	// Reference: orthonormalise the components in float64 first.
	u1 := comps[0]
	u2 := append([]float64(nil), comps[1]...)
	var p, uu float64
	for j := range u2 {
		p += u1[j] * u2[j]
		uu += u1[j] * u1[j]
	}
	for j := range u2 {
		u2[j] -= p / uu * u1[j]
	}
	want := refSentence([]int{0, 10, 39, 0}, ref, sif, [][]float64{u1, u2}, true)
	closeTo(t, "sif+pc+norm", vecs[0], want, 1e-5)
	// The original model is unchanged by With.
	v0, _ := m.Encode(context.Background(), []string{text})
	closeTo(t, "sif+norm", v0[0], refSentence([]int{0, 10, 39, 0}, ref, sif, nil, true), 1e-5)
	// Plain mean after WithoutSIF.
	pl, _ := m.With(WithoutSIF(), WithNormalize(false))
	v1, _ := pl.Encode(context.Background(), []string{text})
	closeTo(t, "plain", v1[0], refSentence([]int{0, 10, 39, 0}, ref, func(int) float64 { return 1 }, nil, false), 1e-5)
	if _, ok := pl.SIFWeight(words[0]); ok {
		t.Fatal("SIF weight without SIF")
	}
}

func TestEncodeErrors(t *testing.T) {
	m, _ := randomModel(t, 5, 3, 3)
	ctx := context.Background()
	if _, err := m.Encode(ctx, []string{"ok", "bad\xffutf8"}); !errors.Is(err, errs.ErrInvalidInput) || !strings.Contains(err.Error(), "text 1") {
		t.Fatalf("invalid utf8: %v", err)
	}
	strict, _ := m.With(WithErrorOnNoKnownTokens(true))
	if _, err := strict.Encode(ctx, []string{m.Words()[0], "zzz"}); !errors.Is(err, errs.ErrNoKnownTokens) || !strings.Contains(err.Error(), "text 1") {
		t.Fatalf("strict: %v", err)
	}
	if _, _, err := strict.EncodeDetailed(ctx, []string{"zzz"}); err != nil {
		t.Fatalf("EncodeDetailed strict: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.Encode(cctx, []string{"a"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	out, err := m.Encode(ctx, nil)
	if err != nil || len(out) != 0 {
		t.Fatalf("empty batch: %v %v", out, err)
	}
	for _, o := range []Option{WithSIF(-1), WithSIF(math.NaN()), WithVocabularySize(2), WithCommonComponents([]float32{1, 2}), WithCommonComponents([]float32{0, 0, 0}), WithCommonComponents([]float32{1, 0, 0}, []float32{2, 0, 0}), WithCommonComponents([]float32{float32(math.Inf(1)), 0, 0}), WithMaxWords(-1), WithMaxTokens(-1)} {
		if _, err := m.With(o); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("option accepted: %v", err)
		}
	}
	if _, err := New([]string{"a", "a"}, []float32{1, 2}, 1); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("duplicate New: %v", err)
	}
	if _, err := New([]string{"a"}, []float32{float32(math.NaN())}, 1); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("NaN New: %v", err)
	}
	if _, err := New([]string{"a"}, []float32{1, 2}, 1); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("length New: %v", err)
	}
}

func TestMaxTokens(t *testing.T) {
	m, ref := randomModel(t, 10, 4, 4, WithMaxTokens(2))
	w := m.Words()
	v, infos, _ := m.EncodeDetailed(context.Background(), []string{"zz " + w[1] + " " + w[2] + " " + w[3]})
	closeTo(t, "maxtok", v[0], refSentence([]int{1, 2}, ref, func(int) float64 { return 1 }, nil, false), 1e-6)
	if infos[0].Known != 2 {
		t.Fatalf("known %d", infos[0].Known)
	}
}

func TestIdentity(t *testing.T) {
	m, _ := randomModel(t, 10, 4, 5, WithName("rand"))
	id := m.Identity()
	if id.Model != "rand" || id.Dim != 4 || id.Normalized || !strings.HasPrefix(id.Revision, "sha256:") {
		t.Fatalf("%+v", id)
	}
	other, _ := randomModel(t, 10, 4, 6, WithName("rand"))
	if other.Identity() == id {
		t.Fatal("different vectors, same identity")
	}
	seen := map[embed.Identity]bool{id: true}
	for _, o := range [][]Option{{WithSIF(0)}, {WithSIF(0.01)}, {WithNormalize(true)}, {WithLowercase(true)}, {WithCommonComponents([]float32{1, 0, 0, 0})}, {WithMaxTokens(5)}} {
		d, err := m.With(o...)
		if err != nil {
			t.Fatal(err)
		}
		if seen[d.Identity()] {
			t.Fatalf("identity did not change: %+v", d.Identity())
		}
		seen[d.Identity()] = true
	}
	same, _ := randomModel(t, 10, 4, 5, WithName("rand"))
	if same.Identity() != id {
		t.Fatal("same content, different identity")
	}
}

func TestConcurrentEncode(t *testing.T) {
	m, _ := randomModel(t, 100, 16, 7, WithSIF(0), WithNormalize(true))
	w := m.Words()
	texts := []string{w[1] + " " + w[2], w[50], "zz " + w[99]}
	want, _ := m.Encode(context.Background(), texts)
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for k := 0; k < 50; k++ {
				got, err := m.Encode(context.Background(), texts)
				if err != nil {
					done <- err
					return
				}
				for i := range got {
					for j := range got[i] {
						if got[i][j] != want[i][j] {
							done <- errors.New("result differs")
							return
						}
					}
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

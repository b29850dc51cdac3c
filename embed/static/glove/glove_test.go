// Tests for the embedded model: it loads, has the documented shape and
// settings, its vectors match the source data's values within the int8
// quantisation error, and corrupt data is rejected.

package glove

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/ganada/ganada/embed/static"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/similarity"
)

func TestLoad(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != 100000 || m.Dim() != 100 || m.Precision() != static.Int8 {
		t.Fatalf("%d words × %d, %v", m.Len(), m.Dim(), m.Precision())
	}
	id := m.Identity()
	if id.Model != Default || !id.Normalized || id.Dim != 100 {
		t.Fatalf("identity %+v", id)
	}
	words := m.Words()
	if words[0] != "the" || words[1] != "," || words[2] != "." {
		t.Fatalf("first words %q", words[:3])
	}
	// "the" in glove.6B.100d (and the npm package's JSON) starts
	// -0.038194 -0.24487 0.72812 -0.39961; int8 error ≤ max|x|/254.
	v, ok := m.Vector("the")
	if !ok {
		t.Fatal("no 'the'")
	}
	var mx float64
	for _, x := range v {
		mx = math.Max(mx, math.Abs(float64(x)))
	}
	for j, want := range []float64{-0.038194, -0.24487, 0.72812, -0.39961} {
		if math.Abs(float64(v[j])-want) > mx/254+1e-6 {
			t.Fatalf("the[%d] = %v, want %v", j, v[j], want)
		}
	}
	plain, err := Load(static.WithoutSIF())
	if err != nil || plain.Identity() == id {
		t.Fatalf("WithoutSIF: %v", err)
	}
	again, _ := Load()
	if again != m {
		t.Fatal("Load without options should share the model")
	}
}

func TestSemantics(t *testing.T) {
	m, _ := Load()
	ctx := context.Background()
	vecs, err := m.Encode(ctx, []string{
		"A man is playing a guitar.",
		"Someone plays the guitar.",
		"The stock market fell sharply today.",
		"한국어 문장",
	})
	if err != nil {
		t.Fatal(err)
	}
	near := similarity.Cosine(vecs[0], vecs[1])
	far := similarity.Cosine(vecs[0], vecs[2])
	if !(near > far+0.2) {
		t.Fatalf("paraphrase %.3f, unrelated %.3f", near, far)
	}
	if math.Abs(float64(similarity.Norm(vecs[0]))-1) > 1e-5 {
		t.Fatalf("not normalised: %v", similarity.Norm(vecs[0]))
	}
	if similarity.Norm(vecs[3]) != 0 {
		t.Fatal("Korean text should have no known word")
	}
	strict, _ := Load(static.WithErrorOnNoKnownTokens(true))
	if _, err := strict.Encode(ctx, []string{"한국어 문장"}); !errors.Is(err, errs.ErrNoKnownTokens) {
		t.Fatalf("strict: %v", err)
	}
}

func TestCorruptData(t *testing.T) {
	bad := append([]byte(nil), data...)
	bad[len(bad)/2] ^= 1
	if _, err := static.ReadCompactBytes(bad); !errors.Is(err, errs.ErrCorrupt) {
		t.Fatalf("corrupt embedded data: %v", err)
	}
}

// BenchmarkLoad measures parsing the embedded data (checksum, content
// hash, vocabulary map), which Load does once per process.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := static.ReadCompactBytes(data, static.WithLowercase(true), static.WithSIF(0), static.WithNormalize(true)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeSentence(b *testing.B) {
	m, _ := Load()
	texts := []string{"A man is playing a guitar on the stage while the crowd cheers."}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		m.Encode(ctx, texts)
	}
}

// persist_test.go checks WriteTo/ReadFrom: a round trip keeps every
// vector and every search result, damaged input is errs.ErrCorrupt and
// leaves the index unchanged, and FuzzReadFrom never panics.

package sparse

import (
	"bytes"
	"context"
	"errors"
	"math/rand"
	"reflect"
	"testing"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
)

func filled(t testing.TB, n int) *Index {
	x := New()
	r := rand.New(rand.NewSource(56))
	for d := 0; d < n; d++ {
		if err := x.Add(context.Background(), uint64(d*3), randVec(r, 300, 1+r.Intn(20))); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

func TestPersistRoundTrip(t *testing.T) {
	x := filled(t, 200)
	x.Delete(3)
	var buf bytes.Buffer
	n, err := x.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo: %d, %v (buffer %d)", n, err, buf.Len())
	}
	buf.WriteString("trailing")
	y := New()
	if m, err := y.ReadFrom(&buf); err != nil || m != n {
		t.Fatalf("ReadFrom: %d, %v, want %d", m, err, n)
	}
	if buf.String() != "trailing" {
		t.Fatal("ReadFrom read past the end")
	}
	if y.Len() != x.Len() || y.Contains(3) || !y.Contains(6) {
		t.Fatalf("Len %d, want %d", y.Len(), x.Len())
	}
	for _, d := range x.IDs() {
		a, _ := x.Vector(d)
		b, ok := y.Vector(d)
		if !ok || !reflect.DeepEqual(a, b) {
			t.Fatalf("document %d: %v, want %v", d, b, a)
		}
	}
	r := rand.New(rand.NewSource(99))
	for i := 0; i < 20; i++ {
		q := randVec(r, 300, 5)
		a, _ := x.Search(context.Background(), q, 10, nil)
		b, _ := y.Search(context.Background(), q, 10, nil)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("search after reading: %v, want %v", b, a)
		}
	}
}

func TestPersistCorrupt(t *testing.T) {
	x := filled(t, 20)
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	y := New()
	if err := y.Add(context.Background(), 1, embed.SparseVector{IDs: []int{7}, Weights: []float32{1}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(good); i += 7 {
		b := bytes.Clone(good)
		b[i] ^= 0x5a
		if _, err := y.ReadFrom(bytes.NewReader(b)); err == nil {
			continue // a flipped bit the format does not notice cannot be: every byte is checksummed
		} else if !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
		if y.Len() != 1 || !y.Contains(1) {
			t.Fatal("a failed ReadFrom changed the index")
		}
	}
	for _, n := range []int{0, 5, 20, len(good) - 1} {
		if _, err := y.ReadFrom(bytes.NewReader(good[:n])); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("truncated at %d: %v", n, err)
		}
	}
}

func FuzzReadFrom(f *testing.F) {
	for _, n := range []int{0, 1, 5} {
		var buf bytes.Buffer
		if _, err := filled(f, n).WriteTo(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x := New()
		if _, err := x.ReadFrom(bytes.NewReader(b)); err != nil {
			if !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) {
				t.Fatalf("error wraps neither ErrCorrupt nor ErrUnsupported: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if _, err := x.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		for _, d := range x.IDs() {
			v, _ := x.Vector(d)
			if _, err := x.Search(context.Background(), v, 3, nil); err != nil && len(v.IDs) > 0 {
				t.Fatal(err)
			}
		}
	})
}

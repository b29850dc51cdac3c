// multivec_test.go checks the store: MaxSim against a float64 reference,
// replacement and deletion, invalid input, a WriteTo/ReadFrom round trip,
// damaged input (errs.ErrCorrupt, store unchanged), concurrent use under
// -race, and FuzzReadFrom.

package multivec

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/ganada/ganada/errs"
)

var ctx = context.Background()

func randVecs(r *rand.Rand, n, dim int) [][]float32 {
	out := make([][]float32, n)
	for i := range out {
		out[i] = make([]float32, dim)
		for j := range out[i] {
			out[i][j] = float32(r.NormFloat64())
		}
	}
	return out
}

func refMaxSim(q, d [][]float32) float64 {
	if len(q) == 0 || len(d) == 0 {
		return 0
	}
	var sum float64
	for _, qv := range q {
		best := math.Inf(-1)
		for _, dv := range d {
			var s float64
			for k := range qv {
				s += float64(qv[k]) * float64(dv[k])
			}
			best = max(best, s)
		}
		sum += best
	}
	return sum / float64(len(q))
}

func filled(t testing.TB, n, dim int) (*Store, map[uint64][][]float32) {
	s, err := New(dim)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	docs := map[uint64][][]float32{}
	for d := 0; d < n; d++ {
		v := randVecs(r, r.IntN(12), dim)
		docs[uint64(d*2)] = v
		if err := s.Add(ctx, uint64(d*2), v); err != nil {
			t.Fatal(err)
		}
	}
	return s, docs
}

func TestMaxSim(t *testing.T) {
	s, docs := filled(t, 50, 16)
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20; i++ {
		q := randVecs(r, 1+r.IntN(8), 16)
		for d, v := range docs {
			got, ok, err := s.MaxSim(q, d)
			if err != nil || !ok {
				t.Fatal(ok, err)
			}
			if want := refMaxSim(q, v); math.Abs(float64(got)-want) > 1e-4*max(1, math.Abs(want)) {
				t.Fatalf("doc %d: %g, reference %g", d, got, want)
			}
		}
	}
	if _, ok, _ := s.MaxSim(randVecs(r, 2, 16), 1); ok {
		t.Fatal("MaxSim of an absent document reported it stored")
	}
	if _, _, err := s.MaxSim(randVecs(r, 2, 15), 0); !errors.Is(err, errs.ErrDimension) {
		t.Fatalf("query of width 15: %v", err)
	}
	// Replace and delete.
	nv := randVecs(r, 3, 16)
	if err := s.Add(ctx, 0, nv); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Vectors(0); !reflect.DeepEqual(got, nv) {
		t.Fatal("replacement not stored")
	}
	if !s.Delete(0) || s.Delete(0) || s.Contains(0) {
		t.Fatal("Delete")
	}
}

func TestInvalid(t *testing.T) {
	for _, dim := range []int{0, -1, MaxDim + 1} {
		if _, err := New(dim); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("New(%d): %v", dim, err)
		}
	}
	s, _ := New(2)
	if err := s.Add(ctx, 1, [][]float32{{1, 2}, {3}}); !errors.Is(err, errs.ErrDimension) {
		t.Errorf("short vector: %v", err)
	}
	if err := s.Add(ctx, 1, [][]float32{{1, float32(math.NaN())}}); !errors.Is(err, errs.ErrNonFinite) {
		t.Errorf("NaN: %v", err)
	}
	if s.Len() != 0 {
		t.Error("an invalid Add stored something")
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Add(done, 1, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Add: %v", err)
	}
}

func TestPersist(t *testing.T) {
	s, docs := filled(t, 40, 8)
	var buf bytes.Buffer
	n, err := s.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatal(n, err)
	}
	buf.WriteString("x")
	y, _ := New(3)
	if m, err := y.ReadFrom(&buf); err != nil || m != n || buf.String() != "x" {
		t.Fatalf("ReadFrom: %d %v, rest %q", m, err, buf.String())
	}
	if y.Dim() != 8 || y.Len() != len(docs) {
		t.Fatalf("dim %d len %d", y.Dim(), y.Len())
	}
	for d, v := range docs {
		got, ok := y.Vectors(d)
		if !ok || len(got) != len(v) || (len(v) > 0 && !reflect.DeepEqual(got, v)) {
			t.Fatalf("doc %d differs", d)
		}
	}
	buf.Reset()
	s.WriteTo(&buf)
	good := buf.Bytes()
	for i := 0; i < len(good); i += 13 {
		b := bytes.Clone(good)
		b[i] ^= 0x21
		z, _ := New(3)
		if _, err := z.ReadFrom(bytes.NewReader(b)); err != nil && !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) {
			t.Fatalf("byte %d: %v", i, err)
		} else if err != nil && (z.Len() != 0 || z.Dim() != 3) {
			t.Fatal("a failed ReadFrom changed the store")
		}
	}
	z, _ := New(3)
	if _, err := z.ReadFrom(bytes.NewReader(good[:len(good)-3])); !errors.Is(err, errs.ErrCorrupt) {
		t.Fatalf("truncated: %v", err)
	}
}

func TestConcurrent(t *testing.T) {
	s, _ := New(8)
	n := 20000
	if testing.Short() {
		n = 2000
	}
	stop := make(chan struct{})
	var burner sync.WaitGroup
	burner.Add(1)
	go func() { // CPU burner
		defer burner.Done()
		x := 0
		for {
			select {
			case <-stop:
				return
			default:
				for i := 0; i < 1e5; i++ {
					x += i
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for i := 0; i < n; i++ {
				d := uint64(r.IntN(50))
				switch r.IntN(3) {
				case 0:
					if err := s.Add(ctx, d, randVecs(r, 1+r.IntN(4), 8)); err != nil {
						t.Error(err)
						return
					}
				case 1:
					s.Delete(d)
				default:
					if _, _, err := s.MaxSim(randVecs(r, 2, 8), d); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}(g)
	}
	wg.Add(1)
	go func() { // a writer of snapshots, each readable
		defer wg.Done()
		for i := 0; i < 20; i++ {
			var buf bytes.Buffer
			if _, err := s.WriteTo(&buf); err != nil {
				t.Error(err)
			}
			y, _ := New(1)
			if _, err := y.ReadFrom(&buf); err != nil {
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	close(stop)
	burner.Wait()
}

func FuzzReadFrom(f *testing.F) {
	for _, n := range []int{0, 1, 4} {
		s, _ := filled(f, n, 3)
		var buf bytes.Buffer
		if _, err := s.WriteTo(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, _ := New(1)
		if _, err := s.ReadFrom(bytes.NewReader(b)); err != nil {
			if !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) {
				t.Fatalf("error wraps neither ErrCorrupt nor ErrUnsupported: %v", err)
			}
			return
		}
		q := [][]float32{make([]float32, s.Dim())}
		for _, d := range s.IDs() {
			if _, _, err := s.MaxSim(q, d); err != nil {
				t.Fatal(err)
			}
		}
	})
}

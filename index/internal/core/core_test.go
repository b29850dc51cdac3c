// This file tests the shared helpers: TopK against a sort, Prepare and
// Check, and CheckCapacity.

package core

import (
	"errors"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

func TestTopKMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for trial := 0; trial < 200; trial++ {
		n, k := r.IntN(100), 1+r.IntN(20)
		all := make([]index.Result, n)
		top := NewTopK(k)
		for i := range all {
			all[i] = index.Result{ID: uint64(i), Score: float32(r.IntN(30))} // many ties
			top.Push(all[i])
		}
		sort.Slice(all, func(i, j int) bool {
			return all[i].Score > all[j].Score || (all[i].Score == all[j].Score && all[i].ID < all[j].ID)
		})
		got := top.Results()
		want := all[:min(k, n)]
		if len(got) != len(want) {
			t.Fatalf("len %d want %d", len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("trial %d rank %d: %v want %v", trial, i, got[i], want[i])
			}
		}
	}
}

func TestPrepare(t *testing.T) {
	dst := make([]float32, 2)
	if err := Prepare(dst, []float32{3, 4}, 2, index.Cosine); err != nil || dst[0] != 0.6 || dst[1] != 0.8 {
		t.Fatalf("cosine: %v %v", dst, err)
	}
	if err := Prepare(dst, []float32{3, 4}, 2, index.L2); err != nil || dst[0] != 3 {
		t.Fatalf("l2: %v %v", dst, err)
	}
	big := float32(math.MaxFloat32)
	for _, c := range []struct {
		v   []float32
		m   index.Metric
		err error
	}{
		{[]float32{1}, index.Dot, errs.ErrDimension},
		{[]float32{0, 0}, index.Cosine, errs.ErrInvalidVector},
		{[]float32{float32(math.Inf(-1)), 0}, index.L2, errs.ErrInvalidVector},
		{[]float32{big, big}, index.Dot, errs.ErrInvalidVector},
	} {
		if err := Prepare(dst, c.v, 2, c.m); !errors.Is(err, c.err) {
			t.Errorf("%v %v: %v, want %v", c.v, c.m, err, c.err)
		}
	}
	if err := Prepare(dst, []float32{big, big}, 2, index.Cosine); err != nil {
		t.Errorf("huge vector under cosine: %v", err)
	}
}

// TestTopKHugeK checks that a TopK keeping math.MaxInt results allocates for
// what it holds, not for k, and still ranks like a sort.
func TestTopKHugeK(t *testing.T) {
	top := NewTopK(math.MaxInt)
	for i := 0; i < 3000; i++ {
		top.Push(index.Result{ID: uint64(i), Score: float32(i % 7)})
	}
	if cap(top.h) > 8192 {
		t.Errorf("holding 3000 results uses capacity %d", cap(top.h))
	}
	got := top.Results()
	if len(got) != 3000 {
		t.Fatalf("%d results, want 3000", len(got))
	}
	for i := 1; i < len(got); i++ {
		if worse(got[i-1], got[i]) {
			t.Fatalf("rank %d: %v after %v", i, got[i], got[i-1])
		}
	}
	top.Reset(math.MaxInt / 3)
	if top.Len() != 0 || top.Full() {
		t.Fatalf("after Reset: Len %d Full %v", top.Len(), top.Full())
	}
	top.Push(index.Result{ID: 1, Score: 1})
	if rs := top.Results(); len(rs) != 1 || rs[0].ID != 1 {
		t.Fatalf("after Reset(MaxInt/3): %v", rs)
	}
}

func TestCheckCapacity(t *testing.T) {
	for _, c := range []struct {
		n, dim int
		ok     bool
	}{
		{0, 1, true},
		{1000, 384, true},
		{index.MaxComponents / index.MaxDim, index.MaxDim, true},
		{index.MaxComponents/index.MaxDim + 1, index.MaxDim, false},
		{math.MaxInt32 - 1, index.MaxDim, false},
		{math.MaxInt, index.MaxDim, false}, // n × dim overflows
		{math.MaxInt, 1, false},
		{-1, 4, false},
	} {
		err := CheckCapacity(c.n, c.dim)
		if c.ok && err != nil {
			t.Errorf("CheckCapacity(%d, %d) = %v", c.n, c.dim, err)
		}
		if !c.ok && !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("CheckCapacity(%d, %d) = %v, want errs.ErrInvalidOption", c.n, c.dim, err)
		}
	}
}

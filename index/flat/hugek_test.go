// This file tests searches with a k far beyond the index size (math.MaxInt,
// math.MaxInt/3), serial and parallel, with and without a filter and
// WithExact: they return every stored, allowed vector, exactly as k = Len
// does.

package flat

import (
	"math"
	"reflect"
	"testing"

	"github.com/ganada/ganada/index"
)

func TestHugeK(t *testing.T) {
	even := func(id uint64) bool { return id%2 == 0 }
	for _, c := range []struct {
		name   string
		n, dim int
		opts   []Option
	}{
		{"serial", 700, 16, nil},
		// n·dim above ParallelThreshold: the scan is split across workers.
		{"parallel", ParallelThreshold/64 + 300, 64, []Option{WithWorkers(3)}},
	} {
		x, _, queries := build(t, c.n, c.dim, index.L2, c.opts...)
		for i := 0; i < c.n; i += 13 {
			if err := x.Delete(ctx, uint64(i)); err != nil {
				t.Fatal(err)
			}
		}
		live := x.Len()
		allowed := 0
		for _, id := range x.IDs() {
			if even(id) {
				allowed++
			}
		}
		for _, opts := range []struct {
			name string
			want int
			so   []index.SearchOption
		}{
			{"none", live, nil},
			{"exact", live, []index.SearchOption{index.WithExact()}},
			{"filter", allowed, []index.SearchOption{index.WithFilter(even)}},
			{"filter exact", allowed, []index.SearchOption{index.WithFilter(even), index.WithExact()}},
		} {
			ref, err := x.Search(ctx, queries[0], live, opts.so...)
			if err != nil || len(ref) != opts.want {
				t.Fatalf("%s %s k=Len: %d results, %v; want %d", c.name, opts.name, len(ref), err, opts.want)
			}
			for _, k := range []int{math.MaxInt, math.MaxInt / 3} {
				rs, err := x.Search(ctx, queries[0], k, opts.so...)
				if err != nil {
					t.Fatalf("%s %s k=%d: %v", c.name, opts.name, k, err)
				}
				if !reflect.DeepEqual(rs, ref) {
					t.Fatalf("%s %s k=%d: %d results differ from k=Len's %d", c.name, opts.name, k, len(rs), len(ref))
				}
			}
		}
	}
}

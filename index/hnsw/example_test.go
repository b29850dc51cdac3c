// This file holds the runnable examples of package hnsw.

package hnsw_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/hnsw"
)

func Example() {
	ctx := context.Background()
	h, err := hnsw.New(3, index.Cosine, hnsw.WithM(16), hnsw.WithEfConstruction(200), hnsw.WithSeed(1))
	if err != nil {
		panic(err)
	}
	h.Add(ctx, 1, []float32{1, 0, 0})
	h.Add(ctx, 2, []float32{0, 1, 0})
	h.Add(ctx, 3, []float32{1, 1, 0})

	res, err := h.Search(ctx, []float32{1, 0.1, 0}, 2, index.WithEf(64))
	if err != nil {
		panic(err)
	}
	for _, r := range res {
		fmt.Printf("id %d score %.3f\n", r.ID, r.Score)
	}
	// Output:
	// id 1 score 0.995
	// id 3 score 0.774
}

func ExampleIndex_Search_filter() {
	ctx := context.Background()
	h, _ := hnsw.New(2, index.L2)
	for i := 0; i < 100; i++ {
		h.Add(ctx, uint64(i), []float32{float32(i), 0})
	}
	// Only even ids, e.g. documents whose metadata matches.
	even := func(id uint64) bool { return id%2 == 0 }
	res, _ := h.Search(ctx, []float32{41, 0}, 3, index.WithFilter(even))
	for _, r := range res {
		fmt.Println(r.ID, -r.Score) // under L2, −Score is the squared distance
	}
	// Output:
	// 40 1
	// 42 1
	// 38 9
}

func ExampleIndex_WriteTo() {
	ctx := context.Background()
	h, _ := hnsw.New(2, index.Dot)
	h.Add(ctx, 7, []float32{1, 2})
	h.Delete(ctx, 7)
	h.Add(ctx, 8, []float32{2, 1})

	var buf bytes.Buffer
	h.WriteTo(&buf) // or h.Save(ctx, path) for an atomic file

	var loaded hnsw.Index
	if _, err := loaded.ReadFrom(&buf); err != nil {
		panic(err)
	}
	fmt.Println(loaded.Len(), loaded.Contains(7), loaded.Contains(8))
	// Output: 1 false true
}

// ExampleWithQuantization walks the graph on int8 codes (calibrated once
// 50 vectors are in) and rescores the best 20 candidates on the float32
// vectors.
func ExampleWithQuantization() {
	ctx := context.Background()
	h, err := hnsw.New(4, index.Cosine, hnsw.WithQuantization(index.Int8), hnsw.WithCalibration(50), hnsw.WithRescore(20))
	if err != nil {
		panic(err)
	}
	for i := 0; i < 100; i++ {
		a := float32(i) / 100
		h.Add(ctx, uint64(i), []float32{1 - a, a, 0.5 - a, 0.1})
	}
	res, _ := h.Search(ctx, []float32{1, 0, 0.5, 0.1}, 3)
	for _, r := range res {
		fmt.Printf("%d %.4f\n", r.ID, r.Score)
	}
	// Output:
	// 0 1.0000
	// 1 1.0000
	// 2 0.9998
}

// ExampleOpen saves an int8-quantised index and opens it memory-mapped:
// the graph walk reads the int8 codes and links in place and the float32
// vectors are read from the file only for the 10 rescored candidates.
func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "hnsw-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	h, _ := hnsw.New(2, index.Cosine, hnsw.WithQuantization(index.Int8), hnsw.WithCalibration(50), hnsw.WithRescore(10))
	for i := 0; i < 100; i++ {
		a := float64(i) * 0.06
		h.Add(ctx, uint64(i), []float32{float32(math.Cos(a)), float32(math.Sin(a))})
	}
	path := filepath.Join(dir, "x.hnsw")
	if err := h.Save(ctx, path); err != nil {
		panic(err)
	}
	x, err := hnsw.Open(ctx, path)
	if err != nil {
		panic(err)
	}
	defer x.Close()
	res, _ := x.Search(ctx, []float32{float32(math.Cos(0.6)), float32(math.Sin(0.6))}, 1)
	fmt.Println(res[0].ID, x.Verify())
	err = x.Add(ctx, 100, []float32{1, 0})
	fmt.Println(errors.Is(err, errs.ErrUnsupported))
	// Output:
	// 10 <nil>
	// true
}

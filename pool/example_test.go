// This file holds the package's runnable examples.

package pool_test

import (
	"fmt"
	"path/filepath"

	"github.com/ganada/ganada/pool"
)

// Mean-pool three token vectors of one text, the third being padding.
func Example() {
	hidden := []float32{
		1, 2, 3, // [CLS]
		3, 4, 5, // hello
		9, 9, 9, // [PAD]
	}
	mask := []int{1, 1, 0}
	cfg := pool.Config{Modes: pool.Mean, IncludePrompt: true}
	vec := make([]float32, cfg.OutDim(3))
	if err := cfg.Pool(vec, hidden, mask, 3, 0); err != nil {
		panic(err)
	}
	fmt.Println(vec)
	// Output: [2 3 4]
}

func ExampleLoadConfig() {
	cfg, err := pool.LoadConfig(filepath.Join("testdata", "configs", "multi"))
	if err != nil {
		panic(err)
	}
	fmt.Println(cfg.Modes, cfg.Dim, cfg.OutDim(cfg.Dim))
	// Output: cls+max+mean 768 2304
}

func ExampleConfig_Pool_lastToken() {
	// Decoder-style embedding models pool the last real token; with
	// IncludePrompt false the instruction prompt is masked out first.
	hidden := []float32{
		0.5, 0.5, // prompt token
		1.0, 2.0, // text
		3.0, 4.0, // text (last real token)
		0.0, 0.0, // padding
	}
	cfg := pool.Config{Modes: pool.LastToken | pool.Mean, IncludePrompt: false}
	vec := make([]float32, cfg.OutDim(2))
	if err := cfg.Pool(vec, hidden, []int{1, 1, 1, 0}, 2, 1); err != nil {
		panic(err)
	}
	fmt.Println(vec) // mean of the two text rows, then the last row
	// Output: [2 3 3 4]
}

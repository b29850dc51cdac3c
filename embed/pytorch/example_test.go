// example_test.go: runnable examples of converting checkpoints.

package pytorch_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ganada/ganada/embed/pytorch"
	"github.com/ganada/ganada/embed/safetensors"
)

// ExampleConvertFile converts a pytorch_model.bin into model.safetensors
// and reads it back with package safetensors.
func ExampleConvertFile() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "convert")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	dst := filepath.Join(dir, "model.safetensors")
	if err := pytorch.ConvertFile(ctx, filepath.Join("testdata", "views.pt"), dst); err != nil {
		fmt.Println(err)
		return
	}
	f, err := safetensors.Open(dst)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	t, _ := f.Tensor("transposed") // a strided view, written row-major
	v, _ := f.Float32s("transposed")
	fmt.Println(len(f.Names()), t.Shape, v[:4])
	// Output:
	// 10 [4 3] [0 4 8 1]
}

// ExampleIndexShards lists the shards of a sharded checkpoint, which a
// downloader fetches before Open reads the index.
func ExampleIndexShards() {
	shards, err := pytorch.IndexShards(filepath.Join("testdata", "sharded", "pytorch_model.bin.index.json"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(shards)
	// Output:
	// [pytorch_model-00001-of-00002.bin pytorch_model-00002-of-00002.bin]
}

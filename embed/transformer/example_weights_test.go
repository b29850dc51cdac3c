// example_weights_test.go shows the weight options: a bf16 checkpoint kept
// as it is, converted with WithFloat32Weights, and WithBF16.

package transformer_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ganada/ganada/embed/transformer"
)

// A BF16 checkpoint stays bf16 (mapped, not copied); WithFloat32Weights
// converts it at load, with bit-identical vectors; WithBF16 rounds a
// float32 checkpoint's layers to bf16.
func ExampleWithFloat32Weights() {
	ctx := context.Background()
	bf16 := transformer.WithWeightsFile("model.bf16.safetensors")
	kept, err := transformer.Load(ctx, "testdata/tiny-bert", bf16)
	if err != nil {
		log.Fatal(err)
	}
	defer kept.Close()
	conv, err := transformer.Load(ctx, "testdata/tiny-bert", bf16, transformer.WithFloat32Weights())
	if err != nil {
		log.Fatal(err)
	}
	defer conv.Close()
	rounded, err := transformer.Load(ctx, "testdata/tiny-bert", transformer.WithBF16())
	if err != nil {
		log.Fatal(err)
	}
	defer rounded.Close()
	a, _ := kept.Encode(ctx, []string{"A man is playing a guitar."})
	b, _ := conv.Encode(ctx, []string{"A man is playing a guitar."})
	same := true
	for i := range a[0] {
		same = same && a[0][i] == b[0][i]
	}
	fmt.Println(kept.WeightType(), conv.WeightType(), rounded.WeightType(), "identical:", same)
	// Output: bf16 float32 bf16 identical: true
}

// WithBF16 is shown with WithFloat32Weights.
func ExampleWithBF16() {
	m, err := transformer.Load(context.Background(), "testdata/tiny-bert", transformer.WithBF16())
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	fmt.Println(m.WeightType())
	// Output: bf16
}

// pytorch.go loads models published only as PyTorch checkpoints
// (pytorch_model.bin, or its sharded index): package embed/pytorch reads
// them without executing anything and converts them into a temporary
// safetensors file, which readWeights maps like any other; the file is
// removed once loaded (the mapping stays valid on unix; elsewhere
// safetensors.Open has read it whole).

package transformer

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/embed/pytorch"
)

// pytorchWeights are the PyTorch checkpoint files a folder may have
// instead of model.safetensors, in the order transformers tries them.
var pytorchWeights = []string{"pytorch_model.bin", "pytorch_model.bin.index.json"}

// convertPyTorch fetches the PyTorch checkpoint name of dir (every shard
// of an index) and converts it into a temporary safetensors file. It
// returns that file's path and the checkpoint's local files (which define
// the model's content hash).
func convertPyTorch(ctx context.Context, src hub.Source, dir, name string) (string, []string, error) {
	p, err := src.File(ctx, join(dir, name))
	if err != nil {
		return "", nil, fmt.Errorf("transformer: %w", err)
	}
	files := []string{p}
	if strings.HasSuffix(name, ".json") {
		shards, err := pytorch.IndexShards(p)
		if err != nil {
			return "", nil, fmt.Errorf("transformer: %w", err)
		}
		for _, s := range shards {
			sp, err := need(ctx, src, join(dir, s), fmt.Sprintf("%s names shard %s, which is missing", p, s))
			if err != nil {
				return "", nil, err
			}
			files = append(files, sp)
		}
	}
	tmp, err := os.CreateTemp("", "ganada-pytorch-*.safetensors")
	if err != nil {
		return "", nil, fmt.Errorf("transformer: converting %s: %w", p, err)
	}
	tmp.Close()
	if err := pytorch.ConvertFile(ctx, p, tmp.Name()); err != nil {
		os.Remove(tmp.Name())
		return "", nil, fmt.Errorf("transformer: %w", err)
	}
	return tmp.Name(), files, nil
}

// index.go opens sharded checkpoints described by a JSON index file such
// as pytorch_model.bin.index.json, as transformers writes them.

package pytorch

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/fileio"
)

// MaxIndexSize bounds an index file (those of models with 100,000 tensors
// take under 10 MB).
const MaxIndexSize = 32 << 20

func isIndexPath(path string) bool {
	return strings.HasSuffix(strings.ToLower(path), ".json")
}

// readIndex reads the index at path: a JSON object whose "weight_map"
// maps tensor names to shard files in the same folder. It returns the
// map and the shard names, sorted, each once.
func readIndex(path string) (map[string]string, []string, error) {
	b, err := fileio.Read(path, MaxIndexSize)
	if err != nil {
		return nil, nil, fmt.Errorf("pytorch: open %s: %w", path, err)
	}
	var idx struct {
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, nil, fmt.Errorf("pytorch: %s: %v: %w", path, err, errs.ErrCorrupt)
	}
	if len(idx.WeightMap) == 0 {
		return nil, nil, fmt.Errorf("pytorch: %s: no weight_map: %w", path, errs.ErrCorrupt)
	}
	seen := map[string]bool{}
	var shards []string
	for name, f := range idx.WeightMap {
		if f == "" || f == "." || f == ".." || strings.ContainsAny(f, `/\`) || filepath.IsAbs(f) {
			return nil, nil, fmt.Errorf("pytorch: %s: tensor %q maps to %q, which is not a file in the same folder: %w", path, name, f, errs.ErrCorrupt)
		}
		if !seen[f] {
			seen[f] = true
			shards = append(shards, f)
		}
	}
	sort.Strings(shards)
	return idx.WeightMap, shards, nil
}

// IndexShards returns the shard files that the index file at path (such
// as pytorch_model.bin.index.json) names, sorted and each once, without
// opening them: a downloader fetches them before Open. The index is
// validated as Open does; errors wrap errs.ErrCorrupt and name the file.
func IndexShards(path string) ([]string, error) {
	_, shards, err := readIndex(path)
	return shards, err
}

// openIndex opens every shard of the index at path. The File holds the
// tensors the weight map names, each from the shard it names (a tensor a
// shard holds but the map does not name is left out, as transformers
// does).
func openIndex(ctx context.Context, path string) (_ *File, err error) {
	wm, names, err := readIndex(path)
	if err != nil {
		return nil, err
	}
	f := &File{path: path}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	dir := filepath.Dir(path)
	byName := map[string]*shard{}
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := openShard(ctx, filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		f.shards = append(f.shards, s)
		byName[n] = s
	}
	f.version = f.shards[0].version
	f.tensors = make([]Tensor, 0, len(wm))
	for name, file := range wm {
		s := byName[file]
		i := sort.Search(len(s.tensors), func(i int) bool { return s.tensors[i].Name >= name })
		if i == len(s.tensors) || s.tensors[i].Name != name {
			return nil, fmt.Errorf("pytorch: %s: tensor %q maps to %s, which does not hold it: %w", path, name, file, errs.ErrCorrupt)
		}
		f.tensors = append(f.tensors, s.tensors[i])
	}
	sort.Slice(f.tensors, func(i, j int) bool { return f.tensors[i].Name < f.tensors[j].Name })
	return f, nil
}

// index.go opens sharded checkpoints described by a JSON index file such as
// model.safetensors.index.json.

package safetensors

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func isIndexPath(path string) bool {
	return strings.HasSuffix(strings.ToLower(path), ".json")
}

type indexFile struct {
	Metadata  map[string]any    `json:"metadata"`
	WeightMap map[string]string `json:"weight_map"`
}

func openIndex(path string) (_ *File, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: open %s: %w", path, err)
	}
	var idx indexFile
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("%w: %s: index JSON: %v", ErrCorrupt, path, err)
	}
	if len(idx.WeightMap) == 0 {
		return nil, fmt.Errorf("%w: %s: index has no weight_map", ErrCorrupt, path)
	}
	f := &File{path: path, tensors: map[string]Tensor{}, metadata: map[string]string{}}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	for k, v := range idx.Metadata {
		if s, ok := v.(string); ok {
			f.metadata[k] = s
		} else {
			f.metadata[k] = fmt.Sprint(v)
		}
	}
	dir := filepath.Dir(path)
	// Open each shard once, in a stable order.
	var files []string
	seen := map[string]bool{}
	for _, file := range idx.WeightMap {
		if !seen[file] {
			seen[file] = true
			files = append(files, file)
		}
	}
	sort.Strings(files)
	byFile := map[string]map[string]Tensor{}
	for _, file := range files {
		if file == "" || filepath.IsAbs(file) || strings.Contains(file, "..") || strings.ContainsAny(file, `/\`) {
			return nil, fmt.Errorf("%w: %s: shard name %q must be a file in the same folder", ErrCorrupt, path, file)
		}
		s, hdr, err := openShard(filepath.Join(dir, file))
		if err != nil {
			return nil, err
		}
		f.shards = append(f.shards, s)
		m := make(map[string]Tensor, len(hdr.tensors))
		for _, t := range hdr.tensors {
			t.shard = s
			m[t.Name] = t
		}
		for k, v := range hdr.metadata {
			if _, ok := f.metadata[k]; !ok {
				f.metadata[k] = v
			}
		}
		byFile[file] = m
	}
	for name, file := range idx.WeightMap {
		t, ok := byFile[file][name]
		if !ok {
			return nil, fmt.Errorf("%w: %s maps tensor %q to %s, which does not hold it", ErrCorrupt, path, name, file)
		}
		f.tensors[name] = t
		f.names = append(f.names, name)
	}
	sort.Strings(f.names)
	return f, nil
}

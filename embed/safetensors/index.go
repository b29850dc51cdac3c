// index.go opens sharded checkpoints described by a JSON index file such as
// model.safetensors.index.json.

package safetensors

import (
	"fmt"
	"github.com/ganada/ganada/internal/fileio"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ganada/ganada/errs"
)

func isIndexPath(path string) bool {
	return strings.HasSuffix(strings.ToLower(path), ".json")
}

// maxIndexLen bounds an index file, like a header (the largest real
// indexes, of models with about 100,000 tensors, are under 10 MB).
const maxIndexLen = maxHeaderLen

// index is a parsed index file.
type index struct {
	meta    []byte       // the "metadata" object's JSON, or nil
	shards  []string     // the shard files, sorted, each once
	entries []indexEntry // sorted by name, each name once
}

// indexEntry is one tensor of an index: its name and shard number.
type indexEntry struct {
	name  string
	shard int32
}

// readIndex reads and validates the index file at path: a JSON object
// whose "weight_map" maps tensor names to file names in the same folder.
// A name given twice keeps its last file, as JSON readers do. It parses
// the file twice, counting entries and then storing them, so that it
// allocates only what it keeps (about 32 bytes per entry of at least 7
// bytes of JSON).
func readIndex(path string) (*index, error) {
	b, err := fileio.Read(path, maxIndexLen)
	if err != nil {
		return nil, fmt.Errorf("safetensors: open %s: %w", path, err)
	}
	idx, err := parseIndex(b)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	return idx, nil
}

// parseIndex parses and validates the index file b (see readIndex).
func parseIndex(b []byte) (*index, error) {
	idx := &index{}
	var file []string
	ids := map[string]int32{} // shard name → its number, so each is stored once
	parse := func(store bool) (int, error) {
		s := &scanner{b: b, what: "index"}
		n, seenMap := 0, false
		err := s.object(func(key []byte) error {
			switch string(key) {
			case "metadata":
				s.ws()
				start := s.i
				if err := s.skip(); err != nil {
					return err
				}
				if c := s.b[start:s.i]; string(c) != "null" {
					if c[0] != '{' {
						return fmt.Errorf("metadata is not an object: %w", errs.ErrCorrupt)
					}
					idx.meta = c
				}
				return nil
			case "weight_map":
				seenMap, n = true, 0
				if store {
					idx.entries = idx.entries[:0]
				}
				return s.object(func(name []byte) error {
					v, err := s.rawStr()
					if err != nil || !store {
						n++
						return err
					}
					id, ok := ids[string(v)]
					if !ok {
						id = int32(len(file))
						ids[string(v)] = id
						file = append(file, string(v))
					}
					idx.entries = append(idx.entries, indexEntry{string(name), id})
					return nil
				})
			}
			return s.skip()
		})
		if err == nil {
			err = s.end()
		}
		if err == nil && (!seenMap || n == 0 && !store) {
			err = fmt.Errorf("index has no weight_map: %w", errs.ErrCorrupt)
		}
		return n, err
	}
	n, err := parse(false)
	if err == nil {
		idx.entries = make([]indexEntry, 0, n)
		_, err = parse(true)
	}
	if err != nil {
		return nil, err
	}
	// Shard names in sorted order, each once.
	idx.shards = append([]string(nil), file...)
	sort.Strings(idx.shards)
	renum := make([]int32, len(file))
	for i, f := range file {
		renum[i] = int32(sort.SearchStrings(idx.shards, f))
		if f == "" || f == "." || filepath.IsAbs(f) || strings.Contains(f, "..") || strings.ContainsAny(f, `/\`) {
			return nil, fmt.Errorf("shard name %s must be a file in the same folder: %w", clip(f), errs.ErrCorrupt)
		}
	}
	es := idx.entries
	for i := range es {
		es[i].shard = renum[es[i].shard]
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].name < es[j].name })
	k := 0
	for i, e := range es {
		if i+1 < len(es) && es[i+1].name == e.name {
			continue // the last one wins
		}
		es[k] = e
		k++
	}
	clear(es[k:])
	idx.entries = es[:k:k]
	// Drop the shards only overridden names used.
	used := make([]int32, len(idx.shards))
	for _, e := range idx.entries {
		used[e.shard] = 1
	}
	kept := idx.shards[:0]
	for i, f := range idx.shards {
		if used[i] != 0 {
			used[i] = int32(len(kept))
			kept = append(kept, f)
		}
	}
	for i := range idx.entries {
		idx.entries[i].shard = used[idx.entries[i].shard]
	}
	idx.shards = kept
	if idx.meta != nil {
		idx.meta = append([]byte{}, idx.meta...)
	}
	return idx, nil
}

// IndexShards returns the shard files that the index file at path (such
// as model.safetensors.index.json) names, sorted and each once, without
// opening them: a downloader fetches them before Open. The index is
// validated as Open does; errors wrap errs.ErrCorrupt and name the file.
func IndexShards(path string) ([]string, error) {
	idx, err := readIndex(path)
	if err != nil {
		return nil, err
	}
	return idx.shards, nil
}

func openIndex(path string) (_ *File, err error) {
	idx, err := readIndex(path)
	if err != nil {
		return nil, err
	}
	f := &File{path: path, tensors: make([]Tensor, 0, len(idx.entries))}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	if idx.meta != nil {
		f.meta = append(f.meta, idx.meta)
	}
	dir := filepath.Dir(path)
	shardTensors := make([][]Tensor, len(idx.shards))
	for i, file := range idx.shards {
		s, hdr, err := openShard(filepath.Join(dir, file))
		if err != nil {
			return nil, err
		}
		f.shards = append(f.shards, s)
		for j := range hdr.tensors {
			hdr.tensors[j].shard = s
		}
		shardTensors[i] = hdr.tensors
		if hdr.meta != nil {
			f.meta = append(f.meta, hdr.meta)
		}
	}
	for _, e := range idx.entries {
		t, ok := find(shardTensors[e.shard], e.name)
		if !ok {
			return nil, fmt.Errorf("safetensors: %s: %w: tensor %s maps to %s, which does not hold it", path, errs.ErrCorrupt, clip(e.name), idx.shards[e.shard])
		}
		f.tensors = append(f.tensors, t)
	}
	return f, nil
}

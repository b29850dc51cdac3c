// fuzz_test.go fuzzes the cache file's reader: any bytes after the header
// must open without panicking or reading out of bounds, every record the
// scan indexes must verify when read, and appending to such a file must
// keep the appended records readable.

package cache

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func FuzzScan(f *testing.F) {
	var k1, k2 Key
	k1[0], k2[0] = 1, 2
	good := appendRecord(nil, k1, []float32{1, 2, 3, 4})
	good = appendRecord(good, k2, []float32{-1, 0.5})
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add(append(slices.Clone(good[:20]), good...))
	f.Add([]byte("GEC1\xff\xff\xff\xffGEC1"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		// scan alone, on the bytes
		r := bytes.NewReader(data)
		seen := map[Key]int{}
		next := scan(r, 0, int64(len(data)), func(k Key, off int64, dim int) {
			if off < 0 || off+int64(recOverhead+4*dim) > int64(len(data)) {
				t.Fatalf("record at %d of dim %d beyond %d bytes", off, dim, len(data))
			}
			if _, d, ok := checkRecord(data[off : off+int64(recOverhead+4*dim)]); !ok || d != dim {
				t.Fatalf("record at %d does not verify", off)
			}
			seen[k] = dim
		})
		if next < 0 || next > int64(len(data)) {
			t.Fatalf("next scan at %d of %d", next, len(data))
		}
		// the file, with a header
		path := filepath.Join(t.TempDir(), "f.cache")
		if err := os.WriteFile(path, append([]byte(fileHeader), data...), 0o644); err != nil {
			t.Fatal(err)
		}
		file, err := OpenFile(path, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		for k, dim := range seen {
			got, err := file.Get([]Key{k}, dim)
			if err != nil || got[0] == nil || len(got[0]) != dim {
				t.Fatalf("indexed key %x not readable: %v", k[:4], err)
			}
		}
		var k3 Key
		k3[0] = 3
		if err := file.Put([]Record{{k3, []float32{7, 8}}}); err != nil {
			t.Fatal(err)
		}
		got, err := file.Get([]Key{k3}, 2)
		if err != nil {
			t.Fatal(err)
		}
		// The appended record may sit behind an incomplete one whose
		// claimed length reaches past it; otherwise it must be found.
		if got[0] != nil && !slices.Equal(got[0], []float32{7, 8}) {
			t.Fatalf("appended record read back as %v", got[0])
		}
	})
}

// bench_test.go measures the cache file: appending batches of records,
// reading them back, and opening (scanning) a file of 20,000 entries.

package cache

import (
	"fmt"
	"path/filepath"
	"testing"
)

const benchDim = 384

func benchRecords(n, from int) []Record {
	recs := make([]Record, n)
	for i := range recs {
		recs[i].Key[0], recs[i].Key[1], recs[i].Key[2] = byte(from+i), byte((from+i)>>8), byte((from+i)>>16)
		recs[i].Vec = vecOf("b", "", fmt.Sprint(from+i), benchDim)
	}
	return recs
}

// BenchmarkFilePut appends batches of 64 records of 384 dimensions.
func BenchmarkFilePut(b *testing.B) {
	f, err := OpenFile(filepath.Join(b.TempDir(), "b.cache"), 1<<40)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	recs := benchRecords(64, 0)
	b.SetBytes(int64(64 * (recOverhead + 4*benchDim)))
	b.ResetTimer()
	for range b.N {
		if err := f.Put(recs); err != nil {
			b.Fatal(err)
		}
	}
}

func benchFile(b *testing.B, n int) string {
	path := filepath.Join(b.TempDir(), "b.cache")
	f, err := OpenFile(path, 1<<40)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i += 1000 {
		if err := f.Put(benchRecords(1000, i)); err != nil {
			b.Fatal(err)
		}
	}
	f.Close()
	return path
}

// BenchmarkFileOpen opens and indexes a file of 20,000 entries (31 MB).
func BenchmarkFileOpen(b *testing.B) {
	path := benchFile(b, 20_000)
	b.ResetTimer()
	for range b.N {
		f, err := OpenFile(path, 1<<40)
		if err != nil {
			b.Fatal(err)
		}
		if f.Len() != 20_000 {
			b.Fatal(f.Len())
		}
		f.Close()
	}
}

// BenchmarkFileGet reads 64 entries of a 20,000-entry file.
func BenchmarkFileGet(b *testing.B) {
	path := benchFile(b, 20_000)
	f, err := OpenFile(path, 1<<40)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	keys := make([]Key, 64)
	for i, r := range benchRecords(64, 5000) {
		keys[i] = r.Key
	}
	b.ResetTimer()
	for range b.N {
		got, err := f.Get(keys, benchDim)
		if err != nil || got[63] == nil {
			b.Fatal(err)
		}
	}
}

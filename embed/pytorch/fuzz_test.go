// fuzz_test.go: the reader never panics, never allocates beyond its
// bounds, and what it accepts is consistent (every tensor reads back with
// as many bytes as its shape says, and converts to safetensors).

package pytorch

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/errs"
)

// seedFiles adds the committed checkpoints and hostile files as seeds.
func seedFiles(f *testing.F, add func(b []byte)) {
	for _, glob := range []string{"testdata/*.pt", "testdata/hostile/*.pt"} {
		paths, _ := filepath.Glob(glob)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			add(b)
		}
	}
}

func checkOpened(t *testing.T, fl *File, err error) {
	if err != nil {
		if !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) {
			t.Fatalf("error wraps neither ErrCorrupt nor ErrUnsupported: %v", err)
		}
		return
	}
	readAll(t, fl)
	var buf bytes.Buffer
	if err := fl.WriteSafetensors(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
}

// FuzzOpen decodes whole archives. Mutations of a record's bytes mostly
// fail its CRC-32; FuzzPickle reaches the unpickler directly.
func FuzzOpen(f *testing.F) {
	seedFiles(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, b []byte) {
		fl, err := parseBytes("fuzz.pt", b)
		checkOpened(t, fl, err)
	})
}

// FuzzPickle wraps the fuzzer's bytes as the data.pkl of an archive whose
// storages 0 to 3 hold 64 bytes each, so that mutated pickles reach the
// state-dict walk and the view checks.
func FuzzPickle(f *testing.F) {
	seedFiles(f, func(b []byte) {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return // the legacy formats
		}
		for _, zf := range zr.File {
			if filepath.Base(zf.Name) == "data.pkl" {
				r, _ := zf.Open()
				var buf bytes.Buffer
				buf.ReadFrom(r)
				f.Add(buf.Bytes())
			}
		}
	})
	f.Add(tensorPickle("FloatStorage", "0", 16, 2, []int64{2, 3}, []int64{1, 2}))
	f.Add(tensorPickle("HalfStorage", "1", 32, 0, []int64{4, 8}, []int64{8, 1}))
	f.Fuzz(func(t *testing.T, pkl []byte) {
		if len(pkl) > 1<<16 {
			return
		}
		recs := map[string][]byte{"a/data.pkl": pkl}
		for _, k := range []string{"0", "1", "2", "3"} {
			recs["a/data/"+k] = make([]byte, 64)
		}
		fl, err := parseBytes("fuzz.pt", archive(t, recs, zip.Store))
		checkOpened(t, fl, err)
	})
}

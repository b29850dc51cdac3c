// This file reads and writes the fvecs/ivecs files shared with the hnswlib
// driver, and appends measurement lines to the results file.

package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// matrix is n row-major vectors of dimension dim in one backing slice.
type matrix struct {
	n, dim int
	data   []float32
}

func (m matrix) row(i int) []float32 { return m.data[i*m.dim : (i+1)*m.dim : (i+1)*m.dim] }

// rows returns per-row views onto the backing slice (no copies).
func (m matrix) rows() [][]float32 {
	out := make([][]float32, m.n)
	for i := range out {
		out[i] = m.row(i)
	}
	return out
}

func writeFvecs(path string, m matrix) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var b [4]byte
	for i := 0; i < m.n; i++ {
		binary.LittleEndian.PutUint32(b[:], uint32(m.dim))
		w.Write(b[:])
		for _, v := range m.row(i) {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			w.Write(b[:])
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func readFvecs(path string) (matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return matrix{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return matrix{}, err
	}
	r := bufio.NewReaderSize(f, 1<<20)
	var b [4]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return matrix{}, fmt.Errorf("%s: %w", path, err)
	}
	dim := int(binary.LittleEndian.Uint32(b[:]))
	rec := int64(4 + 4*dim)
	if dim <= 0 || st.Size()%rec != 0 {
		return matrix{}, fmt.Errorf("%s: bad fvecs layout", path)
	}
	// Stream straight into the matrix: no second copy of the file in memory.
	n := int(st.Size() / rec)
	m := matrix{n: n, dim: dim, data: make([]float32, n*dim)}
	row := make([]byte, 4*dim)
	for i := 0; i < n; i++ {
		if i > 0 {
			if _, err := io.ReadFull(r, b[:]); err != nil {
				return matrix{}, err
			}
			if int(binary.LittleEndian.Uint32(b[:])) != dim {
				return matrix{}, fmt.Errorf("%s: row %d has another dimension", path, i)
			}
		}
		if _, err := io.ReadFull(r, row); err != nil {
			return matrix{}, err
		}
		for j := 0; j < dim; j++ {
			m.data[i*dim+j] = math.Float32frombits(binary.LittleEndian.Uint32(row[4*j:]))
		}
	}
	return m, nil
}

func writeIvecs(path string, rows [][]int32) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, r := range rows {
		binary.Write(w, binary.LittleEndian, int32(len(r)))
		binary.Write(w, binary.LittleEndian, r)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func readIvecs(path string) ([][]int32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var out [][]int32
	for {
		var k int32
		if err := binary.Read(r, binary.LittleEndian, &k); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		row := make([]int32, k)
		if err := binary.Read(r, binary.LittleEndian, row); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
}

type dataset struct {
	name          string
	base, queries matrix
	gt            [][]int32
}

func loadDataset(dir string, needGT bool) (dataset, error) {
	d := dataset{name: filepath.Base(dir)}
	var err error
	if d.base, err = readFvecs(filepath.Join(dir, "base.fvecs")); err != nil {
		return d, err
	}
	if d.queries, err = readFvecs(filepath.Join(dir, "query.fvecs")); err != nil {
		return d, err
	}
	if needGT {
		if d.gt, err = readIvecs(filepath.Join(dir, "gt.ivecs")); err != nil {
			return d, err
		}
		if len(d.gt) != d.queries.n {
			return d, fmt.Errorf("gt has %d rows for %d queries", len(d.gt), d.queries.n)
		}
	}
	return d, nil
}

// recallAt10 is |found ∩ truth[:10]| / 10.
func recallAt10(found []uint64, truth []int32) float64 {
	hit := 0
	for _, t := range truth[:10] {
		for _, f := range found {
			if f == uint64(t) {
				hit++
				break
			}
		}
	}
	return float64(hit) / 10
}

// appendResult appends one tab-separated line to the results file.
func appendResult(path string, fields ...any) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	for i, v := range fields {
		if i > 0 {
			fmt.Fprint(f, "\t")
		}
		fmt.Fprint(f, v)
	}
	fmt.Fprintln(f)
	return f.Close()
}

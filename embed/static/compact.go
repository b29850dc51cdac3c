// This file defines the compact model format: a checksummed binary file
// holding a vocabulary and its float32, float16 or int8 vectors, which
// ReadCompactBytes can use in place without decoding.

package static

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/ganada/ganada/internal/fileio"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// The compact format, all integers little-endian:
//
//	magic     8 bytes  "GANADAWV"
//	version   uint16   1
//	precision uint8    1 float32, 2 float16, 3 int8
//	flags     uint8    0
//	dim       uint32   1..MaxDim
//	count     uint32   number of words, ≥ 1
//	vocabN    uint32   Zipf vocabulary size N (0: count)
//	nameLen   uint16, then nameLen bytes: the model name (UTF-8)
//	wordBytes uint32, then wordBytes bytes: count × (uvarint length, UTF-8 word)
//	scales    count × float32 (int8 only)
//	vectors   count × dim × (4, 2 or 1 bytes), row-major
//	crc       uint32   CRC-32C (Castagnoli) of every byte before it
const (
	compactMagic   = "GANADAWV"
	compactVersion = 1
	compactFixed   = 8 + 2 + 1 + 1 + 4 + 4 + 4 + 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// WriteCompact writes m's vocabulary and vectors to w in the compact
// format at precision p, with m's name and Zipf vocabulary size. Converting
// to a lower precision rounds: float16 to nearest even (values beyond
// ±65504 are an error), int8 with a per-vector scale max|x|/127.
func WriteCompact(ctx context.Context, w io.Writer, m *Model, p Precision) error {
	if m.tok != nil {
		return fmt.Errorf("static: WriteCompact: Model2Vec models keep their tokenizer; save the folder instead: %w", errs.ErrInvalidInput)
	}
	if p != Float32 && p != Float16 && p != Int8 {
		return fmt.Errorf("static: WriteCompact: precision %d: %w", p, errs.ErrInvalidInput)
	}
	name := m.cfg.name
	if len(name) > math.MaxUint16 {
		n := math.MaxUint16
		for n > 0 && !utf8.RuneStart(name[n]) {
			n-- // cut before a character, not inside it
		}
		name = name[:n]
	}
	d, n := m.mat.dim, len(m.vocab)
	h := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(w, h), 1<<16)
	var hdr []byte
	hdr = append(hdr, compactMagic...)
	hdr = binary.LittleEndian.AppendUint16(hdr, compactVersion)
	hdr = append(hdr, byte(p), 0)
	hdr = binary.LittleEndian.AppendUint32(hdr, uint32(d))
	hdr = binary.LittleEndian.AppendUint32(hdr, uint32(n))
	hdr = binary.LittleEndian.AppendUint32(hdr, uint32(m.cfg.vocabSize))
	hdr = binary.LittleEndian.AppendUint16(hdr, uint16(len(name)))
	hdr = append(hdr, name...)
	var wbytes []byte
	for _, word := range m.vocab {
		wbytes = binary.AppendUvarint(wbytes, uint64(len(word)))
		wbytes = append(wbytes, word...)
	}
	hdr = binary.LittleEndian.AppendUint32(hdr, uint32(len(wbytes)))
	bw.Write(hdr)
	bw.Write(wbytes)
	row := make([]float32, d)
	if p == Int8 {
		var b [4]byte
		for i := 0; i < n; i++ {
			m.mat.row(row, i)
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(int8Scale(row)))
			bw.Write(b[:])
		}
	}
	out := make([]byte, 0, 4*d)
	for i := 0; i < n; i++ {
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		m.mat.row(row, i)
		out = out[:0]
		switch p {
		case Float32:
			for _, x := range row {
				out = binary.LittleEndian.AppendUint32(out, math.Float32bits(x))
			}
		case Float16:
			for j, x := range row {
				hx := float32to16(x)
				if hx&0x7c00 == 0x7c00 {
					return fmt.Errorf("static: WriteCompact: word %q component %d (%v) overflows float16: %w", m.vocab[i], j, x, errs.ErrInvalidInput)
				}
				out = binary.LittleEndian.AppendUint16(out, hx)
			}
		case Int8:
			s := int8Scale(row)
			for _, x := range row {
				out = append(out, byte(quantInt8(x, s)))
			}
		}
		if _, err := bw.Write(out); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], h.Sum32())
	_, err := w.Write(b[:])
	return err
}

func int8Scale(row []float32) float32 {
	var mx float32
	for _, x := range row {
		mx = max(mx, float32(math.Abs(float64(x))))
	}
	return mx / 127
}

func quantInt8(x, s float32) int8 {
	if s == 0 {
		return 0
	}
	q := math.Round(float64(x) / float64(s))
	return int8(max(-127, min(127, q)))
}

// SaveCompact writes m to path in the compact format (see WriteCompact)
// atomically: it writes a temporary file in the same directory, syncs it,
// renames it over path and syncs the directory, so a crash leaves either
// the old file or the new one.
func SaveCompact(ctx context.Context, path string, m *Model, p Precision) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = WriteCompact(ctx, f, m, p); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		derr = d.Sync()
		d.Close()
		if derr != nil && !errors.Is(derr, os.ErrInvalid) {
			return derr
		}
	}
	return nil
}

// ReadCompact reads a compact-format model from r; see ReadCompactBytes.
func ReadCompact(ctx context.Context, r io.Reader, opts ...Option) (*Model, error) {
	b, err := io.ReadAll(ctxReader{ctx, r})
	if err != nil {
		return nil, err
	}
	return ReadCompactBytes(b, opts...)
}

// LoadCompact reads the compact-format file at path.
func LoadCompact(ctx context.Context, path string, opts ...Option) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := fileio.Read(path, -1)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m, err := ReadCompactBytes(b, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ReadCompactBytes parses compact-format data after verifying its
// checksum. The model uses b's vector bytes in place (no decoding, so
// loading is fast and an int8 model takes a quarter of the memory of
// float32): b must not be modified afterwards. The file's name and Zipf
// vocabulary size become the model's defaults; opts override them. Errors
// wrap errs.ErrCorrupt (a checksum mismatch among them), or
// errs.ErrUnsupported for a format version this reader does not know.
func ReadCompactBytes(b []byte, opts ...Option) (*Model, error) {
	if len(b) < compactFixed+4 || string(b[:8]) != compactMagic {
		return nil, fmt.Errorf("static: not a compact model file (bad magic or too short): %w", errs.ErrCorrupt)
	}
	body := b[:len(b)-4]
	if got, want := crc32.Checksum(body, castagnoli), binary.LittleEndian.Uint32(b[len(b)-4:]); got != want {
		return nil, fmt.Errorf("static: compact model: crc32c %08x, header says %08x: checksum mismatch: %w", got, want, errs.ErrCorrupt)
	}
	le := binary.LittleEndian
	if v := le.Uint16(b[8:]); v != compactVersion {
		return nil, fmt.Errorf("static: compact model version %d, this reader knows %d: %w", v, compactVersion, errs.ErrUnsupported)
	}
	prec := Precision(b[10])
	var width uint64
	switch prec {
	case Float32:
		width = 4
	case Float16:
		width = 2
	case Int8:
		width = 1
	default:
		return nil, fmt.Errorf("static: compact model precision %d: %w", prec, errs.ErrCorrupt)
	}
	if b[11] != 0 {
		return nil, fmt.Errorf("static: compact model flags %#x: %w", b[11], errs.ErrCorrupt)
	}
	dim, count, vocabN := uint64(le.Uint32(b[12:])), uint64(le.Uint32(b[16:])), uint64(le.Uint32(b[20:]))
	if dim == 0 || dim > MaxDim || count == 0 {
		return nil, fmt.Errorf("static: compact model dim %d, count %d: %w", dim, count, errs.ErrCorrupt)
	}
	if vocabN != 0 && vocabN < count {
		return nil, fmt.Errorf("static: compact model vocabulary size %d < count %d: %w", vocabN, count, errs.ErrCorrupt)
	}
	off := uint64(compactFixed)
	nameLen := uint64(le.Uint16(b[24:]))
	if off+nameLen+4 > uint64(len(body)) {
		return nil, fmt.Errorf("static: compact model truncated in its header: %w", errs.ErrCorrupt)
	}
	name := strings.ToValidUTF8(string(body[off:off+nameLen]), "\uFFFD")
	off += nameLen
	wordBytes := uint64(le.Uint32(body[off:]))
	off += 4
	need := off + wordBytes + count*dim*width
	if prec == Int8 {
		need += 4 * count
	}
	if need != uint64(len(body)) {
		return nil, fmt.Errorf("static: compact model is %d bytes, its header implies %d: %w", len(body), need, errs.ErrCorrupt)
	}
	wb := body[off : off+wordBytes]
	off += wordBytes
	words := make([]string, 0, count)
	for len(wb) > 0 && uint64(len(words)) < count {
		l, k := binary.Uvarint(wb)
		if k <= 0 || l > uint64(len(wb)-k) {
			return nil, fmt.Errorf("static: compact model word %d: bad length: %w", len(words)+1, errs.ErrCorrupt)
		}
		words = append(words, string(wb[k:k+int(l)]))
		wb = wb[k+int(l):]
	}
	if uint64(len(words)) != count || len(wb) != 0 {
		return nil, fmt.Errorf("static: compact model word block holds %d words, header says %d: %w", len(words), count, errs.ErrCorrupt)
	}
	mat := &matrix{prec: prec, dim: int(dim), rows: int(count)}
	switch prec {
	case Float32:
		raw := body[off:]
		mat.f32 = make([]float32, count*dim)
		for i := range mat.f32 {
			x := math.Float32frombits(le.Uint32(raw[4*i:]))
			if !finite32(x) {
				return nil, fmt.Errorf("static: compact model word %q: %w: %w", words[uint64(i)/dim], errs.ErrNonFinite, errs.ErrCorrupt)
			}
			mat.f32[i] = x
		}
	case Float16:
		mat.raw = body[off:]
		for i := 0; i < len(mat.raw); i += 2 {
			if le.Uint16(mat.raw[i:])&0x7c00 == 0x7c00 {
				return nil, fmt.Errorf("static: compact model word %q: %w: %w", words[uint64(i/2)/dim], errs.ErrNonFinite, errs.ErrCorrupt)
			}
		}
	case Int8:
		mat.scales = body[off : off+4*count]
		mat.raw = body[off+4*count:]
		for i := uint64(0); i < count; i++ {
			s := math.Float32frombits(le.Uint32(mat.scales[4*i:]))
			if !finite32(s) || s < 0 {
				return nil, fmt.Errorf("static: compact model word %q: scale %v: %w", words[i], s, errs.ErrCorrupt)
			}
		}
	}
	if name == "" {
		name = "static"
	}
	all := append([]Option{WithName(name), WithVocabularySize(int(vocabN))}, opts...)
	return build(words, mat, name, all, errs.ErrCorrupt)
}

// This file checks the issue-12 conventions: every reader and writer of a
// file or stream stops on a cancelled context, options are skipped when
// nil and name themselves and their value when they refuse it.

package static

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

// endlessText is an endless vector file that cancels its context after
// limit bytes: a reader that did not look at its context would never end.
type endlessText struct {
	cancel func()
	n      int
	limit  int
}

func (e *endlessText) Read(p []byte) (int, error) {
	if e.n >= e.limit {
		e.cancel()
	}
	line := []byte("w 0.5 0.25\n")
	k := 0
	for k+len(line) <= len(p) {
		// Distinct words, so that nothing is skipped as a duplicate.
		copy(p[k:], line)
		p[k] = byte('a' + (e.n/len(line))%26)
		k += len(line)
		e.n += len(line)
	}
	return k, nil
}

func TestReadersStopOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &endlessText{cancel: cancel, limit: 1 << 20}
	if _, err := ReadText(ctx, r); !errors.Is(err, context.Canceled) {
		t.Fatalf("ReadText of an endless stream: %v, want context.Canceled", err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	if _, err := ReadCompact(ctx2, &endlessText{cancel: cancel2, limit: 1 << 20}); !errors.Is(err, context.Canceled) {
		t.Fatalf("ReadCompact of an endless stream: %v, want context.Canceled", err)
	}

	// Already cancelled: every loader and writer returns ctx.Err().
	m, _ := randomModel(t, 3000, 4, 5)
	dir := t.TempDir()
	var txt bytes.Buffer
	for _, w := range m.Words() {
		v, _ := m.Vector(w)
		txt.WriteString(w)
		for _, x := range v {
			txt.WriteString(" 0.5")
			_ = x
		}
		txt.WriteByte('\n')
	}
	tpath := filepath.Join(dir, "v.txt")
	if err := os.WriteFile(tpath, txt.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cpath := filepath.Join(dir, "v.gwv")
	if err := SaveCompact(context.Background(), cpath, m, Float32); err != nil {
		t.Fatal(err)
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	for name, f := range map[string]func() error{
		"Load":          func() error { _, err := Load(done, tpath); return err },
		"Load compact":  func() error { _, err := Load(done, cpath); return err },
		"LoadText":      func() error { _, err := LoadText(done, tpath); return err },
		"LoadCompact":   func() error { _, err := LoadCompact(done, cpath); return err },
		"LoadModel2Vec": func() error { _, err := LoadModel2Vec(done, dir); return err },
		"ReadText":      func() error { _, err := ReadText(done, bytes.NewReader(txt.Bytes())); return err },
		"ReadWord2VecBinary": func() error {
			_, err := readBinary(done, bufio.NewReader(strings.NewReader("2000 1\n"+strings.Repeat("w \x00\x00\x00\x00", 2000))), "x", nil, -1)
			return err
		},
		"WriteCompact": func() error { return WriteCompact(done, io.Discard, m, Float32) },
		"SaveCompact":  func() error { return SaveCompact(done, filepath.Join(dir, "w.gwv"), m, Float32) },
	} {
		if err := f(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v, want context.Canceled", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "w.gwv")); !os.IsNotExist(err) {
		t.Errorf("SaveCompact cancelled left a file: %v", err)
	}
}

func TestOptionsConvention(t *testing.T) {
	m, _ := randomModel(t, 10, 3, 7)
	if _, err := m.With(nil, WithNormalize(true), nil); err != nil {
		t.Errorf("nil options: %v", err)
	}
	if _, err := New([]string{"a"}, []float32{1}, 1, nil); err != nil {
		t.Errorf("nil option to New: %v", err)
	}
	for want, o := range map[string]Option{
		"WithSIF(-1)":            WithSIF(-1),
		"WithMaxWords(-2)":       WithMaxWords(-2),
		"WithMaxTokens(-3)":      WithMaxTokens(-3),
		"WithVocabularySize(-4)": WithVocabularySize(-4),
		"WithVocabularySize(2)":  WithVocabularySize(2),
		"WithCommonComponents":   WithCommonComponents([]float32{1}),
	} {
		_, err := m.With(o)
		if !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want ErrInvalidOption naming it", want, err)
		}
	}
}

// truncation_test.go checks WithOnTruncate: which texts it reports, with
// their full lengths counted by an untruncated tokenizer, and that an
// error from it fails the call.

package transformer

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/errs"
)

func TestOnTruncate(t *testing.T) {
	dir := filepath.Join("testdata", "tiny-bert")
	long := strings.Repeat("the quick brown fox jumps over the lazy dog ", 10)
	texts := []string{"short one", long, "another short text", long + long}
	full, err := tokenizer.FromFile(filepath.Join(dir, "tokenizer.json"), tokenizer.WithoutTruncation(), tokenizer.WithoutPadding())
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]int{}
	for _, i := range []int{1, 3} {
		e, err := full.Encode(strings.TrimSpace(texts[i]), true)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = e.Len()
	}

	var mu sync.Mutex
	got := map[int]int{}
	m := mustLoad(t, dir, WithMaxSeqLength(32), WithBatchSize(2), WithOnTruncate(func(i, tokens int) error {
		mu.Lock()
		defer mu.Unlock()
		got[i] = tokens
		return nil
	}))
	vecs, err := m.Encode(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1] != want[1] || got[3] != want[3] || want[1] <= 32 {
		t.Errorf("reported %v, want %v", got, want)
	}
	// Reporting changes nothing in the vectors.
	ref := mustEncode(t, mustLoad(t, dir, WithMaxSeqLength(32), WithBatchSize(2)), texts)
	for i := range texts {
		if !slices.Equal(vecs[i], ref[i]) {
			t.Errorf("text %d: vector changed by WithOnTruncate", i)
		}
	}

	refuse := mustLoad(t, dir, WithMaxSeqLength(32), WithOnTruncate(func(i, tokens int) error { return errs.ErrInvalidInput }))
	if _, err := refuse.Encode(context.Background(), texts); !errors.Is(err, errs.ErrInvalidInput) || !strings.Contains(err.Error(), "max_seq_length 32") {
		t.Errorf("refusing: %v, want errs.ErrInvalidInput naming the limit", err)
	}
	if _, err := refuse.Encode(context.Background(), texts[:1]); err != nil {
		t.Errorf("a short text refused: %v", err)
	}
	if _, err := Load(context.Background(), dir, WithOnTruncate(nil)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("WithOnTruncate(nil): %v", err)
	}
}

// This file tests that a document or query whose text has no word the
// encoder knows fails with an error wrapping errs.ErrNoKnownTokens (as well
// as ErrInvalidVector) under Cosine, and that zero vectors with another
// cause do not claim it.

package ganada_test

import (
	"errors"
	"github.com/ganada/ganada/errs"
	"strings"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed/static"
	"github.com/ganada/ganada/embed/static/glove"
)

func TestNoKnownTokensWithGloVe(t *testing.T) {
	enc, err := glove.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			c, err := ganada.NewCollection(enc, withIndex(kind))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Add(ctx, ganada.Document{ID: "cat", Text: "The cat sleeps."}); err != nil {
				t.Fatal(err)
			}
			for _, text := range []string{"", "한국어 문장", "!!! ...", "qzxjvk wqpfzz"} {
				err := c.Add(ctx, ganada.Document{ID: "fine", Text: "a dog barks"}, ganada.Document{ID: "unknown", Text: text})
				for _, want := range []error{errs.ErrNoKnownTokens, errs.ErrInvalidVector, errs.ErrInvalidInput} {
					if !errors.Is(err, want) {
						t.Errorf("Add text %q: err = %v, want it to wrap %v", text, err, want)
					}
				}
				if err != nil && !strings.Contains(err.Error(), `"unknown"`) {
					t.Errorf("error %q does not name the document", err)
				}
				if c.Len() != 1 {
					t.Fatalf("a failed Add changed the collection")
				}
				_, err = c.Query(ctx, text, 1)
				if !errors.Is(err, errs.ErrNoKnownTokens) || !errors.Is(err, errs.ErrInvalidVector) {
					t.Errorf("Query %q: err = %v, want ErrNoKnownTokens and ErrZeroVector", text, err)
				}
			}
		})
	}
}

func TestZeroVectorOfKnownWords(t *testing.T) {
	// "north" is the common component, so its sentence vector is zero
	// although the model knows it: a zero vector, but not ErrNoKnownTokens.
	m, err := static.New([]string{"north", "east"}, []float32{1, 0, 0, 1}, 2, static.WithCommonComponents([]float32{1, 0}))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ganada.NewCollection(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Add(ctx, ganada.Document{ID: "e", Text: "east"}); err != nil {
		t.Fatal(err)
	}
	err = c.Add(ctx, ganada.Document{ID: "n", Text: "north"})
	if !errors.Is(err, errs.ErrInvalidVector) || errors.Is(err, errs.ErrNoKnownTokens) {
		t.Errorf("known word with a zero vector: %v, want ErrZeroVector without ErrNoKnownTokens", err)
	}
	err = c.Add(ctx, ganada.Document{ID: "w", Text: "west"})
	if !errors.Is(err, errs.ErrInvalidVector) || !errors.Is(err, errs.ErrNoKnownTokens) {
		t.Errorf("unknown word: %v, want ErrZeroVector and ErrNoKnownTokens", err)
	}
	// An encoder that cannot tell (no Tokens method) gets no claim either.
	h := newCol(t, newHashEncoder(8))
	if err := h.Add(ctx, ganada.Document{ID: "z", Text: "..."}); !errors.Is(err, errs.ErrInvalidVector) || errors.Is(err, errs.ErrNoKnownTokens) {
		t.Errorf("hash encoder's zero vector: %v", err)
	}
}

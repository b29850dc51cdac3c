// This file checks that the quickstart runs and ranks the obvious match
// first, with the padding mask doing its job.

package main

import (
	"math"
	"testing"
)

func TestQuickstartRuns(t *testing.T) {
	if err := run(); err != nil {
		t.Fatal(err)
	}
}

func TestEncodeBatchIgnoresPadding(t *testing.T) {
	// The same text alone and in a batch with a much longer one (so padded)
	// must get the same vector.
	alone, err := encodeBatch([]string{"tomato sauce"})
	if err != nil {
		t.Fatal(err)
	}
	padded, err := encodeBatch([]string{"tomato sauce", "one two three four five six seven eight"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range alone[0] {
		if math.Abs(float64(alone[0][i]-padded[0][i])) > 1e-6 {
			t.Fatalf("padding changed the vector at %d: %g vs %g", i, alone[0][i], padded[0][i])
		}
	}
	order, _ := rank(alone[0], [][]float32{padded[1], padded[0]})
	if order[0] != 1 {
		t.Errorf("identical text did not rank first: %v", order)
	}
}

func TestEncodeBatchRejectsEmptyText(t *testing.T) {
	if _, err := encodeBatch([]string{"the of and"}); err == nil {
		t.Error("a text of stop words only should fail to pool")
	}
}

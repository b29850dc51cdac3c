// alloc_test.go checks that steady-state encoding allocates nothing but
// its results: activations, attention buffers and GEMM scratch are reused
// from call to call.

package transformer

import (
	"context"
	"testing"

	"github.com/ganada/ganada/embed/tokenizer"
)

func TestSteadyStateAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	g := loadGolden(t, "tiny-bert", "public")
	var ids [][]int
	for _, it := range g.Items {
		ids = append(ids, it.InputIDs)
	}
	ctx := context.Background()
	for _, workers := range []int{1, 2} {
		for _, bs := range []int{1, 16} {
			m := mustLoad(t, g.dir, WithWorkers(workers), WithBatchSize(bs))
			if _, err := m.EncodeTokenIDs(ctx, ids); err != nil {
				t.Fatal(err)
			}
			// The results: the outer slice, and per sequence its rows'
			// backing array and the slice of rows.
			want := float64(1 + 2*len(ids))
			got := testing.AllocsPerRun(5, func() {
				if _, err := m.EncodeTokenIDs(ctx, ids); err != nil {
					t.Fatal(err)
				}
			})
			if got > want {
				t.Errorf("%d workers, batch size %d: %v allocations per EncodeTokenIDs of %d sequences, want %v (the results only)", workers, bs, got, len(ids), want)
			}
		}
	}
}

// TestSteadyStateAllocsText checks Encode: tokenisation reuses the
// runner's Encodings, so a warm model allocates the results and whatever
// the tokenizer itself allocates in EncodeInto (measured separately here),
// nothing else. One worker only: with several, the tokenizer's own pooled
// workspaces miss now and then (sync.Pool is per processor), which is
// not this package's allocation; TestSteadyStateAllocs covers the
// encoder with several workers.
func TestSteadyStateAllocsText(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	g := loadGolden(t, "tiny-bert", "public")
	texts := goldenTexts(g)
	for _, workers := range []int{1} {
		m := mustLoad(t, g.dir, WithWorkers(workers), WithBatchSize(16))
		mustEncode(t, m, texts)
		encs := make([]tokenizer.Encoding, len(texts))
		tokenize := func() {
			for i, text := range texts {
				if err := m.Tokenizer().EncodeInto(&encs[i], m.prepare(text), true); err != nil {
					t.Fatal(err)
				}
			}
		}
		tokenize()
		tok := testing.AllocsPerRun(5, tokenize)
		got := testing.AllocsPerRun(5, func() { mustEncode(t, m, texts) })
		// The result: the outer slice and the vectors' backing array.
		if got > 2+tok {
			t.Errorf("%d workers: %v allocations per Encode of %d texts, want at most 2 (the results) + %v (the tokenizer's)", workers, got, len(texts), tok)
		}
		t.Logf("%d workers: %v allocations per Encode of %d texts, %v of them the tokenizer's", workers, got, len(texts), tok)
	}
}

// TestRunnerPool checks what a Model keeps between calls: buffers grown by
// a very large batch are dropped, and at most maxIdleRunners runners stay
// after many concurrent calls.
func TestRunnerPool(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	m := mustLoad(t, g.dir, WithBatchSize(1000), WithWorkers(2))
	long := make([]int, 500)
	for i := range long {
		long[i] = 1000 + i
	}
	long[0], long[len(long)-1] = 101, 102
	ids := make([][]int, 8) // 4,000 rows: beyond keepRows
	for i := range ids {
		ids[i] = long
	}
	if _, err := m.EncodeTokenIDs(context.Background(), ids); err != nil {
		t.Fatal(err)
	}
	if len(m.runners) != 1 || m.runners[0].x != nil || m.runners[0].scores[0] != nil {
		t.Errorf("after a %d-row batch the idle runner keeps its buffers", 8*len(long))
	}
	texts := goldenTexts(g)
	done := make(chan error)
	for i := 0; i < 3*maxIdleRunners; i++ {
		go func() {
			_, err := m.Encode(context.Background(), texts)
			done <- err
		}()
	}
	for i := 0; i < 3*maxIdleRunners; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := len(m.runners); n > maxIdleRunners {
		t.Errorf("%d idle runners kept, want at most %d", n, maxIdleRunners)
	}
}

// stress_test.go hammers the Model's runner pool (how concurrent Encode
// calls take, grow, trim and return runners and their workspaces) from
// many goroutines at once, with prompts of the caller's choice (EncodePrompted), a
// CPU burner beside them and Close racing the calls at the end. Run it
// with -race; -short keeps it to about a second of hammering.

package transformer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

// stressCall is one encoding call of the stress test.
type stressCall struct {
	name string
	run  func(ctx context.Context) ([][]float32, error) // rows of all outputs, flattened per input
}

// flattenTokens turns EncodeTokens' per-token rows into one vector per
// input, for comparison.
func flattenTokens(v [][][]float32, err error) ([][]float32, error) {
	if err != nil {
		return nil, err
	}
	out := make([][]float32, len(v))
	for i, rows := range v {
		for _, r := range rows {
			out[i] = append(out[i], r...)
		}
	}
	return out, nil
}

func TestRunnerPoolStress(t *testing.T) {
	g := loadGolden(t, "tiny-xlmr", "public")
	m, err := Load(context.Background(), g.dir, WithBatchSize(6), WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			m.Close()
		}
	}()
	texts := goldenTexts(g)
	// Long id sequences: a batch of 6 × 400 rows is beyond keepRows, so
	// the runner that takes it grows its buffers and trims them after.
	long := make([][]int, 6)
	for i := range long {
		long[i] = make([]int, 400-i*37)
		for j := range long[i] {
			long[i][j] = 5 + (i*131+j*17)%7000
		}
		long[i][0], long[i][len(long[i])-1] = 0, 2
	}
	// Calls of 1 text (products split across workers), a few, and many
	// (batches split by whole texts), through Encode, EncodePrompted and EncodeTokens.
	var calls []stressCall
	for k, n := range []int{1, 2, 3, 7, 13, 29, 64} {
		lo := (k * 11) % (len(texts) - n + 1)
		sub := texts[lo : lo+n]
		calls = append(calls,
			stressCall{fmt.Sprintf("Encode %d", n), func(ctx context.Context) ([][]float32, error) { return m.Encode(ctx, sub) }},
			stressCall{fmt.Sprintf("EncodePrompted %d", n), func(ctx context.Context) ([][]float32, error) { return m.EncodePrompted(ctx, "query: ", sub) }},
			stressCall{fmt.Sprintf("EncodeTokens %d", n), func(ctx context.Context) ([][]float32, error) {
				return flattenTokens(m.EncodeTokens(ctx, sub))
			}})
	}
	for _, n := range []int{1, 6} {
		ids := long[:n]
		calls = append(calls, stressCall{fmt.Sprintf("EncodeTokenIDs long %d", n), func(ctx context.Context) ([][]float32, error) {
			return flattenTokens(m.EncodeTokenIDs(ctx, ids))
		}})
	}

	// Serial results, each call run twice: a call's results must not
	// depend on which runner or worker ran it.
	ctx := context.Background()
	want := make([][][]float32, len(calls))
	for i, c := range calls {
		for rep := 0; rep < 2; rep++ {
			v, err := c.run(ctx)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if rep == 1 {
				if err := sameVectors(v, want[i]); err != nil {
					t.Fatalf("%s run twice serially: %v", c.name, err)
				}
			}
			want[i] = v
		}
	}

	hammer := 3 * time.Second
	if testing.Short() {
		hammer = time.Second
	}
	defer testutil.BurnCPU(t)()

	var (
		wg       sync.WaitGroup
		closing  atomic.Bool // set just before Close is called
		finished atomic.Bool // set when Close has returned
		ok, shut atomic.Int64
		failOnce sync.Once
		failure  error
	)
	fail := func(err error) { failOnce.Do(func() { failure = err }) }
	before := runtime.NumGoroutine()
	const goroutines = 8
	for w := 0; w < goroutines; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := w; ; k++ {
				i := (k * 7) % len(calls)
				after := finished.Load()
				v, err := calls[i].run(ctx)
				switch {
				case errors.Is(err, errs.ErrClosed):
					if !closing.Load() {
						fail(fmt.Errorf("goroutine %d, %s: errs.ErrClosed before Close", w, calls[i].name))
					}
					shut.Add(1)
					return
				case err != nil:
					fail(fmt.Errorf("goroutine %d, %s: %v", w, calls[i].name, err))
					return
				case after:
					fail(fmt.Errorf("goroutine %d, %s: succeeded after Close returned", w, calls[i].name))
					return
				}
				if err := sameVectors(v, want[i]); err != nil {
					fail(fmt.Errorf("goroutine %d, %s: concurrent result differs from the serial one: %v", w, calls[i].name, err))
					return
				}
				ok.Add(1)
			}
		}(w)
	}
	// Close while the calls run: it waits for the running ones, and every
	// later call returns errs.ErrClosed.
	time.Sleep(hammer)
	closing.Store(true)
	closeDone := make(chan error, 1)
	go func() {
		err := m.Close()
		finished.Store(true)
		closeDone <- err
	}()
	wait := make(chan struct{})
	go func() { wg.Wait(); close(wait) }()
	select {
	case <-wait:
	case <-time.After(2 * time.Minute):
		t.Fatal("encoding goroutines did not finish after Close")
	}
	if err := <-closeDone; err != nil {
		t.Fatalf("Close: %v", err)
	}
	closed = true
	if failure != nil {
		t.Fatal(failure)
	}
	t.Logf("%d calls matched the serial results; %d goroutines ended with errs.ErrClosed", ok.Load(), shut.Load())
	if ok.Load() == 0 || shut.Load() != goroutines {
		t.Errorf("%d calls done, %d goroutines saw errs.ErrClosed (want %d)", ok.Load(), shut.Load(), goroutines)
	}
	if len(m.runners) != 0 {
		t.Errorf("%d runners left after Close", len(m.runners))
	}
	if _, err := m.EncodePrompted(ctx, "query: ", texts[:1]); !errors.Is(err, errs.ErrClosed) {
		t.Errorf("EncodePrompted after Close: %v", err)
	}
	// The encoding goroutines and the runners' worker goroutines have
	// stopped (before counts the idle runner of the serial calls).
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before the encoding goroutines started", n, before)
	}
}

// sameVectors reports the first difference between two lists of vectors.
func sameVectors(got, want [][]float32) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d vectors, want %d", len(got), len(want))
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return fmt.Errorf("vector %d: length %d, want %d", i, len(got[i]), len(want[i]))
		}
		for j := range got[i] {
			if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
				return fmt.Errorf("vector %d component %d: %g, want %g", i, j, got[i][j], want[i][j])
			}
		}
	}
	return nil
}

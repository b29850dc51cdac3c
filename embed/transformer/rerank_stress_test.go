// rerank_stress_test.go runs CrossEncoder and M3 calls from several
// goroutines at once beside a CPU burner, checking every result against a
// single-goroutine run, then closes them while calls run: each call either
// completes with the right result or returns errs.ErrClosed. Run it with
// -race; -short keeps it brief.

package transformer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

func TestRerankConcurrent(t *testing.T) {
	ce, err := LoadCrossEncoder(context.Background(), ceFixture(t, "tiny-xlmr-ce"), WithBatchSize(4), WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	m3, err := LoadM3(context.Background(), ceFixture(t, "tiny-bge-m3"), WithBatchSize(3), WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	g := readCEGolden(t, goldenPath(ceFixture(t, "tiny-xlmr-ce")))
	var passages []string
	for _, it := range g.Items[:12] {
		passages = append(passages, it.TextPair)
	}
	query := g.Items[0].Text
	wantCE, err := ce.Rerank(context.Background(), query, passages)
	if err != nil {
		t.Fatal(err)
	}
	wantM3, err := m3.EncodeM3(context.Background(), passages)
	if err != nil {
		t.Fatal(err)
	}
	d := 2 * time.Second
	if testing.Short() {
		d = 300 * time.Millisecond
	}
	defer testutil.BurnCPU(t)()
	var closed atomic.Bool
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	deadline := time.Now().Add(d)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline) || !closed.Load(); i++ {
				n := 1 + (w+i)%len(passages)
				if w%2 == 0 {
					got, err := ce.Rerank(context.Background(), query, passages[:n])
					if errors.Is(err, errs.ErrClosed) {
						return
					}
					if err == nil && testutil.MaxAbsDiff(got, wantCE[:n]) > 1e-5 {
						err = fmt.Errorf("scores differ from a lone call by %g", testutil.MaxAbsDiff(got, wantCE[:n]))
					}
					if err != nil {
						errc <- fmt.Errorf("goroutine %d, Rerank of %d: %w", w, n, err)
						return
					}
					continue
				}
				got, err := m3.EncodeM3(context.Background(), passages[:n])
				if errors.Is(err, errs.ErrClosed) {
					return
				}
				if err == nil {
					for k := range got {
						if diff := testutil.MaxAbsDiff(got[k].Dense, wantM3[k].Dense); diff > 1e-5 || len(got[k].ColBERT) != len(wantM3[k].ColBERT) || got[k].Sparse.Len() != wantM3[k].Sparse.Len() {
							err = fmt.Errorf("text %d differs from a lone call", k)
						}
					}
				}
				if err != nil {
					errc <- fmt.Errorf("goroutine %d, EncodeM3 of %d: %w", w, n, err)
					return
				}
			}
		}(w)
	}
	time.Sleep(d)
	closed.Store(true)
	if err := ce.Close(); err != nil {
		t.Error(err)
	}
	if err := m3.Close(); err != nil {
		t.Error(err)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if _, err := ce.Rerank(context.Background(), query, passages); !errors.Is(err, errs.ErrClosed) {
		t.Errorf("Rerank after Close: %v", err)
	}
	if _, err := m3.EncodeM3(context.Background(), passages); !errors.Is(err, errs.ErrClosed) {
		t.Errorf("EncodeM3 after Close: %v", err)
	}
}

func goldenPath(dir string) string { return dir + "/goldens/public.json" }

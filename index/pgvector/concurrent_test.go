// This file runs searches and writes on one Index from several goroutines
// at once (more than the pool has connections), under -race in CI: every
// call succeeds, every search sees whole batches only, and the table ends
// as the writers left it.

package pgvector_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ganada/ganada/index"
)

func TestConcurrent(t *testing.T) {
	ctx := ctxT(t)
	pool := newPool(t)
	const dim, batch = 8, 20
	x := open(t, pool, tableName("conc"), dim, index.L2)
	rounds := 9
	if testing.Short() {
		rounds = 3
	}
	var wg sync.WaitGroup
	errc := make(chan error, 64)
	stop := make(chan struct{})
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := x.Search(ctx, randVecs(r, 1, dim)[0], 2*batch)
				if err != nil {
					errc <- err
					return
				}
				// Batches are written whole: the rows seen are whole batches.
				if len(res)%batch != 0 && len(res) < 2*batch {
					errc <- fmt.Errorf("a search saw %d rows, not whole batches of %d", len(res), batch)
					return
				}
			}
		}()
	}
	r := rand.New(rand.NewPCG(42, 42))
	for i := range rounds {
		if err := x.AddBatch(ctx, seq(batch, uint64(i*batch)), randVecs(r, batch, dim)); err != nil {
			t.Fatal(err)
		}
		if i%3 == 2 {
			for _, id := range seq(batch, uint64((i-1)*batch)) {
				if err := x.Delete(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	want := (rounds - rounds/3) * batch
	if n, err := x.Count(context.Background()); err != nil || n != want {
		t.Fatalf("%d rows, want %d (%v)", n, want, err)
	}
}

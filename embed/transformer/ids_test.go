// ids_test.go checks EncodeTokenIDs: the goldens' own token ids give the
// goldens' hidden states, in any batching, and bad ids are errors.

package transformer

import (
	"context"
	"errors"
	"testing"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

func TestEncodeTokenIDs(t *testing.T) {
	ctx := context.Background()
	for _, model := range []string{"tiny-bert", "tiny-xlmr"} {
		g := loadGolden(t, model, "public")
		var ids [][]int
		for _, it := range g.Items {
			ids = append(ids, it.InputIDs)
		}
		for _, bw := range [][2]int{{1, 1}, {7, 2}, {64, 2}} {
			m := mustLoad(t, g.dir, WithBatchSize(bw[0]), WithWorkers(bw[1]))
			states, err := m.EncodeTokenIDs(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for i, it := range g.Items {
				var flat []float32
				for _, row := range states[i] {
					flat = append(flat, row...)
				}
				d := testutil.MaxAbsDiff(flat, it.hidden)
				if d > 1e-4 {
					t.Errorf("%s %v: item %d: last_hidden_state max abs diff %.3g", model, bw, i, d)
				}
				worst = max(worst, d)
			}
			t.Logf("%s, batch size %d, %d workers: max abs diff %.3g", model, bw[0], bw[1], worst)
		}
	}

	m := mustLoad(t, "testdata/tiny-bert")
	if out, err := m.EncodeTokenIDs(ctx, nil); err != nil || len(out) != 0 {
		t.Errorf("no sequences: %v, %v", out, err)
	}
	long := make([]int, 513) // tiny-bert has 512 positions
	for _, bad := range [][][]int{
		{{101, 102}, {}},
		{{101, -1, 102}},
		{{101, 30522, 102}},
		{long},
	} {
		// The caller's ids are invalid input, not a corrupt model.
		if _, err := m.EncodeTokenIDs(ctx, bad); !errors.Is(err, errs.ErrInvalidInput) || errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("%d-token sequences: error %v, want errs.ErrInvalidInput only", len(bad[len(bad)-1]), err)
		}
	}
	m.Close()
	if _, err := m.EncodeTokenIDs(ctx, [][]int{{101, 102}}); !errors.Is(err, errs.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

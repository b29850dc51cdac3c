// chunking_test.go checks WithChunking (documents stored as chunks that
// are replaced and deleted with their parent, and saved) and WithParents
// (one hit per document).

package ganada_test

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/chunk"
	"github.com/ganada/ganada/errs"
)

func TestChunking(t *testing.T) {
	split, err := chunk.New(chunk.Words, 6, chunk.WithOverlap(0))
	if err != nil {
		t.Fatal(err)
	}
	enc := newHashEncoder(16)
	c := newCol(t, enc, ganada.WithFlat(), ganada.WithChunking(split))
	long := "Hangul was created in 1443. It was published in 1446. Its letters form syllable blocks. Unicode encodes all of them."
	docs := []ganada.Document{
		{ID: "long", Text: long, Metadata: map[string]string{"lang": "en"}},
		{ID: "short", Text: "a short note about letters"},
	}
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	chunkIDs := func() []string {
		var out []string
		for _, id := range c.IDs() {
			if strings.HasPrefix(id, "long#") {
				out = append(out, id)
			}
		}
		sort.Strings(out)
		return out
	}
	if got := chunkIDs(); !reflect.DeepEqual(got, []string{"long#0", "long#1", "long#2", "long#3"}) || c.Contains("long") || !c.Contains("short") {
		t.Fatalf("stored %v", c.IDs())
	}
	for _, id := range chunkIDs() {
		d, _ := c.Get(id)
		h := ganada.Hit{ID: d.ID, Text: d.Text, Metadata: d.Metadata}
		s, e, ok := h.Offsets()
		if !ok || long[s:e] != d.Text || h.Parent() != "long" || d.Metadata["lang"] != "en" {
			t.Fatalf("chunk %s: %+v", id, d)
		}
	}

	// One hit per document, the best chunk of each.
	hits, err := c.Query(ctx, "Hangul letters", 2, ganada.WithParents())
	if err != nil {
		t.Fatal(err)
	}
	all, _ := c.Query(ctx, "Hangul letters", 10, ganada.WithExactSearch())
	want := map[string]ganada.Hit{}
	for _, h := range all {
		if _, ok := want[h.Parent()]; !ok {
			want[h.Parent()] = h
		}
	}
	if len(hits) != 2 || hits[0].Parent() == hits[1].Parent() {
		t.Fatalf("WithParents hits %+v", hits)
	}
	for _, h := range hits {
		if want[h.Parent()].ID != h.ID {
			t.Errorf("hit %s is not the best chunk of %s (%s)", h.ID, h.Parent(), want[h.Parent()].ID)
		}
	}

	// Saved and loaded, chunks are documents like any other.
	l, err := ganada.Load(ctx, saveTemp(t, c), enc, ganada.WithChunking(split))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(snapshot(t, l), snapshot(t, c)) {
		t.Fatal("chunks differ after a round trip")
	}

	// Re-adding with fewer chunks removes the extra ones; one chunk stores
	// the document whole; many again removes the whole one.
	if err := c.Add(ctx, ganada.Document{ID: "long", Text: "Hangul was created in 1443. It was published in 1446."}); err != nil {
		t.Fatal(err)
	}
	if got := chunkIDs(); !reflect.DeepEqual(got, []string{"long#0", "long#1"}) || c.Contains("long") {
		t.Fatalf("after a shorter text: %v", c.IDs())
	}
	if err := c.Add(ctx, ganada.Document{ID: "long", Text: "now short"}); err != nil {
		t.Fatal(err)
	}
	if got := chunkIDs(); len(got) != 0 || !c.Contains("long") {
		t.Fatalf("after one chunk: %v", c.IDs())
	}
	if err := c.Add(ctx, ganada.Document{ID: "long", Text: long}); err != nil {
		t.Fatal(err)
	}
	if got := chunkIDs(); len(got) != 4 || c.Contains("long") {
		t.Fatalf("after chunking again: %v", c.IDs())
	}
	// Delete of the parent deletes its chunks.
	if err := c.Delete(ctx, "long"); err != nil {
		t.Fatal(err)
	}
	if got := chunkIDs(); len(got) != 0 || c.Len() != 1 {
		t.Fatalf("after Delete: %v", c.IDs())
	}
	if err := c.Delete(ctx, "long"); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}
	if _, err := ganada.NewCollection(enc, ganada.WithChunking(nil)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("WithChunking(nil): %v", err)
	}
}

// setmetadata_test.go checks SetMetadata: the new metadata is what Get,
// filters and a saved file see, the text and vector stay, nothing is
// encoded, errors are the documented ones, and queries racing it see the
// old or the new metadata whole (run with -race).

package ganada_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/errs"
)

func TestSetMetadata(t *testing.T) {
	enc := newHashEncoder(8)
	c, err := ganada.NewCollection(enc, ganada.WithFlat(), ganada.WithLexical())
	if err != nil {
		t.Fatal(err)
	}
	docs := corpus(20, 4)
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	v0, _ := ganada.DocVector(c, docs[3].ID)
	calls := len(enc.encodedTexts())
	md := map[string]string{"tag": "x"}
	if err := c.SetMetadata(ctx, docs[3].ID, md); err != nil {
		t.Fatal(err)
	}
	md["tag"] = "changed after the call"
	if len(enc.encodedTexts()) != calls {
		t.Fatal("SetMetadata encoded")
	}
	check := func(c *ganada.Collection) {
		t.Helper()
		d, ok := c.Get(docs[3].ID)
		if !ok || d.Text != docs[3].Text || !reflect.DeepEqual(d.Metadata, map[string]string{"tag": "x"}) {
			t.Fatalf("Get: %+v", d)
		}
		if v, _ := ganada.DocVector(c, docs[3].ID); !reflect.DeepEqual(v, v0) {
			t.Fatal("vector changed")
		}
		for _, opt := range []ganada.QueryOption{nil, ganada.WithLexicalOnly()} {
			hits, err := c.Query(ctx, docs[3].Text, 5, opt, ganada.WithFilter(ganada.Where("tag", "x")))
			if err != nil || len(hits) != 1 || hits[0].ID != docs[3].ID {
				t.Fatalf("filtered query: %+v %v", hits, err)
			}
		}
	}
	check(c)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	c2, err := ganada.Read(ctx, &buf, enc)
	if err != nil {
		t.Fatal(err)
	}
	check(c2)
	if err := c.SetMetadata(ctx, "absent", nil); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("absent ID: %v", err)
	}
	if err := c.SetMetadata(ctx, docs[0].ID, map[string]string{"k": "\xff"}); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("invalid UTF-8: %v", err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.SetMetadata(done, docs[0].ID, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if d, _ := c.Get(docs[0].ID); !reflect.DeepEqual(d.Metadata, docs[0].Metadata) {
		t.Fatal("a failed SetMetadata changed the metadata")
	}
}

// TestSetMetadataConcurrent: queries racing SetMetadata see each
// document's metadata whole: both keys of one version.
func TestSetMetadataConcurrent(t *testing.T) {
	c, err := ganada.NewCollection(newHashEncoder(8))
	if err != nil {
		t.Fatal(err)
	}
	docs := corpus(50, 9)
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	n := 2000
	if testing.Short() {
		n = 200
	}
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			v := fmt.Sprint(i)
			if err := c.SetMetadata(ctx, docs[i%len(docs)].ID, map[string]string{"a": v, "b": v}); err != nil {
				errc <- err
				return
			}
		}
	}()
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n/4; i++ {
				hits, err := c.Query(ctx, docs[i%len(docs)].Text, 10, ganada.WithFilter(ganada.FilterFunc(func(d ganada.Document) bool {
					return d.Metadata["a"] == d.Metadata["b"]
				})))
				if err != nil {
					errc <- err
					return
				}
				for _, h := range hits {
					if h.Metadata["a"] != h.Metadata["b"] {
						errc <- fmt.Errorf("%q: torn metadata %v", h.ID, h.Metadata)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
}

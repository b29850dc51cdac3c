// This file tests Collection's Add, Query, QueryVector, Delete, replacement,
// filters and accessors against brute-force float64 references.

package ganada_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index/hnsw"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/index"
)

var ctx = context.Background()

func kinds() []ganada.IndexKind { return []ganada.IndexKind{ganada.HNSW, ganada.Flat} }

// withIndex selects the index of kind; hnsw options apply to HNSW only.
func withIndex(kind ganada.IndexKind, opts ...hnsw.Option) ganada.Option {
	if kind == ganada.Flat {
		return ganada.WithFlat()
	}
	return ganada.WithHNSW(opts...)
}

func newCol(t testing.TB, enc embed.Encoder, opts ...ganada.Option) *ganada.Collection {
	t.Helper()
	c, err := ganada.NewCollection(enc, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestQueryMatchesBruteForce(t *testing.T) {
	docs := corpus(400, 1)
	queries := []string{"alpha beta", "apple mango peach", "omega", "sigma tau upsilon phi", "lemon alpha chi"}
	for _, kind := range kinds() {
		for _, m := range []index.Metric{index.Cosine, index.Dot, index.L2} {
			t.Run(fmt.Sprintf("%v/%v", kind, m), func(t *testing.T) {
				enc := newHashEncoder(24)
				c := newCol(t, enc, withIndex(kind), ganada.WithMetric(m))
				if err := c.Add(ctx, docs...); err != nil {
					t.Fatal(err)
				}
				if c.Len() != len(docs) {
					t.Fatalf("Len = %d, want %d", c.Len(), len(docs))
				}
				for _, q := range queries {
					want := bruteForce(enc, docs, q, m, nil)
					hits, err := c.Query(ctx, q, 10, ganada.WithExactSearch())
					if err != nil {
						t.Fatal(err)
					}
					checkAgainst(t, hits, want, 10)
					if kind == ganada.Flat {
						continue
					}
					// Approximate search: recall@10 against the reference.
					hits, err = c.Query(ctx, q, 10)
					if err != nil {
						t.Fatal(err)
					}
					if r := recall(hits, want, 10); r < 0.9 {
						t.Errorf("%q: recall@10 = %.2f", q, r)
					}
				}
			})
		}
	}
}

func recall(hits []ganada.Hit, want []refHit, k int) float64 {
	// Tie-aware: any hit scoring at least the k-th reference score counts.
	if len(want) < k {
		k = len(want)
	}
	kth := want[k-1].score
	n := 0
	for _, h := range hits {
		if float64(h.Score) >= kth-1e-4*math.Max(1, math.Abs(kth)) {
			n++
		}
	}
	return float64(n) / float64(k)
}

func TestHitsCarryDocuments(t *testing.T) {
	enc := newHashEncoder(16)
	c := newCol(t, enc)
	docs := corpus(50, 2)
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	byID := map[string]ganada.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	hits, err := c.Query(ctx, docs[7].Text, 5)
	if err != nil {
		t.Fatal(err)
	}
	if hits[0].ID != docs[7].ID || math.Abs(float64(hits[0].Score)-1) > 1e-5 {
		t.Fatalf("a document's own text should rank it first with cosine 1, got %+v", hits[0])
	}
	for _, h := range hits {
		d := byID[h.ID]
		if h.Text != d.Text || !reflect.DeepEqual(h.Metadata, d.Metadata) {
			t.Fatalf("hit %+v does not carry document %+v", h, d)
		}
	}
	// Hits hold copies.
	hits[0].Metadata["lang"] = "changed"
	if g, _ := c.Get(docs[7].ID); g.Metadata["lang"] == "changed" {
		t.Fatal("modifying a hit's metadata changed the stored document")
	}
}

func TestQueryVector(t *testing.T) {
	enc := newHashEncoder(16)
	c := newCol(t, enc, ganada.WithFlat())
	docs := corpus(80, 3)
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	v, _ := enc.Encode(ctx, []string{"alpha omega pear"})
	hits, err := c.QueryVector(ctx, v[0], 7)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainst(t, hits, bruteForce(enc, docs, "alpha omega pear", index.Cosine, nil), 7)
	// k above Len returns everything.
	hits, err = c.QueryVector(ctx, v[0], 1000)
	if err != nil || len(hits) != len(docs) {
		t.Fatalf("k > Len: %d hits, %v", len(hits), err)
	}
}

func TestAccessors(t *testing.T) {
	enc := newHashEncoder(8)
	c := newCol(t, enc)
	if c.Len() != 0 || c.Contains("a") || len(c.IDs()) != 0 {
		t.Fatal("new collection not empty")
	}
	if hits, err := c.Query(ctx, "alpha", 3); err != nil || len(hits) != 0 {
		t.Fatalf("query on empty collection: %v, %v", hits, err)
	}
	md := map[string]string{"k": "v"}
	if err := c.Add(ctx, ganada.Document{ID: "b", Text: "beta", Metadata: md}, ganada.Document{ID: "a", Text: "alpha"}); err != nil {
		t.Fatal(err)
	}
	md["k"] = "changed after Add"
	if got := c.IDs(); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("IDs = %v", got)
	}
	d, ok := c.Get("b")
	if !ok || d.Text != "beta" || d.Metadata["k"] != "v" {
		t.Fatalf("Get(b) = %+v, %v (Add must copy metadata)", d, ok)
	}
	d.Metadata["k"] = "x"
	if d2, _ := c.Get("b"); d2.Metadata["k"] != "v" {
		t.Fatal("Get must return a copy of the metadata")
	}
	if _, ok := c.Get("zz"); ok {
		t.Fatal("Get of an absent id")
	}
	if !c.Contains("a") || c.Contains("c") || c.Dim() != 8 || c.Index() != ganada.HNSW || c.Metric() != index.Cosine {
		t.Fatal("accessors disagree")
	}
	if c.Identity() != enc.Identity() || c.Encoder() != enc {
		t.Fatal("identity/encoder")
	}
}

func TestReplace(t *testing.T) {
	for _, kind := range kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			enc := newHashEncoder(16)
			c := newCol(t, enc, withIndex(kind))
			docs := corpus(100, 4)
			if err := c.Add(ctx, docs...); err != nil {
				t.Fatal(err)
			}
			repl := ganada.Document{ID: docs[10].ID, Text: "zzz unique replacement words", Metadata: map[string]string{"lang": "xx"}}
			if err := c.Add(ctx, repl); err != nil {
				t.Fatal(err)
			}
			if c.Len() != len(docs) {
				t.Fatalf("Len after replace = %d", c.Len())
			}
			got, _ := c.Get(repl.ID)
			if !reflect.DeepEqual(got, repl) {
				t.Fatalf("Get after replace = %+v", got)
			}
			hits, err := c.Query(ctx, "zzz unique replacement words", 3)
			if err != nil {
				t.Fatal(err)
			}
			if hits[0].ID != repl.ID || hits[0].Text != repl.Text || hits[0].Metadata["lang"] != "xx" || hits[0].Score < 0.9999 {
				t.Fatalf("replacement not found by its new text: %+v", hits[0])
			}
			// The old vector is gone: querying the old text must not return the
			// document with score 1, and the id appears at most once.
			hits, err = c.Query(ctx, docs[10].Text, len(docs), ganada.WithExactSearch())
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, h := range hits {
				if h.ID == repl.ID {
					seen++
					want := score64(index.Cosine, enc.vector(docs[10].Text), enc.vector(repl.Text))
					if math.Abs(float64(h.Score)-want) > 1e-4 {
						t.Fatalf("replaced doc scored %v against its old text, want %v (the new vector's)", h.Score, want)
					}
				}
			}
			if seen != 1 || len(hits) != len(docs) {
				t.Fatalf("replaced doc seen %d times among %d hits", seen, len(hits))
			}
			// Filters see the new metadata only.
			hits, _ = c.Query(ctx, "alpha", 10, ganada.WithFilter(ganada.Where("lang", "xx")))
			if len(hits) != 1 || hits[0].ID != repl.ID {
				t.Fatalf("filter on new metadata: %+v", hits)
			}
		})
	}
}

func TestDuplicateIDsLastWins(t *testing.T) {
	enc := newHashEncoder(8)
	c := newCol(t, enc)
	err := c.Add(ctx,
		ganada.Document{ID: "x", Text: "first version"},
		ganada.Document{ID: "y", Text: "other"},
		ganada.Document{ID: "x", Text: "second version", Metadata: map[string]string{"v": "2"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 2 {
		t.Fatalf("Len = %d, want 2", c.Len())
	}
	if d, _ := c.Get("x"); d.Text != "second version" || d.Metadata["v"] != "2" {
		t.Fatalf("last occurrence must win, got %+v", d)
	}
	for _, txt := range enc.encodedTexts() {
		if txt == "first version" {
			t.Fatal("a superseded duplicate was encoded")
		}
	}
}

func TestDelete(t *testing.T) {
	for _, kind := range kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			enc := newHashEncoder(16)
			c := newCol(t, enc, withIndex(kind))
			docs := corpus(120, 5)
			if err := c.Add(ctx, docs...); err != nil {
				t.Fatal(err)
			}
			del := map[string]bool{}
			var ids []string
			for i := 0; i < len(docs); i += 3 {
				ids = append(ids, docs[i].ID)
				del[docs[i].ID] = true
			}
			if err := c.Delete(ctx, ids...); err != nil {
				t.Fatal(err)
			}
			if c.Len() != len(docs)-len(ids) || c.Contains(ids[0]) {
				t.Fatalf("Len = %d after deleting %d of %d", c.Len(), len(ids), len(docs))
			}
			keep := func(d ganada.Document) bool { return !del[d.ID] }
			for _, q := range []string{"alpha", "plum pear", docs[0].Text} {
				hits, err := c.Query(ctx, q, 10, ganada.WithExactSearch())
				if err != nil {
					t.Fatal(err)
				}
				checkAgainst(t, hits, bruteForce(enc, docs, q, index.Cosine, keep), 10)
			}
			// Deleting an absent id fails and deletes nothing.
			n := c.Len()
			err := c.Delete(ctx, docs[1].ID, "absent", docs[2].ID)
			if !errors.Is(err, errs.ErrNotFound) || !strings.Contains(err.Error(), "absent") {
				t.Fatalf("Delete(absent) = %v", err)
			}
			if c.Len() != n || !c.Contains(docs[1].ID) {
				t.Fatal("a failed Delete removed documents")
			}
			// Deleted ids can be added again.
			if err := c.Add(ctx, docs[0]); err != nil || !c.Contains(docs[0].ID) {
				t.Fatalf("re-add after delete: %v", err)
			}
			if err := c.Compact(ctx); err != nil {
				t.Fatal(err)
			}
			hits, err := c.Query(ctx, docs[0].Text, 1)
			if err != nil || hits[0].ID != docs[0].ID {
				t.Fatalf("after compact: %v %v", hits, err)
			}
		})
	}
}

func TestFilters(t *testing.T) {
	docs := corpus(600, 6)
	filters := []struct {
		name string
		f    ganada.Filter
		ref  func(ganada.Document) bool
	}{
		{"Where", ganada.Where("lang", "ko"), func(d ganada.Document) bool { return d.Metadata["lang"] == "ko" }},
		{"WhereIn", ganada.WhereIn("topic", "fruit", "news"), func(d ganada.Document) bool { t := d.Metadata["topic"]; return t == "fruit" || t == "news" }},
		{"WhereExists", ganada.WhereExists("extra"), func(d ganada.Document) bool { _, ok := d.Metadata["extra"]; return ok }},
		{"And", ganada.And(ganada.Where("lang", "fr"), ganada.Where("topic", "sport")), func(d ganada.Document) bool { return d.Metadata["lang"] == "fr" && d.Metadata["topic"] == "sport" }},
		{"Or", ganada.Or(ganada.Where("lang", "fr"), ganada.Where("topic", "sport")), func(d ganada.Document) bool { return d.Metadata["lang"] == "fr" || d.Metadata["topic"] == "sport" }},
		{"Not", ganada.Not(ganada.Where("lang", "en")), func(d ganada.Document) bool { return d.Metadata["lang"] != "en" }},
		{"WhereID", ganada.WhereID("doc-0003", "doc-0100", "doc-0599", "nope"), func(d ganada.Document) bool {
			return d.ID == "doc-0003" || d.ID == "doc-0100" || d.ID == "doc-0599"
		}},
		{"Selective", ganada.And(ganada.Where("lang", "ko"), ganada.Where("topic", "misc"), ganada.WhereExists("extra")), func(d ganada.Document) bool {
			_, ok := d.Metadata["extra"]
			return d.Metadata["lang"] == "ko" && d.Metadata["topic"] == "misc" && ok
		}},
		{"None", ganada.WhereIn("lang"), func(ganada.Document) bool { return false }},
	}
	for _, kind := range kinds() {
		enc := newHashEncoder(16)
		c := newCol(t, enc, withIndex(kind))
		if err := c.Add(ctx, docs...); err != nil {
			t.Fatal(err)
		}
		for _, tc := range filters {
			t.Run(kind.String()+"/"+tc.name, func(t *testing.T) {
				for _, q := range []string{"alpha beta", "peach"} {
					want := bruteForce(enc, docs, q, index.Cosine, tc.ref)
					hits, err := c.Query(ctx, q, 8, ganada.WithFilter(tc.f), ganada.WithExactSearch())
					if err != nil {
						t.Fatal(err)
					}
					checkAgainst(t, hits, want, 8)
					// Approximate search with a filter still finds min(k, matching)
					// hits, every one admitted.
					hits, err = c.Query(ctx, q, 8, ganada.WithFilter(tc.f))
					if err != nil {
						t.Fatal(err)
					}
					if len(hits) != min(8, len(want)) {
						t.Fatalf("%d hits, %d documents match", len(hits), len(want))
					}
					for _, h := range hits {
						d, _ := c.Get(h.ID)
						if !tc.ref(d) {
							t.Fatalf("hit %s not admitted by the filter", h.ID)
						}
					}
				}
			})
		}
	}
	// Several filters in one query are ANDed; a nil Filter is ignored.
	enc := newHashEncoder(16)
	c := newCol(t, enc, ganada.WithFlat())
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	a, _ := c.Query(ctx, "alpha", 20, ganada.WithFilter(ganada.Where("lang", "fr")), nil, ganada.WithFilter(nil), ganada.WithFilter(ganada.Filter(nil), ganada.Where("topic", "sport")))
	b, _ := c.Query(ctx, "alpha", 20, ganada.WithFilter(ganada.And(ganada.Where("lang", "fr"), ganada.Where("topic", "sport"))))
	if !reflect.DeepEqual(a, b) {
		t.Fatal("multiple filters must AND")
	}
}

func TestProgressAndBatches(t *testing.T) {
	enc := newHashEncoder(8)
	var ps []ganada.Progress
	c := newCol(t, enc, ganada.WithFlat(), ganada.WithBatchSize(7), ganada.WithProgress(func(p ganada.Progress) { ps = append(ps, p) }))
	docs := corpus(2500, 7)
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	if enc.calls != (len(docs)+6)/7 {
		t.Fatalf("%d Encode calls for %d docs in batches of 7", enc.calls, len(docs))
	}
	last := ps[len(ps)-1]
	if last != (ganada.Progress{Encoded: 2500, Indexed: 2500, Total: 2500}) {
		t.Fatalf("last progress %+v", last)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Encoded < ps[i-1].Encoded || ps[i].Indexed < ps[i-1].Indexed || ps[i].Total != 2500 {
			t.Fatalf("progress not monotone: %+v then %+v", ps[i-1], ps[i])
		}
	}
	if ps[0].Encoded != 7 || ps[0].Indexed != 0 {
		t.Fatalf("first progress %+v", ps[0])
	}
}

func TestPrompts(t *testing.T) {
	enc := newHashEncoder(8)
	e5, err := embed.WithPrompts(enc, "query: ", "passage: ")
	if err != nil {
		t.Fatal(err)
	}
	c := newCol(t, e5)
	if id := c.Identity(); id.QueryPrompt != "query: " || id.DocumentPrompt != "passage: " {
		t.Fatalf("identity %+v", id)
	}
	if err := c.Add(ctx, ganada.Document{ID: "a", Text: "alpha beta"}); err != nil {
		t.Fatal(err)
	}
	hits, err := c.Query(ctx, "alpha", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := enc.encodedTexts(); !reflect.DeepEqual(got, []string{"passage: alpha beta", "query: alpha"}) {
		t.Fatalf("encoder saw %q", got)
	}
	if hits[0].Text != "alpha beta" {
		t.Fatalf("hit text %q must not carry the prompt", hits[0].Text)
	}
}

func TestIDsSorted(t *testing.T) {
	c := newCol(t, newHashEncoder(8))
	docs := corpus(30, 8)
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	ids := c.IDs()
	if !sort.StringsAreSorted(ids) || len(ids) != 30 {
		t.Fatal(ids)
	}
}

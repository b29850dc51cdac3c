// This file tests a ganada.Collection over the pgvector index: the same
// documents, queries and filters as over the in-process Flat index give
// the same hits; upserts and deletes reach the table; Open reads the
// documents back; Save, FilterFunc and another encoder are refused.

package pgvector_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/pgvector"
)

// wordEncoder sums a pseudo-random vector per word: a deterministic
// encoder whose similar texts share words.
type wordEncoder struct {
	dim  int
	name string
}

func (e wordEncoder) Dim() int { return e.dim }

func (e wordEncoder) Identity() embed.Identity {
	return embed.Identity{Model: e.name, Revision: "1", Dim: e.dim}
}

func (e wordEncoder) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, e.dim)
		for _, w := range strings.Fields(strings.ToLower(t)) {
			h := fnv.New64a()
			h.Write([]byte(w))
			r := rand.New(rand.NewPCG(h.Sum64(), 1))
			for j := range v {
				v[j] += float32(r.NormFloat64())
			}
		}
		v[0] += 1e-3 // no zero vectors
		out[i] = v
	}
	return out, ctx.Err()
}

func corpus(n int) []ganada.Document {
	words := strings.Fields("alpha beta gamma delta river mountain apple peach kimchi bibimbap train station music piano")
	r := rand.New(rand.NewPCG(9, 9))
	docs := make([]ganada.Document, n)
	for i := range docs {
		var b strings.Builder
		for range 6 {
			b.WriteString(words[r.IntN(len(words))] + " ")
		}
		md := map[string]string{"lang": []string{"ko", "en", "fr"}[i%3], "topic": []string{"food", "travel", "music", "misc"}[i%4]}
		if i%9 == 0 {
			md["extra"] = "1"
		}
		docs[i] = ganada.Document{ID: fmt.Sprintf("doc-%04d", i), Text: b.String(), Metadata: md}
	}
	return docs
}

func TestCollection(t *testing.T) {
	ctx := ctxT(t)
	pool := newPool(t)
	enc := wordEncoder{dim: 32, name: "words"}
	name := tableName("col")
	x := open(t, pool, name, enc.Dim(), index.Cosine, pgvector.WithIdentity(ganada.EncoderIdentity(enc)))
	col, err := ganada.NewCollection(enc, ganada.WithIndex(x))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := ganada.NewCollection(enc, ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	docs := corpus(300)
	for _, c := range []*ganada.Collection{col, ref} {
		if err := c.Add(ctx, docs...); err != nil {
			t.Fatal(err)
		}
	}
	if col.Index() != ganada.External || x.Len() != 300 {
		t.Fatalf("kind %v, %d rows", col.Index(), x.Len())
	}
	filters := []ganada.Filter{
		nil,
		ganada.Where("lang", "ko"),
		ganada.And(ganada.WhereIn("topic", "food", "music"), ganada.Not(ganada.Where("lang", "en"))),
		ganada.Or(ganada.WhereExists("extra"), ganada.WhereID("doc-0007", "doc-0100")),
		ganada.Where("missing", "x"),
	}
	same := func(t *testing.T, c *ganada.Collection, q string, f ganada.Filter, exact bool) {
		t.Helper()
		opts := []ganada.QueryOption{ganada.WithFilter(f), ganada.WithExactSearch()}
		want, err := ref.Query(ctx, q, 8, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if !exact {
			opts = opts[:1]
		}
		got, err := c.Query(ctx, q, 8, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%q %v: %d hits, Flat has %d", q, f, len(got), len(want))
		}
		hit := 0
		for i := range got {
			if exact && (got[i].ID != want[i].ID || got[i].Text != want[i].Text || fmt.Sprint(got[i].Metadata) != fmt.Sprint(want[i].Metadata)) {
				t.Fatalf("%q rank %d: %+v, Flat has %+v", q, i, got[i], want[i])
			}
			if f != nil && !f.Match(ganada.Document{ID: got[i].ID, Metadata: got[i].Metadata}) {
				t.Fatalf("hit %s not admitted", got[i].ID)
			}
			for _, w := range want {
				if w.ID == got[i].ID {
					hit++
				}
			}
		}
		if !exact && hit < len(want)*7/10 {
			t.Fatalf("%q: approximate search shares %d of %d hits", q, hit, len(want))
		}
	}
	for _, q := range []string{"kimchi bibimbap", "train station music", "alpha"} {
		for _, f := range filters {
			same(t, col, q, f, true)
			same(t, col, q, f, false)
		}
	}

	// Upsert and delete through the collection reach the table.
	up := ganada.Document{ID: "doc-0003", Text: "piano piano piano", Metadata: map[string]string{"lang": "de"}}
	for _, c := range []*ganada.Collection{col, ref} {
		if err := c.Add(ctx, up); err != nil {
			t.Fatal(err)
		}
		if err := c.Delete(ctx, "doc-0004", "doc-0005"); err != nil {
			t.Fatal(err)
		}
	}
	if x.Len() != 298 {
		t.Fatalf("%d rows after an upsert and two deletes, want 298", x.Len())
	}
	same(t, col, "piano", ganada.Where("lang", "de"), true)
	same(t, col, "piano", nil, true)

	// A FilterFunc cannot run in PostgreSQL; Save has nothing to save.
	_, err = col.Query(ctx, "piano", 3, ganada.WithFilter(ganada.And(ganada.Where("lang", "ko"), ganada.FilterFunc(func(ganada.Document) bool { return true }))))
	if !errors.Is(err, errs.ErrUnsupported) || !strings.Contains(err.Error(), "FilterFunc") {
		t.Fatalf("FilterFunc: %v", err)
	}
	if err := col.Save(ctx, t.TempDir()+"/c.gnd"); !errors.Is(err, errs.ErrUnsupported) {
		t.Fatalf("Save: %v", err)
	}

	// Open reads the documents back; NewCollection refuses a full index.
	if _, err := ganada.NewCollection(enc, ganada.WithIndex(x)); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("NewCollection over a full table: %v", err)
	}
	again, err := ganada.Open(ctx, enc, ganada.WithIndex(x))
	if err != nil {
		t.Fatal(err)
	}
	if again.Len() != 298 || !again.Contains("doc-0003") || again.Contains("doc-0004") {
		t.Fatalf("reopened: %d documents", again.Len())
	}
	if d, _ := again.Get("doc-0003"); d.Text != up.Text || d.Metadata["lang"] != "de" {
		t.Fatalf("reopened upsert: %+v", d)
	}
	same(t, again, "kimchi bibimbap", ganada.Where("lang", "ko"), true)
	if err := again.Add(ctx, ganada.Document{ID: "new", Text: "river"}); err != nil || x.Len() != 299 {
		t.Fatalf("add after reopen: %v, %d rows", err, x.Len())
	}

	// Another encoder is refused, by the table and by the collection.
	other := wordEncoder{dim: 32, name: "other"}
	if _, err := pgvector.Open(ctx, pool, name, 32, index.Cosine, pgvector.WithIdentity(ganada.EncoderIdentity(other))); !errors.Is(err, errs.ErrEncoderMismatch) {
		t.Fatalf("table: %v", err)
	}
	if _, err := ganada.Open(ctx, other, ganada.WithIndex(x)); !errors.Is(err, errs.ErrEncoderMismatch) {
		t.Fatalf("collection: %v", err)
	}
	if _, err := ganada.Open(ctx, wordEncoder{dim: 16, name: "words"}, ganada.WithIndex(x)); !errors.Is(err, errs.ErrDimension) {
		t.Fatalf("dimension: %v", err)
	}
	if _, err := ganada.Open(ctx, enc, ganada.WithIndex(x), ganada.WithMetric(index.L2)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatalf("metric: %v", err)
	}
	// A lexical index would live in this process only, beside documents
	// kept in the database.
	if _, err := ganada.Open(ctx, enc, ganada.WithIndex(x), ganada.WithLexical()); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatalf("WithLexical: %v", err)
	}
}

// TestCollectionStaleVersion: a process that stopped between writing a
// document's new version and deleting its old one leaves two rows with one
// key; Open keeps the newer and deletes the older.
func TestCollectionStaleVersion(t *testing.T) {
	ctx := ctxT(t)
	pool := newPool(t)
	enc := wordEncoder{dim: 8, name: "words"}
	x := open(t, pool, tableName("stale"), 8, index.Cosine)
	vecs, _ := enc.Encode(ctx, []string{"old text", "new text", "other"})
	err := x.AddDocuments(ctx, []uint64{3, 7, 5}, vecs, []index.Doc{{Key: "a", Text: "old text"}, {Key: "a", Text: "new text"}, {Key: "b", Text: "other"}})
	if err != nil {
		t.Fatal(err)
	}
	col, err := ganada.Open(ctx, enc, ganada.WithIndex(x))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := col.Get("a"); d.Text != "new text" || col.Len() != 2 || x.Contains(3) || x.Len() != 2 {
		t.Fatalf("%+v, %d documents, %d rows", d, col.Len(), x.Len())
	}
	// New documents get ids above the stored ones.
	if err := col.Add(ctx, ganada.Document{ID: "c", Text: "c"}); err != nil || !x.Contains(8) {
		t.Fatalf("%v %v", err, x.IDs())
	}
}

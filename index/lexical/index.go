// This file holds Index, the BM25 inverted index: adding, replacing and
// deleting texts by id, and its options.

package lexical

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/ganada/ganada/errs"
)

// Lucene's BM25Similarity defaults.
const (
	DefaultK1 = 1.2
	DefaultB  = 0.75
)

// MaxDocs is the most documents (slots, deleted ones awaiting compaction
// included) an Index holds.
const MaxDocs = math.MaxUint32 - 1

// dead marks the length of a deleted slot.
const dead = math.MaxUint32

// posting is one document's entry in a term's list.
type posting struct {
	doc uint32 // slot
	tf  uint32 // occurrences of the term in the document
}

// termTF is one entry of a document's forward list.
type termTF struct {
	term uint32
	tf   uint32
}

// Index is an in-memory BM25 inverted index over texts keyed by uint64 ids.
// It is safe for concurrent use: searches run in parallel with each other
// and wait for writers. The zero value is unusable; create one with New.
type Index struct {
	an     Analyzer
	k1, b  float64
	mu     sync.RWMutex
	termID map[string]uint32
	terms  []string    // by term id
	post   [][]posting // by term id, ordered by slot
	df     []uint32    // live documents holding the term, by term id
	ids    []uint64    // by slot
	lens   []uint32    // document length in terms by slot; dead for deleted slots
	fwd    [][]termTF  // the document's distinct terms by slot
	pos    map[uint64]uint32
	docs   int    // documents with at least one term (Lucene's docCount)
	sumLen uint64 // total terms of live documents (sumTotalTermFreq)
	nDead  int    // deleted slots not yet compacted
}

// Option configures New. An option with a bad value makes New fail with an
// error wrapping errs.ErrInvalidOption that names it.
type Option func(*config) error

type config struct {
	an    Analyzer
	k1, b float64
}

// WithAnalyzer sets the analysis of texts and queries; the default is
// NewAnalyzer() (Standard, CJK bigrams, no stop words).
func WithAnalyzer(a Analyzer) Option {
	return func(c *config) error {
		if a == nil || a.Name() == "" {
			return fmt.Errorf("lexical: WithAnalyzer: nil analyzer or empty name: %w", errs.ErrInvalidOption)
		}
		c.an = a
		return nil
	}
}

// WithK1 sets BM25's term-frequency saturation k1 (finite, ≥ 0; default
// 1.2).
func WithK1(k1 float64) Option {
	return func(c *config) error {
		if math.IsNaN(k1) || math.IsInf(k1, 0) || k1 < 0 {
			return fmt.Errorf("lexical: WithK1(%v): want a finite value ≥ 0: %w", k1, errs.ErrInvalidOption)
		}
		c.k1 = k1
		return nil
	}
}

// WithB sets BM25's length normalisation b, in [0, 1] (default 0.75).
func WithB(b float64) Option {
	return func(c *config) error {
		if !(b >= 0 && b <= 1) {
			return fmt.Errorf("lexical: WithB(%v): want a value in [0, 1]: %w", b, errs.ErrInvalidOption)
		}
		c.b = b
		return nil
	}
}

// New returns an empty index. Nil options are skipped.
func New(opts ...Option) (*Index, error) {
	c := config{k1: DefaultK1, b: DefaultB}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if c.an == nil {
		a, err := NewAnalyzer()
		if err != nil {
			return nil, err
		}
		c.an = a
	}
	x := &Index{an: c.an, k1: c.k1, b: c.b}
	x.reset()
	return x, nil
}

func (x *Index) reset() {
	x.termID = map[string]uint32{}
	x.terms, x.post, x.df = nil, nil, nil
	x.ids, x.lens, x.fwd = nil, nil, nil
	x.pos = map[uint64]uint32{}
	x.docs, x.sumLen, x.nDead = 0, 0, 0
}

// Analyzer returns the index's analyzer.
func (x *Index) Analyzer() Analyzer { return x.an }

// K1 returns BM25's k1.
func (x *Index) K1() float64 { return x.k1 }

// B returns BM25's b.
func (x *Index) B() float64 { return x.b }

// counted is one analysed document: its distinct terms and their counts.
type counted struct {
	terms []string
	tfs   []uint32
	n     uint32
}

func (x *Index) count(text string) (counted, error) {
	ts := x.an.Terms(nil, text)
	if uint64(len(ts)) >= dead {
		return counted{}, fmt.Errorf("lexical: text of %d terms: too long: %w", len(ts), errs.ErrInvalidInput)
	}
	c := counted{n: uint32(len(ts))}
	at := make(map[string]int, len(ts))
	for _, t := range ts {
		if i, ok := at[t]; ok {
			c.tfs[i]++
			continue
		}
		at[t] = len(c.terms)
		c.terms = append(c.terms, t)
		c.tfs = append(c.tfs, 1)
	}
	return c, nil
}

// Add indexes text under id, replacing the text indexed under id. A text
// without terms is stored (Contains reports it) but matches no query and
// does not count in BM25's document count, as in Lucene.
func (x *Index) Add(ctx context.Context, id uint64, text string) error {
	return x.AddBatch(ctx, []uint64{id}, []string{text})
}

// AddBatch indexes texts[i] under ids[i] for every i; if an id repeats, its
// last text wins. Texts are analysed before the index is locked, and the
// batch is added whole or, on an error, not at all.
func (x *Index) AddBatch(ctx context.Context, ids []uint64, texts []string) error {
	if len(ids) != len(texts) {
		return fmt.Errorf("lexical: AddBatch: %d ids and %d texts: %w", len(ids), len(texts), errs.ErrInvalidInput)
	}
	docs := make([]counted, len(texts))
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		c, err := x.count(t)
		if err != nil {
			return err
		}
		docs[i] = c
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if uint64(len(x.ids))+uint64(len(ids)) > MaxDocs {
		x.compact()
		if uint64(len(x.ids))+uint64(len(ids)) > MaxDocs {
			return fmt.Errorf("lexical: AddBatch: %d documents: over %d: %w", len(x.ids)+len(ids), uint64(MaxDocs), errs.ErrInvalidInput)
		}
	}
	for i, id := range ids {
		x.insert(id, docs[i])
	}
	x.maybeCompact()
	return nil
}

// insert adds one analysed document under id, replacing id's.
func (x *Index) insert(id uint64, c counted) {
	if s, ok := x.pos[id]; ok {
		x.remove(s)
	}
	slot := uint32(len(x.ids))
	fwd := make([]termTF, len(c.terms))
	for i, t := range c.terms {
		tid, ok := x.termID[t]
		if !ok {
			tid = uint32(len(x.terms))
			x.termID[t] = tid
			x.terms = append(x.terms, t)
			x.post = append(x.post, nil)
			x.df = append(x.df, 0)
		}
		x.post[tid] = append(x.post[tid], posting{slot, c.tfs[i]})
		x.df[tid]++
		fwd[i] = termTF{tid, c.tfs[i]}
	}
	x.ids = append(x.ids, id)
	x.lens = append(x.lens, c.n)
	x.fwd = append(x.fwd, fwd)
	x.pos[id] = slot
	if c.n > 0 {
		x.docs++
		x.sumLen += uint64(c.n)
	}
}

// remove deletes slot s: its terms stop counting at once, its postings
// stay until compaction and are skipped by searches.
func (x *Index) remove(s uint32) {
	for _, e := range x.fwd[s] {
		x.df[e.term]--
	}
	if n := x.lens[s]; n > 0 {
		x.docs--
		x.sumLen -= uint64(n)
	}
	delete(x.pos, x.ids[s])
	x.lens[s] = dead
	x.fwd[s] = nil
	x.nDead++
}

// Delete removes id. It returns an error wrapping errs.ErrNotFound if id is
// absent.
func (x *Index) Delete(ctx context.Context, id uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	s, ok := x.pos[id]
	if !ok {
		return fmt.Errorf("lexical: Delete(%d): %w", id, errs.ErrNotFound)
	}
	x.remove(s)
	x.maybeCompact()
	return nil
}

// maybeCompact compacts when deleted slots outnumber live ones (and are
// more than a few), so that the cost is amortised over the deletes.
func (x *Index) maybeCompact() {
	if x.nDead > 1024 && x.nDead > len(x.pos) {
		x.compact()
	}
}

// compact drops deleted slots, their postings and the terms no live
// document holds, renumbering slots and terms in order.
func (x *Index) compact() {
	if x.nDead == 0 {
		return
	}
	remap := make([]uint32, len(x.ids))
	live := uint32(0)
	for s := range x.ids {
		if x.lens[s] == dead {
			remap[s] = dead
			continue
		}
		remap[s] = live
		x.ids[live], x.lens[live], x.fwd[live] = x.ids[s], x.lens[s], x.fwd[s]
		x.pos[x.ids[s]] = live
		live++
	}
	clear(x.fwd[live:])
	x.ids, x.lens, x.fwd = x.ids[:live], x.lens[:live], x.fwd[:live]
	termMap := make([]uint32, len(x.terms))
	nt := uint32(0)
	for t := range x.terms {
		if x.df[t] == 0 {
			delete(x.termID, x.terms[t])
			termMap[t] = dead
			continue
		}
		ps := x.post[t][:0]
		for _, p := range x.post[t] {
			if r := remap[p.doc]; r != dead {
				ps = append(ps, posting{r, p.tf})
			}
		}
		termMap[t] = nt
		x.terms[nt], x.post[nt], x.df[nt] = x.terms[t], ps, x.df[t]
		x.termID[x.terms[t]] = nt
		nt++
	}
	clear(x.post[nt:])
	x.terms, x.post, x.df = x.terms[:nt], x.post[:nt], x.df[:nt]
	for _, f := range x.fwd {
		for i := range f {
			f[i].term = termMap[f[i].term]
		}
	}
	x.nDead = 0
}

// Len returns the number of documents stored.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.pos)
}

// Contains reports whether id is stored.
func (x *Index) Contains(id uint64) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	_, ok := x.pos[id]
	return ok
}

// IDs returns every stored id, in no particular order.
func (x *Index) IDs() []uint64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]uint64, 0, len(x.pos))
	for id := range x.pos {
		out = append(out, id)
	}
	return out
}

// NumTerms returns the number of distinct terms live documents hold.
func (x *Index) NumTerms() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := 0
	for _, d := range x.df {
		if d > 0 {
			n++
		}
	}
	return n
}

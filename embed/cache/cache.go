// Package cache puts a content-addressed cache in front of any
// embed.Encoder, so that a text already encoded — by this process or, with
// a cache file, by an earlier run or another process — is never encoded
// (or paid for, with a hosted API) again:
//
//	enc, _ := remote.NewOpenAI("text-embedding-3-small")
//	c, err := cache.New(enc, cache.WithFile("embeddings.cache"))
//	defer c.Close()
//	col, _ := ganada.NewCollection(c) // re-indexing encodes only new texts
//
// The key of a vector is a SHA-256 of the encoder's identity (every field
// of embed.Identity: model, revision, dimension, normalisation, prompts),
// the role (Encode, EncodeQueries or EncodeDocuments; one role for
// encoders that encode queries and documents alike) and the text. Two
// encoders with equal identities share entries, so an encoder that does
// not implement embed.Identifier (whose identity is only its Go type and
// dimension, see embed.IdentityOf) should not share a cache file with a
// differently configured one of its type.
//
// Entries live in an in-memory LRU (WithMemory entries, default 10,000)
// and, with WithFile, in an append-only file (file.go) that survives
// crashes (each record has its own CRC-32C; a torn or damaged record is
// skipped, never returned), is shared safely by several processes, and is
// kept under WithMaxFileBytes by rewriting it with the most recently used
// entries.
//
// A cache is safe for concurrent use. Identical texts requested at once
// by several goroutines are encoded once: the later callers wait for the
// first one's result (single flight).
package cache

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
)

// Option configures a cache; each checks its value and fails with an
// error wrapping errs.ErrInvalidOption that names it.
type Option func(*config) error

type config struct {
	memEntries int
	path       string
	maxFile    int64
}

// WithMemory keeps at most n vectors in memory (default 10,000; 0 keeps
// none in memory, every hit then reads the file).
func WithMemory(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("cache: WithMemory(%d): negative: %w", n, errs.ErrInvalidOption)
		}
		c.memEntries = n
		return nil
	}
}

// WithFile keeps the vectors in the cache file at path too (created if
// absent), so that they outlive the process and are shared with other
// processes using the same file.
func WithFile(path string) Option {
	return func(c *config) error {
		if path == "" {
			return fmt.Errorf("cache: WithFile(%q): empty path: %w", path, errs.ErrInvalidOption)
		}
		c.path = path
		return nil
	}
}

// WithMaxFileBytes bounds the cache file (default 1 GiB): when an append
// takes it over n bytes, it is rewritten with the most recently used
// entries this process knows, up to half of n.
func WithMaxFileBytes(n int64) Option {
	return func(c *config) error {
		if n < 1<<16 {
			return fmt.Errorf("cache: WithMaxFileBytes(%d): below 64 KiB: %w", n, errs.ErrInvalidOption)
		}
		c.maxFile = n
		return nil
	}
}

// Key is the cache key of a vector.
type Key [32]byte

// Stats counts how texts were served.
type Stats struct {
	// Hits are texts served from memory or the file.
	Hits int64
	// Shared are texts another caller was already encoding, whose result
	// was waited for.
	Shared int64
	// Encoded are texts the underlying encoder encoded.
	Encoded int64
}

// Encoder is a caching embed.Encoder; it implements
// embed.QueryDocumentEncoder and embed.Identifier (the wrapped encoder's
// identity), and is safe for concurrent use.
type Encoder struct {
	enc    embed.Encoder
	qd     embed.QueryDocumentEncoder // enc, if it is one
	id     embed.Identity
	prefix []byte // hash input common to every key
	dim    int

	mu     sync.Mutex
	mem    *lru[[]float32]
	flight map[Key]*call
	file   *File

	hits, shared, encoded atomic.Int64
	closed                atomic.Bool
}

// call is one in-flight encoding of a key.
type call struct {
	done chan struct{}
	vec  []float32
	err  error
}

// New returns enc behind a cache. With WithFile it opens (or creates) the
// cache file; call Close to release it.
func New(enc embed.Encoder, opts ...Option) (*Encoder, error) {
	if enc == nil {
		return nil, fmt.Errorf("cache: New(nil): no encoder: %w", errs.ErrInvalidOption)
	}
	cfg := config{memEntries: 10_000, maxFile: 1 << 30}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	c := &Encoder{enc: enc, id: embed.IdentityOf(enc), dim: enc.Dim(), flight: map[Key]*call{}, mem: newLRU[[]float32](cfg.memEntries)}
	c.qd, _ = enc.(embed.QueryDocumentEncoder)
	if c.dim < 1 || c.dim > MaxDim {
		return nil, fmt.Errorf("cache: New: encoder dimension %d outside [1, %d]: %w", c.dim, MaxDim, errs.ErrInvalidOption)
	}
	c.prefix = identityBytes(c.id)
	if cfg.path != "" {
		f, err := OpenFile(cfg.path, cfg.maxFile)
		if err != nil {
			return nil, err
		}
		c.file = f
	}
	return c, nil
}

// identityBytes encodes every field of id, each length-prefixed.
func identityBytes(id embed.Identity) []byte {
	b := []byte("ganada-cache-key-v1\x00")
	for _, s := range []string{id.Model, id.Revision, id.Prompt, id.QueryPrompt, id.DocumentPrompt} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(id.Dim))
	if id.Normalized {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	return b
}

// role is what a text is encoded as.
type role byte

const (
	roleEncode role = iota
	roleQuery
	roleDocument
)

// key is the cache key of text under role.
func (c *Encoder) key(r role, text string) Key {
	if c.qd == nil {
		r = roleEncode // queries and documents are encoded alike
	}
	h := sha256.New()
	h.Write(c.prefix)
	h.Write([]byte{byte(r)})
	h.Write([]byte(text))
	var k Key
	h.Sum(k[:0])
	return k
}

// Dim returns the wrapped encoder's dimension.
func (c *Encoder) Dim() int { return c.dim }

// Identity returns the wrapped encoder's identity (embed.IdentityOf).
func (c *Encoder) Identity() embed.Identity { return c.id }

// Stats returns how texts have been served so far.
func (c *Encoder) Stats() Stats {
	return Stats{Hits: c.hits.Load(), Shared: c.shared.Load(), Encoded: c.encoded.Load()}
}

// Close closes the cache file, if any. The cache must not be used after.
func (c *Encoder) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	if c.file != nil {
		return c.file.Close()
	}
	return nil
}

// Encode returns the wrapped encoder's Encode vectors, from the cache
// where it has them.
func (c *Encoder) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	return c.encode(ctx, roleEncode, texts)
}

// EncodeQueries returns embed.EncodeQueries' vectors of the wrapped
// encoder, from the cache where it has them.
func (c *Encoder) EncodeQueries(ctx context.Context, texts []string) ([][]float32, error) {
	return c.encode(ctx, roleQuery, texts)
}

// EncodeDocuments returns embed.EncodeDocuments' vectors of the wrapped
// encoder, from the cache where it has them.
func (c *Encoder) EncodeDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	return c.encode(ctx, roleDocument, texts)
}

func (c *Encoder) inner(ctx context.Context, r role, texts []string) ([][]float32, error) {
	switch r {
	case roleQuery:
		return embed.EncodeQueries(ctx, c.enc, texts)
	case roleDocument:
		return embed.EncodeDocuments(ctx, c.enc, texts)
	}
	return c.enc.Encode(ctx, texts)
}

func (c *Encoder) encode(ctx context.Context, r role, texts []string) ([][]float32, error) {
	if c.closed.Load() {
		return nil, fmt.Errorf("cache: encode after Close: %w", errs.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([][]float32, len(texts))
	keys := make([]Key, len(texts))
	for i, t := range texts {
		keys[i] = c.key(r, t)
	}
	for {
		// Under the lock: memory, then someone else's call in flight,
		// else a call of ours. The file is read only for our calls, after
		// they are registered: an owner writes the file before it ends
		// its call, so a text is never encoded twice because its vector
		// went to the file between our look and our call.
		var mine []int
		waits := map[int]*call{}
		own := map[Key]*call{}
		c.mu.Lock()
		for i := range texts {
			if out[i] != nil {
				continue
			}
			k := keys[i]
			if v, ok := c.mem.get(k); ok {
				out[i] = slices.Clone(v)
				c.hits.Add(1)
				continue
			}
			if cl, ok := own[k]; ok {
				waits[i] = cl // a repeat within this call
				continue
			}
			if cl, ok := c.flight[k]; ok {
				waits[i] = cl
				continue
			}
			cl := &call{done: make(chan struct{})}
			c.flight[k] = cl
			own[k] = cl
			mine = append(mine, i)
		}
		c.mu.Unlock()
		if len(mine) > 0 {
			if err := c.serve(ctx, r, texts, keys, mine, own); err != nil {
				return nil, err
			}
			for _, i := range mine {
				out[i] = slices.Clone(own[keys[i]].vec)
			}
		}
		retry := false
		for i, cl := range waits {
			select {
			case <-cl.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if _, ours := own[keys[i]]; ours {
				out[i] = slices.Clone(cl.vec) // serve succeeded
				continue
			}
			if cl.err != nil {
				// Another caller's failure: a cancelled context of
				// theirs is not ours, so try again; any other error is
				// the encoder's answer for this text.
				if errors.Is(cl.err, context.Canceled) || errors.Is(cl.err, context.DeadlineExceeded) {
					retry = true
					continue
				}
				return nil, cl.err
			}
			out[i] = slices.Clone(cl.vec)
			c.shared.Add(1)
		}
		if !retry {
			return out, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// serve completes our calls (the texts at mine): from the file where it
// has them, else by encoding; it publishes the results to the calls, the
// memory and the file, and ends the calls, also on error.
func (c *Encoder) serve(ctx context.Context, r role, texts []string, keys []Key, mine []int, own map[Key]*call) (err error) {
	vecs := make([][]float32, len(mine))
	defer func() {
		c.mu.Lock()
		for j, i := range mine {
			cl := own[keys[i]]
			if err != nil {
				cl.err = err
			} else {
				cl.vec = vecs[j]
				c.mem.put(keys[i], vecs[j])
			}
			delete(c.flight, keys[i])
			close(cl.done)
		}
		c.mu.Unlock()
	}()
	if c.file != nil {
		want := make([]Key, len(mine))
		for j, i := range mine {
			want[j] = keys[i]
		}
		got, err := c.file.Get(want, c.dim)
		if err != nil {
			return err
		}
		for j, v := range got {
			if v != nil {
				vecs[j] = v
				c.hits.Add(1)
			}
		}
	}
	var todo []int // indexes into mine
	var in []string
	for j, i := range mine {
		if vecs[j] == nil {
			todo = append(todo, j)
			in = append(in, texts[i])
		}
	}
	if len(todo) == 0 {
		return nil
	}
	enc, err := c.inner(ctx, r, in)
	if err != nil {
		return err
	}
	if len(enc) != len(in) {
		return fmt.Errorf("cache: %s returned %d vectors for %d texts: %w", c.id.Model, len(enc), len(in), errs.ErrEncoder)
	}
	recs := make([]Record, len(todo))
	for n, j := range todo {
		if len(enc[n]) != c.dim {
			return fmt.Errorf("cache: %s: vector %d has %d components, want %d: %w", c.id.Model, n, len(enc[n]), c.dim, errs.ErrEncoder)
		}
		vecs[j] = slices.Clone(enc[n])
		recs[n] = Record{Key: keys[mine[j]], Vec: vecs[j]}
	}
	if c.file != nil {
		// A failed write loses only the caching: the vectors are good.
		_ = c.file.Put(recs)
	}
	c.encoded.Add(int64(len(todo)))
	return nil
}

// This file implements Add and Delete: validating documents, encoding them
// in batches, and publishing changes to the index and the document maps so
// that concurrent queries see each call's effect all at once.

package ganada

import (
	"context"
	"errors"
	"fmt"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"math"
	"unicode/utf8"

	"github.com/ganada/ganada/index"
)

// insertChunk is how many vectors Add inserts into the index per AddBatch
// call, between which it reports progress and checks its context.
const insertChunk = 1024

// Add encodes the documents' texts and stores the documents. A document
// whose ID is already stored replaces it: text, metadata and vector. If an
// ID appears more than once in one call, the last occurrence wins, as in
// the index's AddBatch.
//
// Texts go to the encoder in batches (WithBatchSize), prefixed with the
// encoder's EncodeDocuments when it is an embed.QueryDocumentEncoder; progress is reported to WithProgress.
// Add is all or nothing: if any document is invalid, the encoder fails or
// the context is cancelled, the collection is unchanged. Documents are
// checked before any is encoded. Errors wrap errs.ErrInvalidInput (an empty
// ID, or an ID, text or metadata that is not valid UTF-8, which a saved
// collection could not hold; the error names the document), the encoder's
// own error, errs.ErrEncoder, errs.ErrInvalidVector (a NaN or infinite component,
// or, under Cosine, a zero vector: word-vector encoders return one for a
// text with no known word, empty text included, and then the error also
// wraps errs.ErrNoKnownTokens), or ctx.Err(). An error about one
// document names its ID.
//
// On a collection opened with OpenFile, Add returns once the call is in
// the log (flushed to stable storage under WithLogSync(true)), and the
// documents become visible to queries only then; if the log cannot be
// written, the collection is unchanged. After Close, Add fails with
// errs.ErrClosed.
func (c *Collection) Add(ctx context.Context, docs ...Document) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	uniq, err := prepareDocuments(docs)
	if err != nil {
		return err
	}
	if len(uniq) == 0 {
		return nil
	}
	var stale []string
	if c.cfg.splitter != nil {
		if uniq, stale, err = c.chunkDocuments(uniq); err != nil {
			return err
		}
	}
	vecs, extra, err := c.encodeDocuments(ctx, uniq)
	if err != nil {
		return err
	}
	return c.insert(ctx, uniq, vecs, extra, stale)
}

// prepareDocuments validates docs and returns them with repeated IDs
// collapsed to their last occurrence (at the position of the first) and
// metadata copied.
func prepareDocuments(docs []Document) ([]Document, error) {
	pos := make(map[string]int, len(docs))
	uniq := make([]Document, 0, len(docs))
	for i, d := range docs {
		if d.ID == "" {
			return nil, fmt.Errorf("ganada: document %d has an empty ID: %w", i, errs.ErrInvalidInput)
		}
		if !utf8.ValidString(d.ID) {
			return nil, fmt.Errorf("ganada: document %d: ID %q is not valid UTF-8: %w", i, d.ID, errs.ErrInvalidInput)
		}
		if at := invalidUTF8At(d.Text); at >= 0 {
			return nil, fmt.Errorf("ganada: document %q: text is not valid UTF-8 (byte %d): %w", d.ID, at, errs.ErrInvalidInput)
		}
		for k, v := range d.Metadata {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return nil, fmt.Errorf("ganada: document %q: metadata %q=%q is not valid UTF-8: %w", d.ID, k, v, errs.ErrInvalidInput)
			}
		}
		d.Metadata = copyMetadata(d.Metadata)
		if p, ok := pos[d.ID]; ok {
			uniq[p] = d
			continue
		}
		pos[d.ID] = len(uniq)
		uniq = append(uniq, d)
	}
	return uniq, nil
}

// invalidUTF8At returns the offset of the first byte of s that does not
// begin a valid UTF-8 encoding, or -1 if s is valid UTF-8.
func invalidUTF8At(s string) int {
	if utf8.ValidString(s) {
		return -1
	}
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return -1 // unreachable: ValidString found an invalid byte
}

// encodeDocuments returns one checked vector per document and, when the
// collection stores sparse weights or ColBERT vectors, the encoder's full
// outputs (checked by checkMulti), one per document.
func (c *Collection) encodeDocuments(ctx context.Context, docs []Document) ([][]float32, []embed.MultiEmbedding, error) {
	vecs := make([][]float32, 0, len(docs))
	var extra []embed.MultiEmbedding
	texts := make([]string, 0, min(c.cfg.batchSize, len(docs)))
	for start := 0; start < len(docs); start += c.cfg.batchSize {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		batch := docs[start:min(start+c.cfg.batchSize, len(docs))]
		texts = texts[:0]
		for _, d := range batch {
			texts = append(texts, d.Text)
		}
		var out [][]float32
		var multi []embed.MultiEmbedding
		var err error
		if c.multi() {
			multi, err = c.enc.(embed.MultiEncoder).EncodeMulti(ctx, texts)
			out = denseOf(multi)
		} else {
			out, err = embed.EncodeDocuments(ctx, c.enc, texts)
		}
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
				return nil, nil, err
			}
			return nil, nil, fmt.Errorf("ganada: encoding documents %d..%d (first ID %q): %w", start, start+len(batch)-1, batch[0].ID, err)
		}
		if len(out) != len(batch) {
			return nil, nil, fmt.Errorf("ganada: %d vectors for %d texts: %w", len(out), len(batch), errs.ErrEncoder)
		}
		for i, v := range out {
			if err := c.checkVector(v, texts[i]); err != nil {
				return nil, nil, fmt.Errorf("ganada: document %q: %w", batch[i].ID, err)
			}
			if multi != nil {
				if err := c.checkMulti(multi[i]); err != nil {
					return nil, nil, fmt.Errorf("ganada: document %q: %w", batch[i].ID, err)
				}
			}
		}
		extra = append(extra, multi...)
		vecs = append(vecs, out...)
		c.report(Progress{Encoded: len(vecs), Total: len(docs)})
	}
	return vecs, extra, nil
}

// tokenLister is implemented by encoders that can list the vocabulary
// entries a text's vector is built from, unknown words left out
// (static.Model).
type tokenLister interface {
	Tokens(text string) []string
}

// checkVector validates the vector the encoder returned for text. A zero
// vector under Cosine is an error wrapping errs.ErrInvalidVector, and also
// errs.ErrNoKnownTokens when the encoder lists no known token for text.
func (c *Collection) checkVector(v []float32, text string) error {
	if len(v) != c.idx.Dim() {
		return fmt.Errorf("ganada: vector of length %d from an encoder of dimension %d: %w: %w", len(v), c.idx.Dim(), errs.ErrEncoder, errs.ErrDimension)
	}
	zero, err := checkVec(v, c.idx.Dim(), c.cfg.metric)
	if zero {
		if tl, ok := c.enc.(tokenLister); ok && len(tl.Tokens(text)) == 0 {
			return fmt.Errorf("the encoder knows none of the text's words, so its vector is zero, which has no direction: %w: %w", err, errs.ErrNoKnownTokens)
		}
		return fmt.Errorf("the encoder returned a zero vector, which has no direction: %w", err)
	}
	return err
}

// checkVec validates v as the index will: its length (errs.ErrDimension),
// its components (errs.ErrInvalidVector for NaN or ±Inf, for a squared norm
// that overflows float32 outside Cosine, and for a zero vector under
// Cosine, which also sets zero). The collection checks vectors itself
// before handing them to the index so that its errors can name the
// document.
func checkVec(v []float32, dim int, m index.Metric) (zero bool, err error) {
	if len(v) != dim {
		return false, fmt.Errorf("ganada: got %d, want %d: %w", len(v), dim, errs.ErrDimension)
	}
	var ss float64
	for i, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false, fmt.Errorf("ganada: component %d is %v: %w", i, x, errs.ErrInvalidVector)
		}
		ss += f * f
	}
	if m != index.Cosine {
		if math.IsInf(float64(float32(ss)), 0) {
			return false, fmt.Errorf("ganada: squared norm overflows float32: %w", errs.ErrInvalidVector)
		}
		return false, nil
	}
	if ss == 0 {
		return true, fmt.Errorf("ganada: zero vector under cosine: %w", errs.ErrInvalidVector)
	}
	return false, nil
}

func (c *Collection) report(p Progress) {
	if c.cfg.progress != nil {
		c.cfg.progress(p)
	}
}

// insert adds the encoded documents (and their extra encoder outputs,
// when the collection stores them) under fresh index ids, writes them
// (with the stored documents of IDs stale, chunks a chunked Add replaces,
// that are still there) to the log of an attached collection, then makes
// them current and retires the versions they replace and the stale ones,
// all at once.
func (c *Collection) insert(ctx context.Context, docs []Document, vecs [][]float32, extra []embed.MultiEmbedding, stale []string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed {
		return fmt.Errorf("ganada: the collection is closed: %w", errs.ErrClosed)
	}

	// Register the new versions. Until published they are in byNum but not
	// current, so queries (which filter while pending > 0) skip them.
	nums := make([]uint64, len(docs))
	c.mu.Lock()
	for i := range docs {
		nums[i] = c.next
		c.next++
		c.byNum[nums[i]] = &entry{doc: docs[i], num: nums[i]}
	}
	c.pending += len(docs)
	c.mu.Unlock()

	done := 0
	var err error
	for done < len(docs) {
		if err = ctx.Err(); err != nil {
			break
		}
		end := min(done+insertChunk, len(docs))
		if di, ok := c.idx.(index.DocumentIndex); ok {
			err = di.AddDocuments(ctx, nums[done:end], vecs[done:end], indexDocs(docs[done:end]))
		} else {
			err = c.idx.AddBatch(ctx, nums[done:end], vecs[done:end])
		}
		if err != nil {
			err = fmt.Errorf("ganada: adding to the index: %w", err)
			break
		}
		if c.lex != nil {
			texts := make([]string, end-done)
			for i := range texts {
				texts[i] = docs[done+i].Text
			}
			if err = c.lex.AddBatch(ctx, nums[done:end], texts); err != nil {
				err = fmt.Errorf("ganada: adding to the lexical index: %w", err)
				break
			}
		}
		if extra != nil {
			if err = c.addMulti(ctx, nums[done:end], extra[done:end]); err != nil {
				break
			}
		}
		done = end
		c.report(Progress{Encoded: len(docs), Indexed: done, Total: len(docs)})
	}
	// The stale documents still stored (another writer may have deleted
	// some): with wmu held, the maps change under no one else.
	var staleNums []uint64
	if err == nil && len(stale) > 0 {
		adding := make(map[string]bool, len(docs))
		for _, d := range docs {
			adding[d.ID] = true
		}
		c.mu.RLock()
		for _, id := range stale {
			if n, ok := c.byID[id]; ok && !adding[id] {
				staleNums = append(staleNums, n)
				adding[id] = true
			}
		}
		c.mu.RUnlock()
	}
	if err == nil && c.wal != nil {
		ops := logOps{adds: make([]*entry, len(docs)), vecs: vecs, dels: staleNums}
		for i := range docs {
			ops.adds[i] = &entry{doc: docs[i], num: nums[i]}
		}
		if extra != nil {
			ops.outputs = make([][]byte, len(docs))
			for i := range extra {
				ops.outputs[i] = c.encodeOutputs(extra[i])
			}
		}
		err = c.logCall(ops)
	}
	if err != nil {
		c.rollback(ctx, nums)
		return err
	}

	// Publish: the new versions become current and the old ones leave.
	var old []uint64
	c.mu.Lock()
	for i, d := range docs {
		if prev, ok := c.byID[d.ID]; ok {
			old = append(old, prev)
			delete(c.byNum, prev)
		}
		c.byID[d.ID] = nums[i]
	}
	for _, n := range staleNums {
		delete(c.byID, c.byNum[n].doc.ID)
		delete(c.byNum, n)
		old = append(old, n)
	}
	c.pending += len(old) - len(docs)
	c.mu.Unlock()
	return c.retire(ctx, old)
}

// rollback removes the unpublished ids of a failed insert from the index
// (those that reached it) and from byNum. It runs to its end even when ctx
// is cancelled (the index gets ctx's values, not its cancellation).
func (c *Collection) rollback(ctx context.Context, all []uint64) {
	ctx = context.WithoutCancel(ctx)
	for _, n := range all {
		if c.idx.Contains(n) {
			_ = c.idx.Delete(ctx, n)
		}
		if c.lex != nil && c.lex.Contains(n) {
			_ = c.lex.Delete(ctx, n)
		}
		c.deleteMulti(n)
	}
	c.mu.Lock()
	for _, n := range all {
		delete(c.byNum, n)
	}
	c.pending -= len(all)
	c.mu.Unlock()
}

// retire deletes ids, already removed from the maps and counted in pending,
// from the index. It runs to its end even when ctx is cancelled: the maps
// no longer hold the ids.
func (c *Collection) retire(ctx context.Context, nums []uint64) error {
	ctx = context.WithoutCancel(ctx)
	var err error
	for _, n := range nums {
		if e := c.idx.Delete(ctx, n); e != nil && err == nil {
			err = fmt.Errorf("ganada: removing a replaced or deleted vector from the index: %w", e)
		}
		if c.lex != nil {
			if e := c.lex.Delete(ctx, n); e != nil && err == nil {
				err = fmt.Errorf("ganada: removing a replaced or deleted text from the lexical index: %w", e)
			}
		}
		c.deleteMulti(n)
	}
	c.mu.Lock()
	c.pending -= len(nums)
	c.mu.Unlock()
	return err
}

// Delete removes the documents with these IDs; the ID of a document
// stored as chunks (WithChunking) removes all its chunks. If any ID is absent it
// returns an error wrapping errs.ErrNotFound and removes nothing. A cancelled
// context returns ctx.Err() before anything is removed. On a collection
// opened with OpenFile the deletion is in the log before anything is
// removed, as for Add; after Close, Delete fails with errs.ErrClosed.
func (c *Collection) Delete(ctx context.Context, ids ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed {
		return fmt.Errorf("ganada: the collection is closed: %w", errs.ErrClosed)
	}
	// With wmu held the maps change under no one else: read them, log the
	// deletion, then apply it.
	c.mu.RLock()
	ids = c.expandParents(ids)
	seen := make(map[string]bool, len(ids))
	nums := make([]uint64, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		n, ok := c.byID[id]
		if !ok {
			c.mu.RUnlock()
			return fmt.Errorf("ganada: %q: %w", id, errs.ErrNotFound)
		}
		nums = append(nums, n)
	}
	c.mu.RUnlock()
	if len(nums) == 0 {
		return nil
	}
	if c.wal != nil {
		if err := c.logCall(logOps{dels: nums}); err != nil {
			return err
		}
	}
	c.mu.Lock()
	for _, n := range nums {
		delete(c.byID, c.byNum[n].doc.ID)
		delete(c.byNum, n)
	}
	c.pending += len(nums)
	c.mu.Unlock()
	return c.retire(ctx, nums)
}

// indexDocs returns docs as a DocumentIndex stores them.
func indexDocs(docs []Document) []index.Doc {
	out := make([]index.Doc, len(docs))
	for i, d := range docs {
		out[i] = index.Doc{Key: d.ID, Text: d.Text, Metadata: d.Metadata}
	}
	return out
}

// SetMetadata replaces the metadata of the document stored under id with
// a copy of md, keeping its text and its vectors: nothing is encoded, and
// the lexical, sparse and ColBERT entries stay as they are. Queries see
// the old or the new metadata, never a mix. Errors wrap errs.ErrNotFound
// (no document id), errs.ErrInvalidInput (md not valid UTF-8) or
// errs.ErrUnsupported (a collection WithIndex over an index.DocumentIndex,
// which keeps the metadata itself); a cancelled ctx returns ctx.Err()
// before anything changes. On a collection opened with OpenFile the update
// is in the log before it applies, as for Add; after Close it fails with
// errs.ErrClosed.
func (c *Collection) SetMetadata(ctx context.Context, id string, md map[string]string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for k, v := range md {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("ganada: SetMetadata(%q): metadata %q=%q is not valid UTF-8: %w", id, k, v, errs.ErrInvalidInput)
		}
	}
	if _, ok := c.idx.(index.DocumentIndex); ok {
		return fmt.Errorf("ganada: SetMetadata(%q): the index %T keeps the documents: %w", id, c.idx, errs.ErrUnsupported)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed {
		return fmt.Errorf("ganada: SetMetadata(%q): the collection is closed: %w", id, errs.ErrClosed)
	}
	// With wmu held the maps change under no one else: read them, log the
	// update (a collection opened with OpenFile), then apply it.
	c.mu.RLock()
	num, ok := c.byID[id]
	var old *entry
	if ok {
		old = c.byNum[num]
	}
	c.mu.RUnlock()
	if !ok {
		return fmt.Errorf("ganada: SetMetadata(%q): %w", id, errs.ErrNotFound)
	}
	// A new entry: queries holding the old one keep reading it unchanged.
	e := &entry{doc: Document{ID: old.doc.ID, Text: old.doc.Text, Metadata: copyMetadata(md)}, num: num}
	if c.wal != nil {
		if err := c.logCall(logOps{sets: []*entry{e}}); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.byNum[num] = e
	c.mu.Unlock()
	return nil
}

// chunking.go stores long documents as chunks (WithChunking) and groups
// the hits of a query by the document they came from (WithParents).

package ganada

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ganada/ganada/chunk"
	"github.com/ganada/ganada/errs"
)

// The metadata a chunk of a document added under WithChunking carries.
const (
	// MetaParent is the ID of the document the chunk was cut from.
	MetaParent = "ganada.parent"
	// MetaStart and MetaEnd are the chunk's byte offsets [start, end) in
	// that document's text, in decimal.
	MetaStart = "ganada.start"
	MetaEnd   = "ganada.end"
)

// WithChunking makes Add cut every document whose text s splits into more
// than one chunk into chunks stored as documents of their own: ID
// "<id>#<n>" (n from 0), the chunk's text, and the document's metadata with
// MetaParent, MetaStart and MetaEnd added. A document of one chunk is
// stored as it is. Adding a document again replaces all its chunks, and
// Delete(id) deletes them. Get and Contains know the chunks by their own
// IDs. Query with WithParents returns the best chunk of each document.
//
// Chunking only happens on Add and is not saved: give the option to Load
// too to keep chunking the documents added after loading.
func WithChunking(s *chunk.Splitter) Option {
	return func(c *config) error {
		if s == nil {
			return fmt.Errorf("ganada: WithChunking(nil): %w", errs.ErrInvalidOption)
		}
		c.splitter = s
		return nil
	}
}

// WithParents returns, for each document, only its best-scoring chunk
// (see WithChunking), so that k hits are k different documents; documents
// stored whole count as their own parents. The search looks at 4k
// candidates, so a query whose 4k best chunks come from fewer than k
// documents returns fewer than k hits. Use Hit.Parent and Hit.Offsets to
// find the chunk in its document.
func WithParents() QueryOption {
	return func(q *queryConfig) error {
		q.parents = true
		return nil
	}
}

// parentsDepth is how many candidates a WithParents query of k asks for.
func parentsDepth(k int) int { return min(4*k, k+1<<16) }

// Parent returns the ID of the document the hit's chunk was cut from
// (MetaParent), or the hit's own ID for a document stored whole.
func (h Hit) Parent() string {
	if p, ok := h.Metadata[MetaParent]; ok {
		return p
	}
	return h.ID
}

// Offsets returns the hit's byte range in its parent's text (MetaStart,
// MetaEnd) and whether it is a chunk.
func (h Hit) Offsets() (start, end int, ok bool) {
	s, err1 := strconv.Atoi(h.Metadata[MetaStart])
	e, err2 := strconv.Atoi(h.Metadata[MetaEnd])
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return s, e, true
}

// groupByParent keeps the first (best) hit of each parent, up to k.
func groupByParent(hits []Hit, k int) []Hit {
	seen := make(map[string]bool, len(hits))
	out := hits[:0]
	for _, h := range hits {
		p := h.Parent()
		if seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, h)
		if len(out) == k {
			break
		}
	}
	return out
}

// chunkDocuments returns docs with every document of more than one chunk
// replaced by its chunks, and the IDs of stored documents these replace
// (the whole document or chunks beyond the new count).
func (c *Collection) chunkDocuments(docs []Document) (out []Document, stale []string, err error) {
	s := c.cfg.splitter
	for _, d := range docs {
		if strings.Contains(d.ID, "#") && d.Metadata[MetaParent] != "" {
			return nil, nil, fmt.Errorf("ganada: document %q: a chunk cannot be added under WithChunking; add its parent: %w", d.ID, errs.ErrInvalidInput)
		}
		chunks, err := s.Split(d.Text)
		if err != nil {
			return nil, nil, fmt.Errorf("ganada: document %q: chunking: %w", d.ID, err)
		}
		n := len(chunks)
		if n <= 1 {
			out = append(out, d)
		} else {
			for i, ch := range chunks {
				md := copyMetadata(d.Metadata)
				if md == nil {
					md = make(map[string]string, 3)
				}
				md[MetaParent] = d.ID
				md[MetaStart] = strconv.Itoa(ch.Start)
				md[MetaEnd] = strconv.Itoa(ch.End)
				out = append(out, Document{ID: chunkID(d.ID, i), Text: ch.Text, Metadata: md})
			}
		}
		c.mu.RLock()
		if _, ok := c.byID[d.ID]; ok && n > 1 {
			stale = append(stale, d.ID)
		}
		first := n // chunks 0..n-1 are replaced by Add itself
		if n <= 1 {
			first = 0
		}
		for i := first; c.isChunkOf(chunkID(d.ID, i), d.ID); i++ {
			stale = append(stale, chunkID(d.ID, i))
		}
		c.mu.RUnlock()
	}
	return out, stale, nil
}

// chunkID is the ID of chunk n of document id.
func chunkID(id string, n int) string { return id + "#" + strconv.Itoa(n) }

// isChunkOf reports whether id is a stored chunk of parent. The caller
// holds mu.
func (c *Collection) isChunkOf(id, parent string) bool {
	num, ok := c.byID[id]
	if !ok {
		return false
	}
	e := c.byNum[num]
	return e != nil && e.doc.Metadata[MetaParent] == parent
}

// expandParents returns ids with every ID that is not stored but is the
// parent of stored chunks replaced by those chunks. The caller holds mu.
func (c *Collection) expandParents(ids []string) []string {
	var out []string
	for _, id := range ids {
		if _, ok := c.byID[id]; ok || !c.isChunkOf(chunkID(id, 0), id) {
			out = append(out, id)
			continue
		}
		for i := 0; c.isChunkOf(chunkID(id, i), id); i++ {
			out = append(out, chunkID(id, i))
		}
	}
	return out
}

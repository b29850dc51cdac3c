// This file exposes internals to the external tests of package ganada.

package ganada

// Pending returns the number of index ids that are not current documents
// (non-zero only while an Add or Delete is running).
func Pending(c *Collection) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.pending
}

// IndexLen returns the number of vectors in the collection's index.
func IndexLen(c *Collection) int { return c.idx.Len() }

// DocVector returns the index's vector of the document stored under id
// (unit-normalised under Cosine), and whether there is one.
func DocVector(c *Collection, id string) ([]float32, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	num, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	v, err := c.idx.Vector(num)
	return v, err == nil
}

// IndexEfSearch returns the default search beam width of the collection's
// HNSW index, or 0 for another index.
func IndexEfSearch(c *Collection) int {
	if c == nil {
		return 0
	}
	if h, ok := c.idx.(interface{ EfSearch() int }); ok {
		return h.EfSearch()
	}
	return 0
}

// IndexParams returns the HNSW parameters of the collection's index (zeros
// for another index).
func IndexParams(c *Collection) (m, efConstruction, efSearch int, seed uint64) {
	if h, ok := c.idx.(interface {
		M() int
		EfConstruction() int
		EfSearch() int
		Seed() uint64
	}); ok {
		return h.M(), h.EfConstruction(), h.EfSearch(), h.Seed()
	}
	return 0, 0, 0, 0
}

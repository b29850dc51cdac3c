// sparse.go holds SparseVector, the lexical weights a learned sparse
// encoder gives a text (BGE-M3's sparse output, SPLADE-like models): a
// weight per vocabulary id, and its dot product, the lexical matching
// score.

package embed

// SparseVector is a weight per token id of a text, the ids distinct. The
// order of IDs is the encoder's (BGE-M3: first occurrence in the text);
// Weights is parallel to IDs.
type SparseVector struct {
	IDs     []int
	Weights []float32
}

// Len returns the number of ids with a weight.
func (v SparseVector) Len() int { return len(v.IDs) }

// Dot returns the sum, over the ids v and w share, of the products of
// their weights (FlagEmbedding's compute_lexical_matching_score), summed
// in float64. It reads len(v)+len(w) entries and allocates nothing when
// either vector has at most 64 ids.
func (v SparseVector) Dot(w SparseVector) float32 {
	if len(v.IDs) > len(w.IDs) {
		v, w = w, v
	}
	var s float64
	if len(v.IDs) <= 64 {
		for i, id := range v.IDs {
			for j, id2 := range w.IDs {
				if id == id2 {
					s += float64(v.Weights[i]) * float64(w.Weights[j])
					break
				}
			}
		}
		return float32(s)
	}
	idx := make(map[int]float32, len(v.IDs))
	for i, id := range v.IDs {
		idx[id] = v.Weights[i]
	}
	for j, id := range w.IDs {
		if x, ok := idx[id]; ok {
			s += float64(x) * float64(w.Weights[j])
		}
	}
	return float32(s)
}

// maxsim.go holds MaxSim, the late-interaction score of multi-vector
// (ColBERT) representations.

package similarity

// MaxSim returns ColBERT's late-interaction score of a query's token
// vectors q against a document's token vectors d: for each query vector,
// the largest dot product with any document vector, averaged over the
// query vectors (BGE-M3's colbert_score: the sum divided by the number of
// query vectors). With unit-length vectors each term is a cosine. It
// returns 0 when q or d is empty, and panics if a vector of d differs in
// length from one of q.
func MaxSim(q, d [][]float32) float32 {
	if len(q) == 0 || len(d) == 0 {
		return 0
	}
	var sum float64
	for _, qv := range q {
		best := Dot(qv, d[0])
		for _, dv := range d[1:] {
			if s := Dot(qv, dv); s > best {
				best = s
			}
		}
		sum += float64(best)
	}
	return float32(sum / float64(len(q)))
}

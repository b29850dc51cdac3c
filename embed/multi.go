// multi.go holds the interface of encoders with more than one output per
// text, as BGE-M3 has (a dense vector, lexical weights and ColBERT token
// vectors from one forward pass), and the weights FlagEmbedding's
// compute_score combines their three scores with. A Collection made
// WithSparse or WithColBERT uses it to store the extra outputs.

package embed

import "context"

// MultiEmbedding is the encoding of one text by a MultiEncoder.
type MultiEmbedding struct {
	// Dense is the text's dense vector, the one Encode returns.
	Dense []float32
	// Sparse holds the lexical weights: a weight per token id of the text
	// (FlagEmbedding's lexical_weights).
	Sparse SparseVector
	// ColBERT holds one vector per token, ColBERTDim wide, for
	// late-interaction (MaxSim) scoring (FlagEmbedding's colbert_vecs).
	ColBERT [][]float32
}

// MultiEncoder is implemented by encoders that give, besides the dense
// vector of Encode, lexical weights and per-token (ColBERT) vectors of a
// text, all from one pass: transformer.M3 (BAAI/bge-m3). Queries and
// documents are encoded alike, as FlagEmbedding's BGEM3FlagModel does.
type MultiEncoder interface {
	Encoder
	// EncodeMulti returns the three outputs of each text, in input order.
	EncodeMulti(ctx context.Context, texts []string) ([]MultiEmbedding, error)
	// ColBERTDim returns the length of the per-token vectors.
	ColBERTDim() int
}

// MultiWeights weigh the dense, sparse and ColBERT scores of a query and a
// passage as FlagEmbedding's compute_score takes
// weights_for_different_modes ([dense, sparse, colbert]): the combined
// score is (Dense·dense + Sparse·sparse + ColBERT·colbert) divided by the
// sum of the weights. FlagEmbedding suggests {0.4, 0.2, 0.4}.
type MultiWeights struct{ Dense, Sparse, ColBERT float32 }

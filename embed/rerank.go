// rerank.go holds the Reranker interface: models that score a query
// against each of a list of passages by reading both together, such as the
// cross-encoders of package embed/transformer (ms-marco-MiniLM,
// bge-reranker). The Collection's WithRerank query option uses it.

package embed

import "context"

// Reranker scores how well each passage answers a query.
//
// Rerank returns one score per passage, in input order, higher meaning
// more relevant; scores of one call are comparable with each other (and,
// for a given model, across calls), but their scale is the model's: a
// cross-encoder with one output label gives sentence-transformers'
// CrossEncoder.predict score (by default the sigmoid of the logit, in
// (0, 1)). An empty list of passages returns an empty result and no
// error. A cancelled context stops the work and returns ctx.Err().
type Reranker interface {
	Rerank(ctx context.Context, query string, passages []string) ([]float32, error)
}

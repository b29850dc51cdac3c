// jina.go holds what the jina_bert family (JinaBertModel of
// jinaai/jina-bert-implementation's remote code: jina-embeddings-v2-small-en,
// -base-en, -base-de, -base-es, -base-zh) reads from its config.json, and
// its ALiBi slopes.

package transformer

import (
	"math"
	"strings"

	"github.com/ganada/ganada/errs"
)

// jinaKeys are JinaBertConfig's keys beyond BERT's.
type jinaKeys struct {
	FeedForwardType string            `json:"feed_forward_type"`
	AlibiScaling    *float64          `json:"alibi_scaling"`
	AutoMap         map[string]string `json:"auto_map"`
}

// isJina reports whether a "bert" config is JinaBERT's.
func isJina(c *config) bool { return c.PositionEmbeddingType == "alibi" }

// fixJina reads a JinaBERT config.json: the GLU MLP's activation
// (feed_forward_type geglu: exact GELU; reglu: ReLU; hidden_act is not used
// by that MLP). The code models' qk-post-norm implementation, a plain
// (non-GLU) MLP and a scaled ALiBi are errors wrapping
// errs.ErrUnsupported.
func fixJina(c *config) error {
	k := &c.jinaKeys
	for _, ref := range k.AutoMap {
		if strings.Contains(ref, "qk-post-norm") {
			return badConfig(errs.ErrUnsupported, "auto_map %q: JinaBERT with q/k post-norm (jina-embeddings-v2-base-code) is not run", ref)
		}
	}
	switch k.FeedForwardType {
	case "geglu":
		c.HiddenAct = "gelu"
	case "reglu":
		c.HiddenAct = "relu"
	default:
		return badConfig(errs.ErrUnsupported, "feed_forward_type %q with ALiBi (supported: geglu, reglu)", k.FeedForwardType)
	}
	if k.AlibiScaling != nil && *k.AlibiScaling != 1 {
		return badConfig(errs.ErrUnsupported, "alibi_scaling %g (only 1)", *k.AlibiScaling)
	}
	c.PositionEmbeddingType = "" // alibi: read, not an absolute table
	return nil
}

// alibiSlopes returns −slope of each of n heads as JinaBertEncoder's
// _get_alibi_head_slopes computes them (in float64, then float32): the
// geometric sequence 2^(−8/n·i) for a power-of-two n, else that of the
// power of two below n followed by every other slope of twice that power.
func alibiSlopes(n int) []float32 {
	var slopes func(n int) []float64
	pow2 := func(n int) []float64 {
		start := math.Pow(2, -math.Pow(2, -(math.Log2(float64(n))-3)))
		s := make([]float64, n)
		for i := range s {
			s[i] = start * math.Pow(start, float64(i))
		}
		return s
	}
	slopes = func(n int) []float64 {
		if l := math.Log2(float64(n)); l == math.Floor(l) {
			return pow2(n)
		}
		p := 1 << int(math.Floor(math.Log2(float64(n))))
		s := pow2(p)
		extra := slopes(2 * p)
		for i := 0; i < n-p; i++ {
			s = append(s, extra[2*i])
		}
		return s
	}
	out := make([]float32, n)
	for i, s := range slopes(n) {
		out[i] = -float32(s)
	}
	return out
}

func iabs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// jinav3.go holds the jina_v3 family (XLMRobertaLoRA of
// jinaai/xlm-roberta-flash-implementation's remote code:
// jina-embeddings-v3): XLM-RoBERTa with rotary positions and, per task,
// LoRA adapters on every Linear and Embedding layer, merged into the
// weights at load for the task WithTask selects.

package transformer

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ganada/ganada/errs"
)

// jina3Keys are XLMRobertaFlashConfig's LoRA keys (its rotary_emb_base is
// read through nomicKeys, which has the same key).
type jina3Keys struct {
	LoraAdaptations  []string          `json:"lora_adaptations"`
	TaskInstructions map[string]string `json:"task_instructions"`
	LoraRank         *int              `json:"lora_rank"`
	LoraAlpha        *float64          `json:"lora_alpha"`
}

// loraSpec is how a checkpoint's LoRA adapters are merged: task is the
// index of the adaptation in lora_adaptations (−1: none, the plain
// weights), n the number of adaptations, rank their rank, scale
// lora_alpha/lora_rank.
type loraSpec struct {
	task, n, rank int
	scale         float64
}

// isJinaV3 reports whether an "xlm-roberta" config is Jina's rotary one.
func isJinaV3(c *config) bool { return c.PositionEmbeddingType == "rotary" }

// maxLoRATasks and maxLoRARank bound the adapter tensors' sizes read from
// config.json before they are allocated.
const (
	maxLoRATasks = 64
	maxLoRARank  = 1 << 12
)

// fixJinaV3 reads a jina_v3 config.json: rotary_emb_base (default 10000),
// type_vocab_size (default 1) and the LoRA settings.
func fixJinaV3(c *config) error {
	c.PositionEmbeddingType = "" // rotary: read, not an absolute table
	c.globalTheta = 10000        // XLMRobertaFlashConfig's rotary_emb_base
	if b := c.nomicKeys.RotaryBase; b != nil {
		c.globalTheta = *b
	}
	if !(c.globalTheta > 1) || math.IsInf(c.globalTheta, 0) {
		return badConfig(errs.ErrCorrupt, "rotary_emb_base %g: must be finite and above 1", c.globalTheta)
	}
	c.localTheta = c.globalTheta
	if c.TypeVocab == nil {
		one := 1
		c.TypeVocab = &one
	}
	k := &c.jina3Keys
	c.lora = loraSpec{task: -1, n: len(k.LoraAdaptations), rank: 4, scale: 1}
	if c.lora.n == 0 {
		return nil
	}
	if k.LoraRank != nil {
		c.lora.rank = *k.LoraRank
	}
	alpha := 1.0
	if k.LoraAlpha != nil {
		alpha = *k.LoraAlpha
	}
	if c.lora.n > maxLoRATasks || c.lora.rank <= 0 || c.lora.rank > maxLoRARank || math.IsNaN(alpha) || math.IsInf(alpha, 0) {
		return badConfig(errs.ErrCorrupt, "lora_adaptations (%d), lora_rank %d, lora_alpha %g: at most %d tasks, a rank of 1..%d and a finite alpha", c.lora.n, c.lora.rank, alpha, maxLoRATasks, maxLoRARank)
	}
	c.lora.scale = alpha / float64(c.lora.rank)
	return nil
}

// selectTask sets the task whose adapters the weights merge; "" keeps
// the plain weights. It returns the task's instruction prompt.
func (c *config) selectTask(task string) (string, error) {
	if task == "" {
		return "", nil
	}
	tasks := c.jina3Keys.LoraAdaptations
	i := slices.Index(tasks, task)
	switch {
	case len(tasks) == 0:
		return "", fmt.Errorf("transformer: WithTask(%q): the model has no task adapters (lora_adaptations): %w", task, errs.ErrInvalidOption)
	case i < 0:
		return "", fmt.Errorf("transformer: WithTask(%q): not among the model's tasks %q: %w", task, tasks, errs.ErrInvalidOption)
	}
	c.lora.task = i
	return c.jina3Keys.TaskInstructions[task], nil
}

// loraWeight reads the weight of the layer base stored with a LoRA
// parametrization (base.parametrizations.weight.original, .0.lora_A,
// .0.lora_B, as torch.nn.utils.parametrize saves it) and, for a selected
// task t, returns it merged as the reference's lora_forward computes it:
// W + scale·B[t]·A[t] for a Linear ([out, in]; A [n, rank, in], B [n, out,
// rank]), W + scale·A[t]·B[t] for an Embedding ([rows, dim]; A [n, rows,
// rank], B [n, rank, dim]). The merged weight is a copy; the file is not
// written.
func (r *tensorReader) loraWeight(base string, shape []int) []float32 {
	p := base + ".parametrizations.weight."
	w := r.get(p+"original", shape...)
	if r.lora.task < 0 || w == nil || len(shape) != 2 {
		return w
	}
	rows, cols, k, n, t := shape[0], shape[1], r.lora.rank, r.lora.n, r.lora.task
	var left, right []float32 // left [rows×k] · right [k×cols]
	if strings.Contains(base, "embeddings.") {
		a := r.get(p+"0.lora_A", n, rows, k)
		b := r.get(p+"0.lora_B", n, k, cols)
		if r.err != nil {
			return nil
		}
		left, right = a[t*rows*k:(t+1)*rows*k], b[t*k*cols:(t+1)*k*cols]
	} else {
		a := r.get(p+"0.lora_A", n, k, cols)
		b := r.get(p+"0.lora_B", n, rows, k)
		if r.err != nil {
			return nil
		}
		left, right = b[t*rows*k:(t+1)*rows*k], a[t*k*cols:(t+1)*k*cols]
	}
	out := make([]float32, rows*cols)
	for i := 0; i < rows; i++ {
		l := left[i*k : (i+1)*k]
		for j := 0; j < cols; j++ {
			var s float32
			for q, lv := range l {
				s += lv * right[q*cols+j]
			}
			out[i*cols+j] = w[i*cols+j] + s*float32(r.lora.scale)
		}
	}
	return out
}

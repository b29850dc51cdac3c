// family_ref_test.go checks the MPNet, DistilBERT and ModernBERT forward
// passes at shapes other than the fixtures' (hidden 48, 3 heads of 16,
// ffn 40, 3 layers; ModernBERT with a ±3 window and global layers every
// 2) against a float64 forward pass written from the Hugging Face models'
// equations in this file (per-name q, k, v matrices, explicit masks,
// rotate_half rotary in float64), on seeded random weights stored under
// the Hugging Face tensor names. The golden tests (encoder_test.go,
// model_test.go) check the same code against transformers itself at the
// fixtures' shape; this one checks that nothing depends on that shape.

package transformer

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/internal/testutil"
)

// refModel is a seeded random checkpoint: tensors by name, in float64
// (the float32 values stored).
type refModel struct {
	kind                     string
	h, heads, ffn, layers, v int
	positions                int // rows of the position table
	t                        map[string][]float64
	shapes                   map[string][]int
	window, every            int // ModernBERT
}

func newRefModel(kind string, seed int64) *refModel {
	m := &refModel{kind: kind, h: 48, heads: 3, ffn: 40, layers: 3, v: 50, positions: 66,
		t: map[string][]float64{}, shapes: map[string][]int{}, window: 3, every: 2}
	rng := rand.New(rand.NewSource(seed))
	add := func(name string, scale, mean float64, shape ...int) {
		n := 1
		for _, s := range shape {
			n *= s
		}
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(float32(mean + scale*rng.NormFloat64()))
		}
		m.t[name], m.shapes[name] = v, shape
	}
	lin := func(name string, out, in int, bias bool) {
		add(name+".weight", 1/math.Sqrt(float64(in)), 0, out, in)
		if bias {
			add(name+".bias", 0.1, 0, out)
		}
	}
	norm := func(name string, bias bool) {
		add(name+".weight", 0.1, 1, m.h)
		if bias {
			add(name+".bias", 0.1, 0, m.h)
		}
	}
	h, f := m.h, m.ffn
	switch kind {
	case "mpnet":
		add("embeddings.word_embeddings.weight", 1, 0, m.v, h)
		add("embeddings.position_embeddings.weight", 1, 0, m.positions, h)
		norm("embeddings.LayerNorm", true)
		add("encoder.relative_attention_bias.weight", 1, 0, 32, m.heads)
		for l := 0; l < m.layers; l++ {
			p := fmt.Sprintf("encoder.layer.%d.", l)
			for _, x := range []string{"q", "k", "v", "o"} {
				lin(p+"attention.attn."+x, h, h, true)
			}
			norm(p+"attention.LayerNorm", true)
			lin(p+"intermediate.dense", f, h, true)
			lin(p+"output.dense", h, f, true)
			norm(p+"output.LayerNorm", true)
		}
	case "distilbert":
		add("embeddings.word_embeddings.weight", 1, 0, m.v, h)
		add("embeddings.position_embeddings.weight", 1, 0, m.positions, h)
		norm("embeddings.LayerNorm", true)
		for l := 0; l < m.layers; l++ {
			p := fmt.Sprintf("transformer.layer.%d.", l)
			for _, x := range []string{"q_lin", "k_lin", "v_lin", "out_lin"} {
				lin(p+"attention."+x, h, h, true)
			}
			norm(p+"sa_layer_norm", true)
			lin(p+"ffn.lin1", f, h, true)
			lin(p+"ffn.lin2", h, f, true)
			norm(p+"output_layer_norm", true)
		}
	case "modernbert":
		add("embeddings.tok_embeddings.weight", 1, 0, m.v, h)
		norm("embeddings.norm", false)
		for l := 0; l < m.layers; l++ {
			p := fmt.Sprintf("layers.%d.", l)
			if l > 0 {
				norm(p+"attn_norm", false)
			}
			lin(p+"attn.Wqkv", 3*h, h, false)
			lin(p+"attn.Wo", h, h, false)
			norm(p+"mlp_norm", false)
			lin(p+"mlp.Wi", 2*f, h, false)
			lin(p+"mlp.Wo", h, f, false)
		}
		norm("final_norm", false)
	}
	return m
}

// write saves the model as a folder's config.json and model.safetensors.
func (m *refModel) write(t *testing.T, dir string) {
	var cfg map[string]any
	switch m.kind {
	case "mpnet":
		cfg = map[string]any{"model_type": "mpnet", "hidden_size": m.h, "num_attention_heads": m.heads, "intermediate_size": m.ffn,
			"num_hidden_layers": m.layers, "vocab_size": m.v, "max_position_embeddings": m.positions, "hidden_act": "gelu",
			"layer_norm_eps": 1e-5, "pad_token_id": 1, "relative_attention_num_buckets": 32}
	case "distilbert":
		cfg = map[string]any{"model_type": "distilbert", "dim": m.h, "n_heads": m.heads, "hidden_dim": m.ffn,
			"n_layers": m.layers, "vocab_size": m.v, "max_position_embeddings": m.positions, "activation": "gelu", "pad_token_id": 0}
	case "modernbert":
		cfg = map[string]any{"model_type": "modernbert", "hidden_size": m.h, "num_attention_heads": m.heads, "intermediate_size": m.ffn,
			"num_hidden_layers": m.layers, "vocab_size": m.v, "max_position_embeddings": 8192, "hidden_activation": "gelu",
			"norm_eps": 1e-5, "global_attn_every_n_layers": m.every, "local_attention": 2 * m.window,
			"global_rope_theta": 160000.0, "local_rope_theta": 10000.0, "attention_bias": false, "mlp_bias": false, "norm_bias": false}
	}
	b, _ := json.Marshal(cfg)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	ts := map[string]rawTensor{}
	for name, v := range m.t {
		data := make([]byte, 4*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(float32(x)))
		}
		ts[name] = rawTensor{"F32", m.shapes[name], data}
	}
	writeTensors(t, filepath.Join(dir, "model.safetensors"), ts)
}

// forward is the float64 reference: the last hidden state of one
// sequence, n rows of h.
func (m *refModel) forward(ids []int) [][]float64 {
	h, n, dh := m.h, len(ids), m.h/m.heads
	W := func(name string) []float64 { return m.t[name] }
	linear := func(x []float64, name string, out int) []float64 {
		w, b := W(name+".weight"), W(name+".bias")
		in := len(x)
		y := make([]float64, out)
		for o := range y {
			s := 0.0
			if b != nil {
				s = b[o]
			}
			for k := 0; k < in; k++ {
				s += w[o*in+k] * x[k]
			}
			y[o] = s
		}
		return y
	}
	layerNorm := func(x []float64, name string, eps float64) []float64 {
		mean, vr := 0.0, 0.0
		for _, v := range x {
			mean += v
		}
		mean /= float64(len(x))
		for _, v := range x {
			vr += (v - mean) * (v - mean)
		}
		vr /= float64(len(x))
		w, b := W(name+".weight"), W(name+".bias")
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = (v-mean)/math.Sqrt(vr+eps)*w[i] + 0
			if b != nil {
				y[i] += b[i]
			}
		}
		return y
	}
	gelu := func(x float64) float64 { return x / 2 * (1 + math.Erf(x/math.Sqrt2)) }
	add := func(a, b []float64) []float64 {
		y := make([]float64, len(a))
		for i := range a {
			y[i] = a[i] + b[i]
		}
		return y
	}

	// Embeddings.
	x := make([][]float64, n)
	for i, id := range ids {
		switch m.kind {
		case "mpnet": // positions from padding_idx + 1 (no padding here)
			x[i] = layerNorm(add(W("embeddings.word_embeddings.weight")[id*h:(id+1)*h], W("embeddings.position_embeddings.weight")[(i+2)*h:(i+3)*h]), "embeddings.LayerNorm", 1e-5)
		case "distilbert":
			x[i] = layerNorm(add(W("embeddings.word_embeddings.weight")[id*h:(id+1)*h], W("embeddings.position_embeddings.weight")[i*h:(i+1)*h]), "embeddings.LayerNorm", 1e-12)
		case "modernbert":
			x[i] = layerNorm(W("embeddings.tok_embeddings.weight")[id*h:(id+1)*h], "embeddings.norm", 1e-5)
		}
	}
	for l := 0; l < m.layers; l++ {
		var q, k, v, a [][]float64
		q, k, v, a = make([][]float64, n), make([][]float64, n), make([][]float64, n), make([][]float64, n)
		local := false
		theta := 160000.0
		switch m.kind {
		case "mpnet":
			p := fmt.Sprintf("encoder.layer.%d.attention.attn.", l)
			for i := range x {
				q[i], k[i], v[i] = linear(x[i], p+"q", h), linear(x[i], p+"k", h), linear(x[i], p+"v", h)
			}
		case "distilbert":
			p := fmt.Sprintf("transformer.layer.%d.attention.", l)
			for i := range x {
				q[i], k[i], v[i] = linear(x[i], p+"q_lin", h), linear(x[i], p+"k_lin", h), linear(x[i], p+"v_lin", h)
			}
		case "modernbert":
			p := fmt.Sprintf("layers.%d.", l)
			local = l%m.every != 0
			if local {
				theta = 10000
			}
			for i := range x {
				in := x[i]
				if l > 0 {
					in = layerNorm(x[i], p+"attn_norm", 1e-5)
				}
				qkv := linear(in, p+"attn.Wqkv", 3*h)
				q[i], k[i], v[i] = qkv[:h], qkv[h:2*h], qkv[2*h:]
				// rotate_half rotary at position i, per head.
				for hd := 0; hd < m.heads; hd++ {
					for _, z := range [][]float64{q[i][hd*dh : (hd+1)*dh], k[i][hd*dh : (hd+1)*dh]} {
						half := dh / 2
						for j := 0; j < half; j++ {
							ang := float64(i) / math.Pow(theta, float64(2*j)/float64(dh))
							c, s := math.Cos(ang), math.Sin(ang)
							x1, x2 := z[j], z[j+half]
							z[j], z[j+half] = x1*c-x2*s, x2*c+x1*s
						}
					}
				}
			}
		}
		for i := range a {
			a[i] = make([]float64, h)
		}
		for hd := 0; hd < m.heads; hd++ {
			for i := 0; i < n; i++ {
				sc := make([]float64, n)
				mx := math.Inf(-1)
				for j := 0; j < n; j++ {
					if local && (i-j > m.window || j-i > m.window) {
						sc[j] = math.Inf(-1)
						continue
					}
					s := 0.0
					for d := 0; d < dh; d++ {
						s += q[i][hd*dh+d] * k[j][hd*dh+d]
					}
					s /= math.Sqrt(float64(dh))
					if m.kind == "mpnet" {
						s += W("encoder.relative_attention_bias.weight")[relBucket(j-i, 32, 128)*m.heads+hd]
					}
					sc[j] = s
					mx = math.Max(mx, s)
				}
				sum := 0.0
				for j := range sc {
					sc[j] = math.Exp(sc[j] - mx)
					sum += sc[j]
				}
				for j := range sc {
					for d := 0; d < dh; d++ {
						a[i][hd*dh+d] += sc[j] / sum * v[j][hd*dh+d]
					}
				}
			}
		}
		for i := range x {
			switch m.kind {
			case "mpnet":
				p := fmt.Sprintf("encoder.layer.%d.", l)
				y := layerNorm(add(linear(a[i], p+"attention.attn.o", h), x[i]), p+"attention.LayerNorm", 1e-5)
				in := linear(y, p+"intermediate.dense", m.ffn)
				for j := range in {
					in[j] = gelu(in[j])
				}
				x[i] = layerNorm(add(linear(in, p+"output.dense", h), y), p+"output.LayerNorm", 1e-5)
			case "distilbert":
				p := fmt.Sprintf("transformer.layer.%d.", l)
				y := layerNorm(add(linear(a[i], p+"attention.out_lin", h), x[i]), p+"sa_layer_norm", 1e-12)
				in := linear(y, p+"ffn.lin1", m.ffn)
				for j := range in {
					in[j] = gelu(in[j])
				}
				x[i] = layerNorm(add(linear(in, p+"ffn.lin2", h), y), p+"output_layer_norm", 1e-12)
			case "modernbert":
				p := fmt.Sprintf("layers.%d.", l)
				y := add(x[i], linear(a[i], p+"attn.Wo", h))
				wi := linear(layerNorm(y, p+"mlp_norm", 1e-5), p+"mlp.Wi", 2*m.ffn)
				g := make([]float64, m.ffn)
				for j := range g {
					g[j] = gelu(wi[j]) * wi[m.ffn+j]
				}
				x[i] = add(y, linear(g, p+"mlp.Wo", h))
			}
		}
	}
	if m.kind == "modernbert" {
		for i := range x {
			x[i] = layerNorm(x[i], "final_norm", 1e-5)
		}
	}
	return x
}

func TestFamiliesAtOtherShape(t *testing.T) {
	for i, kind := range []string{"mpnet", "distilbert", "modernbert"} {
		t.Run(kind, func(t *testing.T) {
			ref := newRefModel(kind, int64(3001+i))
			dir := t.TempDir()
			ref.write(t, dir)
			e := loadEncoder(t, dir, "model.safetensors")
			rng := rand.New(rand.NewSource(int64(i)))
			var seqs []sequence
			for _, n := range []int{1, 2, 5, 9, 17, 33, 64, 40, 3} {
				ids := make([]int, n)
				for j := range ids {
					ids[j] = 2 + rng.Intn(ref.v-2) // no padding ids
				}
				seqs = append(seqs, sequence{ids: ids})
			}
			want := make([][][]float64, len(seqs))
			for j, s := range seqs {
				want[j] = ref.forward(s.ids)
			}
			// Workers, span rows and attention budget: each product split,
			// spans of whole texts, and attention blocks of 8 query rows.
			for _, cfg := range [][3]int{{1, 32, defaultAttnBudget}, {2, 1 << 30, defaultAttnBudget}, {2, 1, 1}} {
				r := newRunner(e, cfg[0])
				r.spanRows, r.attnBudget = cfg[1], cfg[2]
				x, err := e.forward(r, seqs)
				r.close()
				if err != nil {
					t.Fatal(err)
				}
				worst, row := 0.0, 0
				for j, s := range seqs {
					for tok := range s.ids {
						got := x[(row+tok)*ref.h : (row+tok+1)*ref.h]
						w := make([]float32, ref.h)
						for d := range w {
							w[d] = float32(want[j][tok][d])
						}
						worst = math.Max(worst, testutil.MaxAbsDiff(got, w))
					}
					row += len(s.ids)
				}
				if worst > 1e-4 {
					t.Errorf("%v: last hidden state max abs diff %.3g from the float64 reference", cfg, worst)
				}
				t.Logf("workers %d, span rows %d, attention budget %d: max abs diff %.3g", cfg[0], cfg[1], cfg[2], worst)
			}
		})
	}
}

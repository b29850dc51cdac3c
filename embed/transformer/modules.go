// modules.go reads the sentence-transformers module files of a model
// folder: modules.json, sentence_bert_config.json,
// config_sentence_transformers.json and the Dense modules.

package transformer

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/errs"
)

// module is one entry of modules.json.
type module struct {
	Idx  int    `json:"idx"`
	Name string `json:"name"`
	Path string `json:"path"`
	Type string `json:"type"`
}

// kind returns the class name of a module type, e.g. "Pooling" for
// "sentence_transformers.models.Pooling".
func (m module) kind() string {
	if i := strings.LastIndex(m.Type, "."); i >= 0 {
		return m.Type[i+1:]
	}
	return m.Type
}

// readJSON fetches an optional JSON file of the model into v. It reports
// false, nil when the file does not exist.
func readJSON(ctx context.Context, src hub.Source, name string, v any) (bool, error) {
	ok, err := src.Has(ctx, name)
	if err != nil {
		return false, fmt.Errorf("transformer: %w", err)
	}
	if !ok {
		// A local folder's Has answers false for a file that is there
		// but is not a regular file (a FIFO, a device, a directory):
		// that is a broken model, not a missing optional file.
		if d, isDir := src.(hub.Dir); isDir {
			p := filepath.Join(string(d), filepath.FromSlash(name))
			if st, err := os.Stat(p); err == nil && !st.Mode().IsRegular() {
				_, _, err := openRegular(p) // refuses it, saying what it is
				return false, err
			}
		}
		return false, nil
	}
	p, err := src.File(ctx, name)
	if err != nil {
		return false, fmt.Errorf("transformer: %w", err)
	}
	return true, decodeJSON(p, v)
}

// decodeJSON reads the JSON file at path p into v.
func decodeJSON(p string, v any) error {
	b, err := readFile(p, maxConfigBytes)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("transformer: %s: %v: %w", p, err, errs.ErrCorrupt)
	}
	return nil
}

// readModules returns the modules of modules.json in order; a model folder
// without one is a plain transformer followed by mean pooling, as
// sentence-transformers builds it.
func readModules(ctx context.Context, src hub.Source) ([]module, bool, error) {
	var mods []module
	ok, err := readJSON(ctx, src, "modules.json", &mods)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return []module{{Type: "sentence_transformers.models.Transformer"}}, false, nil
	}
	if len(mods) == 0 || mods[0].kind() != "Transformer" {
		return nil, false, fmt.Errorf("transformer: modules.json must start with a sentence_transformers.models.Transformer module: %w", errs.ErrUnsupported)
	}
	for i, m := range mods {
		if !validModulePath(m.Path) {
			return nil, false, fmt.Errorf("transformer: modules.json: module %d (%s) has path %q, which is not a folder inside the model: %w", i, m.Type, m.Path, errs.ErrCorrupt)
		}
	}
	return mods, true, nil
}

// validModulePath reports whether p names the model folder ("") or a
// folder inside it: relative, no ".." element, no backslash (a Windows
// separator), drive letter or control character.
func validModulePath(p string) bool {
	if strings.HasPrefix(p, "/") || strings.ContainsAny(p, `\:`) {
		return false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	for _, e := range strings.Split(p, "/") {
		if e == ".." {
			return false
		}
	}
	return true
}

// join names a file inside a module folder ("" is the model root).
func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return path.Join(strings.Trim(dir, "/"), name)
}

// stConfig is sentence_bert_config.json.
type stConfig struct {
	MaxSeqLength *int `json:"max_seq_length"`
	DoLowerCase  bool `json:"do_lower_case"`
}

// promptConfig is the prompt part of config_sentence_transformers.json.
type promptConfig struct {
	Prompts           map[string]string `json:"prompts"`
	DefaultPromptName *string           `json:"default_prompt_name"`
}

// dense is a sentence-transformers Dense module: act(W·x + b).
type dense struct {
	lin linear
	act activation
}

type denseConfig struct {
	InFeatures  int    `json:"in_features"`
	OutFeatures int    `json:"out_features"`
	Bias        *bool  `json:"bias"`
	Activation  string `json:"activation_function"`
}

func denseActivation(name string) (activation, bool) {
	switch name[strings.LastIndex(name, ".")+1:] {
	case "Tanh":
		return tanhAct, true
	case "Identity", "":
		return identityAct, true
	case "ReLU":
		return relu, true
	case "Sigmoid":
		return sigmoid, true
	case "GELU":
		return geluErf, true
	}
	return nil, false
}

// loadDense reads a Dense module folder and packs its weights. It returns
// the path of the weights file, which it closes.
func loadDense(ctx context.Context, src hub.Source, dir string, inDim int) (*dense, string, error) {
	var c denseConfig
	cp, err := need(ctx, src, join(dir, "config.json"), fmt.Sprintf("Dense module %q has no config.json", dir))
	if err != nil {
		return nil, "", err
	}
	if err := decodeJSON(cp, &c); err != nil {
		return nil, "", err
	}
	act, ok := denseActivation(c.Activation)
	if !ok {
		return nil, "", fmt.Errorf("transformer: Dense module %q: activation_function %q: %w", dir, c.Activation, errs.ErrUnsupported)
	}
	if c.InFeatures != inDim || c.OutFeatures <= 0 {
		return nil, "", fmt.Errorf("transformer: Dense module %q maps %d → %d features, but its input has %d: %w", dir, c.InFeatures, c.OutFeatures, inDim, errs.ErrCorrupt)
	}
	wname := join(dir, "model.safetensors")
	has, err := src.Has(ctx, wname)
	if err != nil {
		return nil, "", fmt.Errorf("transformer: %w", err)
	}
	if !has {
		if bin, _ := src.Has(ctx, join(dir, "pytorch_model.bin")); bin {
			return nil, "", fmt.Errorf("transformer: Dense module %q has only pytorch_model.bin; convert it to model.safetensors: %w", dir, errs.ErrUnsupported)
		}
	}
	p, err := need(ctx, src, wname, fmt.Sprintf("Dense module %q has no model.safetensors", dir))
	if err != nil {
		return nil, "", err
	}
	f, err := safetensors.Open(p)
	if err != nil {
		return nil, "", fmt.Errorf("transformer: %w", asCorrupt(err))
	}
	defer f.Close()
	r := &tensorReader{f: f}
	d := &dense{act: act, lin: linear{In: c.InFeatures, Out: c.OutFeatures}}
	d.lin.W = r.get("linear.weight", c.OutFeatures, c.InFeatures)
	if c.Bias == nil || *c.Bias {
		d.lin.B = r.get("linear.bias", c.OutFeatures)
	}
	if r.err != nil {
		return nil, "", r.err
	}
	// Packed float32 (also under WithInt8): Dense runs once per text, not
	// per token. newLinear copies the bias, so the file can be closed.
	d.lin = newLinear(d.lin.W, d.lin.B, d.lin.In, d.lin.Out, false)
	return d, p, nil
}

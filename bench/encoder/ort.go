// This file holds the ONNX Runtime engine: the model's ONNX export loaded
// by path (its weights are external data in model.safetensors beside it),
// all graph optimisations, intra-op threads = the thread count under
// test, one inter-op thread.

package main

import (
	"fmt"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

var ortInit sync.Once

// initORT loads the shared library once per process.
func initORT(lib string) error {
	var err error
	ortInit.Do(func() {
		ort.SetSharedLibraryPath(lib)
		err = ort.InitializeEnvironment()
	})
	return err
}

type ortEngine struct {
	threads int
	hidden  int
	sess    *ort.DynamicAdvancedSession
	inputs  []string // the export's inputs, in the order fed
}

func newORTEngine(lib, modelPath string, threads, hidden int) (*ortEngine, error) {
	if err := initORT(lib); err != nil {
		return nil, fmt.Errorf("onnxruntime init (%s): %w", lib, err)
	}
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return nil, err
	}
	defer opts.Destroy()
	if err := opts.SetGraphOptimizationLevel(ort.GraphOptimizationLevelEnableAll); err != nil {
		return nil, err
	}
	if err := opts.SetIntraOpNumThreads(threads); err != nil {
		return nil, err
	}
	if err := opts.SetInterOpNumThreads(1); err != nil {
		return nil, err
	}
	if err := opts.SetExecutionMode(ort.ExecutionModeSequential); err != nil {
		return nil, err
	}
	// The inputs the export has, of input_ids, attention_mask,
	// token_type_ids and position_ids (a decoder export such as tiny-qwen3's
	// has no token types).
	ins, _, err := ort.GetInputOutputInfo(modelPath)
	if err != nil {
		return nil, fmt.Errorf("onnxruntime inputs of %s: %w", modelPath, err)
	}
	var names []string
	for _, want := range []string{"input_ids", "attention_mask", "token_type_ids", "position_ids"} {
		for _, in := range ins {
			if in.Name == want {
				names = append(names, want)
			}
		}
	}
	sess, err := ort.NewDynamicAdvancedSession(modelPath, names, []string{"last_hidden_state"}, opts)
	if err != nil {
		return nil, fmt.Errorf("onnxruntime session for %s: %w", modelPath, err)
	}
	return &ortEngine{threads: threads, hidden: hidden, sess: sess, inputs: names}, nil
}

func (e *ortEngine) Name() string { return fmt.Sprintf("onnxruntime-%s", ort.GetVersion()) }

func (e *ortEngine) Encode(b *Batch) ([]float32, error) {
	shape := ort.NewShape(int64(b.Size), int64(b.SeqLen))
	var inputs []ort.Value
	for _, name := range e.inputs {
		data := map[string][]int64{"input_ids": b.IDs, "attention_mask": b.Mask, "token_type_ids": b.TypeIDs}[name]
		if name == "position_ids" { // 0..n-1 per row (rows are right-padded)
			data = make([]int64, b.Size*b.SeqLen)
			for i := range data {
				data[i] = int64(i % b.SeqLen)
			}
		}
		t, err := ort.NewTensor(shape, data)
		if err != nil {
			return nil, err
		}
		defer t.Destroy()
		inputs = append(inputs, t)
	}
	outputs := []ort.Value{nil}
	if err := e.sess.Run(inputs, outputs); err != nil {
		return nil, err
	}
	defer outputs[0].Destroy()
	t, ok := outputs[0].(*ort.Tensor[float32])
	if !ok {
		return nil, fmt.Errorf("last_hidden_state is %T, not float32", outputs[0])
	}
	s := t.GetShape()
	if len(s) != 3 || s[0] != int64(b.Size) || s[1] != int64(b.SeqLen) || s[2] != int64(e.hidden) {
		return nil, fmt.Errorf("last_hidden_state shape %v, want [%d %d %d]", s, b.Size, b.SeqLen, e.hidden)
	}
	return append([]float32(nil), t.GetData()...), nil
}

func (e *ortEngine) Close() error { return e.sess.Destroy() }

// This file plugs ganada's own transformer (embed/transformer) into the
// harness, next to ONNX Runtime: the padded batch's token ids, cut back to
// each sequence's real length, go to Model.EncodeTokenIDs — the same ids
// ONNX Runtime gets.

package main

import (
	"context"
	"fmt"

	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/internal/gemm"
)

type ganadaEngine struct {
	m      *transformer.Model
	name   string
	hidden int
	ids    [][]int
}

// newGanadaEngine returns ganada's encoder as an Engine with the given
// number of worker threads. maxBatch is the largest batch the harness
// passes: it becomes the model's batch size, so that every harness batch
// runs through the network as one batch, as it does in ONNX Runtime.
// With variant "-int8", the encoder layers use int8 weights
// (transformer.WithInt8); the engine is unavailable on processors without
// AVX-512 VNNI. With "-bf16" they are rounded to bf16
// (transformer.WithBF16), computed in float32 after conversion.
func newGanadaEngine(modelDir string, threads, maxBatch int, variant string) (Engine, error) {
	opts := []transformer.Option{transformer.WithWorkers(threads), transformer.WithBatchSize(maxBatch)}
	name := "ganada"
	int8 := variant == "-int8"
	if variant == "-bf16" {
		opts = append(opts, transformer.WithBF16())
		name = "ganada-bf16"
	}
	if int8 {
		if !gemm.Int8Accelerated() {
			return nil, fmt.Errorf("int8 path needs AVX-512 VNNI, which this processor lacks")
		}
		opts = append(opts, transformer.WithInt8())
		name = "ganada-int8"
	}
	m, err := transformer.Load(context.Background(), modelDir, opts...)
	if err != nil {
		return nil, err
	}
	if int8 && !m.Int8() {
		m.Close()
		return nil, fmt.Errorf("model did not switch to int8")
	}
	return &ganadaEngine{m: m, name: fmt.Sprintf("%s (%s kernels)", name, gemm.KernelName()), hidden: m.HiddenSize()}, nil
}

func (e *ganadaEngine) Name() string { return e.name }

// Encode runs the real tokens of each row of the padded batch and writes
// last_hidden_state as [Size][SeqLen][hidden] (padding rows stay zero).
func (e *ganadaEngine) Encode(b *Batch) ([]float32, error) {
	e.ids = e.ids[:0]
	for r := 0; r < b.Size; r++ {
		row := make([]int, b.Lengths[r])
		for t := range row {
			row[t] = int(b.IDs[r*b.SeqLen+t])
		}
		e.ids = append(e.ids, row)
	}
	states, err := e.m.EncodeTokenIDs(context.Background(), e.ids)
	if err != nil {
		return nil, err
	}
	out := make([]float32, b.Size*b.SeqLen*e.hidden)
	for r, rows := range states {
		for t, v := range rows {
			copy(out[(r*b.SeqLen+t)*e.hidden:], v)
		}
	}
	return out, nil
}

func (e *ganadaEngine) Close() error { return e.m.Close() }

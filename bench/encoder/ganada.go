// This file is where ganada's own transformer (embed/transformer) plugs
// into the harness, next to ONNX Runtime, once that package exists.

package main

import "errors"

var errGanadaNotYet = errors.New("ganada engine not wired yet (embed/transformer)")

// newGanadaEngine returns ganada's encoder as an Engine with the given
// number of worker threads.
//
// >>> GANADA ENGINE GOES HERE <<<
// When embed/transformer lands: load the model folder (modelDir) with it,
// set its worker count to threads, and implement Engine.Encode by running
// the padded Batch (IDs, Mask, TypeIDs, Size, SeqLen) through the
// transformer and returning last_hidden_state as [Size][SeqLen][hidden]
// float32 (padding rows may hold anything). Name() should say "ganada".
// Batch.Texts holds each row's text (stripped) for an engine that can only
// take text: ganada's tokenizer gives the ids the harness uses (the
// harness tokenizes with it), so a text-level Encode sees the same ids.
// Nothing else in the harness needs to change: run it with
// -engines ort,ganada and it prints ganada/ORT ratios and ganada's parity.
func newGanadaEngine(modelDir string, threads int) (Engine, error) {
	_, _ = modelDir, threads
	return nil, errGanadaNotYet
}

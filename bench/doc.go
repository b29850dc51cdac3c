// Package bench holds ganada's peer comparisons: programs and scripts that
// measure ganada against ONNX Runtime, hnswlib, FAISS, Hugging Face
// tokenizers and vek in the same run and print ratios. It is its own Go
// module so that none of these peers enters the library's go.mod.
//
// Every program times and reports the same way, with internal/measure: CPU
// clocks of the process and of the calling thread, memory marks, best and
// median of interleaved trials, and a first line naming the machine (CPU
// model, family and model numbers, load), since figures differ from one
// CPU to the next.
package bench

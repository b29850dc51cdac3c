// Package bench holds ganada's peer comparisons: programs and scripts that
// measure ganada against ONNX Runtime, hnswlib, FAISS, Hugging Face
// tokenizers and vek in the same run and print ratios. It is its own Go
// module so that none of these peers enters the library's go.mod.
package bench

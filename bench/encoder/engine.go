// This file defines what the harness measures: an Engine encodes padded
// batches of token ids into last_hidden_state, and batches are formed as
// sentence-transformers forms them (sorted by length, padded to the
// longest in each batch).

package main

import "sort"

// Batch is a padded batch of token ids: Size sequences of SeqLen tokens,
// row-major, with attention mask 0 on padding and token type ids all 0.
type Batch struct {
	Size, SeqLen int
	IDs          []int64
	Mask         []int64
	TypeIDs      []int64
	Lengths      []int    // real tokens per sequence
	Index        []int    // position of each sequence in the input order
	Texts        []string // the text of each sequence (for engines that tokenize themselves)
}

// Engine is one encoder implementation under test. Encode returns
// last_hidden_state for the batch as [Size][SeqLen][hidden] floats
// (padding rows included; the harness ignores them). An Engine is used
// from one goroutine; its thread count is fixed when it is made.
type Engine interface {
	Name() string
	Encode(b *Batch) ([]float32, error)
	Close() error
}

// makeBatches sorts the sequences by length (longest first, as
// sentence-transformers' encode does with its length sort), cuts them into
// batches of size, and pads each batch to its longest sequence with pad.
// texts (may be nil) are the texts the ids came from.
func makeBatches(ids [][]int64, texts []string, size int, pad int64) []*Batch {
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(ids[order[a]]) > len(ids[order[b]]) })
	var out []*Batch
	for lo := 0; lo < len(order); lo += size {
		hi := min(lo+size, len(order))
		seq := 0
		for _, i := range order[lo:hi] {
			seq = max(seq, len(ids[i]))
		}
		b := &Batch{Size: hi - lo, SeqLen: seq}
		b.IDs = make([]int64, b.Size*seq)
		b.Mask = make([]int64, b.Size*seq)
		b.TypeIDs = make([]int64, b.Size*seq)
		for r, i := range order[lo:hi] {
			for t := 0; t < seq; t++ {
				if t < len(ids[i]) {
					b.IDs[r*seq+t] = ids[i][t]
					b.Mask[r*seq+t] = 1
				} else {
					b.IDs[r*seq+t] = pad
				}
			}
			b.Lengths = append(b.Lengths, len(ids[i]))
			b.Index = append(b.Index, i)
			if texts != nil {
				b.Texts = append(b.Texts, texts[i])
			}
		}
		out = append(out, b)
	}
	return out
}

// meanPool returns the mask-aware mean of sequence r of the batch's
// last_hidden_state (sentence-transformers' mean pooling).
func meanPool(h []float32, b *Batch, r, hidden int) []float64 {
	out := make([]float64, hidden)
	n := b.Lengths[r]
	for t := 0; t < n; t++ {
		row := h[(r*b.SeqLen+t)*hidden : (r*b.SeqLen+t+1)*hidden]
		for j, v := range row {
			out[j] += float64(v)
		}
	}
	for j := range out {
		out[j] /= max(float64(n), 1e-9)
	}
	return out
}

// write.go converts a checkpoint to the safetensors format, so that code
// reading safetensors (embed/transformer, embed/safetensors) can load a
// model published only as pytorch_model.bin.

package pytorch

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"

	"github.com/ganada/ganada/internal/atomicfile"
)

// WriteSafetensors writes every tensor of f to w in the safetensors format,
// with its dtype, its shape and its elements in row-major order (strided
// views are gathered; tensors sharing a storage are written each in full),
// and the metadata {"format": "pt"} that transformers writes. The output
// is what safetensors.Open reads. It stops with ctx's error between
// tensors.
func (f *File) WriteSafetensors(ctx context.Context, w io.Writer) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.closed {
		_, err := f.get("")
		return err
	}
	type entry struct {
		DType       DType    `json:"dtype"`
		Shape       []int    `json:"shape"`
		DataOffsets [2]int64 `json:"data_offsets"`
	}
	hdr := make(map[string]any, len(f.tensors)+1)
	hdr["__metadata__"] = map[string]string{"format": "pt"}
	var off int64
	for _, t := range f.tensors {
		n := t.v.n * int64(t.DType.Size())
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		hdr[t.Name] = entry{DType: t.DType, Shape: shape, DataOffsets: [2]int64{off, off + n}}
		off += n
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return fmt.Errorf("pytorch: %s: safetensors header: %w", f.path, err)
	}
	for len(js)%8 != 0 { // as the reference writer pads, for aligned data
		js = append(js, ' ')
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(js)))); err != nil {
		return err
	}
	if _, err := bw.Write(js); err != nil {
		return err
	}
	for _, t := range f.tensors { // sorted by name, as the header's offsets
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := bw.Write(t.v.bytes()); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ConvertFile converts the torch.save checkpoint src into the safetensors
// file dst, written atomically (dst is either left as it was or complete).
// Errors are Open's and the file system's.
func ConvertFile(ctx context.Context, src, dst string) error {
	f, err := Open(ctx, src)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := atomicfile.Write(dst, func(w io.Writer) error { return f.WriteSafetensors(ctx, w) }); err != nil {
		return fmt.Errorf("pytorch: write %s: %w", dst, err)
	}
	return nil
}

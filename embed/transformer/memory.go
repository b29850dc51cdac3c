// memory.go is the memory guard of Load: before reading a checkpoint it
// adds up the bytes the model's weights will hold resident (float32, bf16
// or int8 copies on the Go heap, and the mapped file pages of weights kept
// in the file) and compares them with the memory available (Linux:
// /proc/meminfo's MemAvailable and the cgroup's limit), so that a model too
// large for the machine fails with a clear error instead of swapping.

package transformer

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/errs"
)

// availableMemory returns the bytes a load may use and where the figure
// comes from; ok is false where it is unknown (then nothing is checked).
// Tests replace it.
var availableMemory = systemMemory

// residentBytes estimates the bytes the weights of c will hold resident
// under mode, given the checkpoint's dtypes: the layers' matrices (by the
// family's shapes), and the embedding tables. Vectors (norms, biases) and
// activations are left out: they are small next to the matrices. consistent
// is false when config.json implies more elements than the file holds (the
// tensor checks then report the corrupt checkpoint); float64 keeps hostile
// sizes from overflowing.
func residentBytes(f *safetensors.File, c *config, mode loadMode) (layers, emb float64, keep, consistent bool) {
	fam, h, ffn := c.fam, float64(c.HiddenSize), float64(c.IntermediateSize)
	per := float64(c.qkvWidth())*h + h*float64(c.attnWidth()) + h*ffn
	if fam.names.mlpUp != "" {
		per += 2 * ffn * h
	} else {
		per += float64(c.innerWidth()) * h
	}
	// Any 16-bit matrix makes the layers stay in the file when the mode
	// keeps them.
	half, held := false, 0.0
	for _, name := range f.Names() {
		t, err := f.Tensor(name)
		if err != nil {
			continue
		}
		held += float64(t.Len())
		if len(t.Shape) == 2 && isHalf(t.DType) {
			half = true
		}
	}
	keep = half && mode.keepLayers()
	elem := 4.0
	switch {
	case mode.int8:
		elem = 1
	case keep, mode.bf16:
		elem = 2
	}
	layers = per * float64(c.NumLayers)
	wordElem := 4.0
	if prefix, err := findPrefix(f, fam); err == nil && !mode.float32 {
		if t, err := f.Tensor(prefix + fam.names.word + ".weight"); err == nil && isHalf(t.DType) {
			wordElem = 2
		}
	}
	word := float64(c.VocabSize) * h
	pos := 0.0
	if fam.positions != posRotary {
		pos = float64(c.MaxPositionEmbeddings) * h
	}
	consistent = layers+word+pos <= held
	return layers * elem, word*wordElem + pos*4, keep, consistent
}

// checkMemory fails with an error wrapping errs.ErrUnsupported, naming the
// model and the figures, when the weights of c under mode need more memory
// than is available. keep reports whether the layers' matrices will stay
// in the file (readWeights then keeps it open from the start).
func checkMemory(f *safetensors.File, model string, c *config, mode loadMode) (keep bool, err error) {
	layers, emb, keep, consistent := residentBytes(f, c, mode)
	if !consistent {
		return keep, nil
	}
	avail, source, ok := availableMemory()
	if ok && layers+emb > float64(avail) {
		how := "float32"
		switch {
		case mode.int8:
			how = "int8"
		case keep:
			how = "16-bit, kept in the file"
		case mode.bf16:
			how = "bf16"
		}
		return keep, fmt.Errorf("transformer: %s: %s: the weights need about %s resident (%s of layers held %s, %s of embeddings), more than the %s available (%s): %w",
			model, f.Path(), gb(layers+emb), gb(layers), how, gb(emb), gb(float64(avail)), source, errs.ErrUnsupported)
	}
	return keep, nil
}

// gb formats a byte count in GB, or MB below 1 GB.
func gb(n float64) string {
	if n < 1e9 {
		return fmt.Sprintf("%.1f MB", n/1e6)
	}
	return fmt.Sprintf("%.2f GB", n/1e9)
}

// systemMemory returns the smaller of /proc/meminfo's MemAvailable and the
// room left under the cgroup's memory limit (v2 memory.max, or v1
// memory.limit_in_bytes; its reclaimable page cache counted as room).
func systemMemory() (int64, string, bool) {
	avail, ok := readKV("/proc/meminfo", "MemAvailable:")
	if !ok {
		return 0, "", false
	}
	avail *= 1024 // kB
	source := "MemAvailable in /proc/meminfo"
	for _, cg := range []struct{ limit, usage, stat, inactive string }{
		{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current", "/sys/fs/cgroup/memory.stat", "inactive_file"},
		{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes", "/sys/fs/cgroup/memory/memory.stat", "total_inactive_file"},
	} {
		limit, ok1 := readNumber(cg.limit)
		usage, ok2 := readNumber(cg.usage)
		if !ok1 || !ok2 || limit >= 1<<62 {
			continue
		}
		inactive, _ := readKV(cg.stat, cg.inactive)
		if room := max(0, limit-usage+inactive); room < avail {
			avail, source = room, "the cgroup limit in "+cg.limit
		}
		break
	}
	return avail, source, true
}

// readSmall reads at most 64 KB of a kernel file.
func readSmall(path string) (string, bool) {
	fh, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, 64<<10))
	return string(b), err == nil
}

// readNumber reads a file holding one decimal number ("max" is no limit).
func readNumber(path string) (int64, bool) {
	s, ok := readSmall(path)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil && n >= 0
}

// readKV returns the number after key in a "key value [unit]" file.
func readKV(path, key string) (int64, bool) {
	s, ok := readSmall(path)
	if !ok {
		return 0, false
	}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == key {
			n, err := strconv.ParseInt(fields[1], 10, 64)
			return n, err == nil && n >= 0
		}
	}
	return 0, false
}

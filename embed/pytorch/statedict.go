// statedict.go turns the unpickled object into named tensors: it walks the
// state dict (nested dicts give dotted names), checks every tensor's
// offset, shape and strides against its storage's size before anything is
// allocated, and reads a tensor's elements (gathering strided views).

package pytorch

import (
	"fmt"
	"sort"

	"github.com/ganada/ganada/errs"
)

// walker collects the tensors of a state dict. Its budget bounds the
// entries visited: a pickle can make a dict hold the same dict under
// several keys (through the memo), level after level, whose paths grow
// exponentially with the depth; a state dict visits each entry once.
type walker struct {
	out    map[string]*tensorVal
	budget int
}

// walk collects the tensors of the state dict v into w.out, with names
// joined by "." below prefix. Values that are not tensors or dicts
// (numbers, strings, lists, None) are skipped.
func (w *walker) walk(v value, prefix string, depth int) error {
	d, ok := v.(*dict)
	if !ok {
		return fmt.Errorf("data.pkl holds %s, not a state dict: %w", typeName(v), errs.ErrUnsupported)
	}
	if depth > maxDepth {
		return fmt.Errorf("data.pkl: %q: dicts nested deeper than %d: %w", prefix, maxDepth, errs.ErrCorrupt)
	}
	if w.budget -= len(d.items); w.budget < 0 {
		return fmt.Errorf("data.pkl: %q: dicts reached through more paths than the pickle has entries (a dict shared across levels): %w", prefix, errs.ErrCorrupt)
	}
	out := w.out
	for _, it := range d.items {
		ks, ok := it.k.(string)
		if !ok {
			if _, isT := it.v.(*tensorVal); isT {
				return fmt.Errorf("data.pkl: tensor under key %s, not a string: %w", describe(it.k), errs.ErrCorrupt)
			}
			continue
		}
		name := ks
		if prefix != "" {
			name = prefix + "." + ks
		}
		switch x := it.v.(type) {
		case *tensorVal:
			if _, dup := out[name]; dup {
				return fmt.Errorf("data.pkl: tensor %q appears twice (through nested dicts): %w", name, errs.ErrCorrupt)
			}
			out[name] = x
		case *dict:
			if err := w.walk(x, name, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// view is a checked tensor: its storage's bytes and how to read them.
type view struct {
	data   []byte // the storage's record
	dtype  DType
	offset int64   // in elements
	shape  []int   // as Tensor.Shape
	stride []int64 // in elements
	n      int64   // elements
}

// check validates t against its storage record of len(data) bytes: the
// record holds exactly numel elements, and every element the view reaches
// lies inside it. Views that reach more elements than the storage holds
// (broadcast views with zero strides) are refused, so reading a tensor
// never allocates more than its storage takes, times 4/element size.
func check(t *tensorVal, data []byte) (view, error) {
	s := t.storage
	es := int64(s.dtype.Size())
	if s.numel > int64(len(data))/es || s.numel*es != int64(len(data)) {
		return view{}, fmt.Errorf("storage %q declares %d %s elements (%d bytes); its record data/%s has %d bytes: %w",
			s.key, s.numel, s.dtype, s.numel*es, s.key, len(data), errs.ErrCorrupt)
	}
	v := view{data: data, dtype: s.dtype, offset: t.offset, stride: t.stride, shape: make([]int, len(t.size))}
	n := int64(1)
	for i, d := range t.size {
		if int64(int(d)) != d {
			return view{}, fmt.Errorf("size %v: dimension %d too large: %w", t.size, i, errs.ErrCorrupt)
		}
		v.shape[i] = int(d)
		if d == 0 {
			n = 0
		} else if n != 0 {
			if n > s.numel/d {
				return view{}, fmt.Errorf("size %v has more elements than its storage %q (%d): %w", t.size, s.key, s.numel, errs.ErrUnsupported)
			}
			n *= d
		}
	}
	v.n = n
	if n == 0 {
		if t.offset > s.numel {
			return view{}, fmt.Errorf("storage_offset %d beyond storage %q of %d elements: %w", t.offset, s.key, s.numel, errs.ErrCorrupt)
		}
		return v, nil
	}
	// The last element reached: offset + Σ (size-1)·stride, computed
	// without overflow against numel.
	last := t.offset
	for i, d := range t.size {
		st := t.stride[i]
		if st > 0 && d-1 > (s.numel-last)/st {
			return view{}, fmt.Errorf("size %v, stride %v, offset %d reach past storage %q of %d elements: %w", t.size, t.stride, t.offset, s.key, s.numel, errs.ErrCorrupt)
		}
		last += (d - 1) * st
	}
	if last >= s.numel {
		return view{}, fmt.Errorf("size %v, stride %v, offset %d reach element %d of storage %q of %d elements: %w", t.size, t.stride, t.offset, last, s.key, s.numel, errs.ErrCorrupt)
	}
	return v, nil
}

// contiguous reports whether the view's elements are one row-major run.
func (v view) contiguous() bool {
	want := int64(1)
	for i := len(v.shape) - 1; i >= 0; i-- {
		if v.shape[i] != 1 && v.stride[i] != want {
			return false
		}
		want *= int64(v.shape[i])
	}
	return true
}

// bytes returns the view's elements in row-major order: a sub-slice of the
// record when contiguous, else a gathered copy.
func (v view) bytes() []byte {
	es := int64(v.dtype.Size())
	if v.n == 0 {
		return []byte{}
	}
	if v.contiguous() {
		b := v.offset * es
		e := b + v.n*es
		return v.data[b:e:e]
	}
	out := make([]byte, 0, v.n*es)
	last := len(v.shape) - 1
	inner, step := v.shape[last], v.stride[last]
	idx := make([]int, last) // the outer indices
	for {
		p := v.offset
		for i, x := range idx {
			p += int64(x) * v.stride[i]
		}
		for j := 0; j < inner; j++ {
			out = append(out, v.data[p*es:(p+1)*es]...)
			p += step
		}
		i := last - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < v.shape[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return out
		}
	}
}

// sortedNames returns the keys of m in order.
func sortedNames(m map[string]*tensorVal) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

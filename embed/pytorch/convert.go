// convert.go turns raw little-endian tensor bytes into float32: F32
// without copying where the machine is little-endian and the bytes are
// aligned, F16, BF16 and F64 by conversion.

package pytorch

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/ganada/ganada/embed/safetensors"
)

// littleEndian reports whether the machine stores integers little-endian.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// toFloat32 converts b, elements of a float dtype (F32, F16, BF16, F64).
func toFloat32(b []byte, dt DType) []float32 {
	switch dt {
	case F32:
		n := len(b) / 4
		if n == 0 {
			return []float32{}
		}
		if littleEndian && uintptr(unsafe.Pointer(&b[0]))%4 == 0 {
			return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), n)
		}
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return out
	case F16:
		out := make([]float32, len(b)/2)
		for i := range out {
			out[i] = safetensors.Float16ToFloat32(binary.LittleEndian.Uint16(b[2*i:]))
		}
		return out
	case BF16:
		out := make([]float32, len(b)/2)
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(b[2*i:])) << 16)
		}
		return out
	case F64:
		out := make([]float32, len(b)/8)
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
		}
		return out
	}
	return nil // not a float dtype: callers check first
}

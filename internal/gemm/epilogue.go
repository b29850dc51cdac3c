// This file defines the epilogue fused into Mul: bias add, activation and
// residual add, applied to each block of rows of the result while it is
// in cache.

package gemm

import "github.com/ganada/ganada/internal/nn"

// Activation selects the elementwise function of an Epilogue.
type Activation uint8

const (
	// None applies no activation.
	None Activation = iota
	// GELU is the exact (erf) GELU, BERT's "gelu".
	GELU
	// GELUTanh is the tanh-approximated GELU ("gelu_new").
	GELUTanh
	// ReLU is max(x, 0).
	ReLU
	// SiLU is x·σ(x) (Qwen3's "silu", the gate of SwiGLU).
	SiLU
)

// Epilogue is what Mul applies to each output row after the product:
// dst = Act(a·wᵀ + Bias) + Residual. Bias (length n) and Residual (the
// same shape as dst, m×n row-major) may be nil. Residual may be dst itself
// when Act is None (Packed.Mul accumulates in place); otherwise it must not
// overlap dst.
type Epilogue struct {
	Bias     []float32
	Act      Activation
	Residual []float32
}

// apply runs the epilogue on rows [i0,i1) and columns [c0,c1) of dst
// (row stride ldc; the residual has the same stride).
func (ep *Epilogue) apply(dst []float32, ldc, i0, i1, c0, c1 int) {
	if ep.Bias == nil && ep.Act == None && ep.Residual == nil {
		return
	}
	for i := i0; i < i1; i++ {
		row := dst[i*ldc+c0 : i*ldc+c1]
		if ep.Act == GELU && ep.Bias != nil {
			nn.BiasGELU(row, row, ep.Bias[c0:c1])
		} else if ep.Bias != nil {
			nn.Add(row, row, ep.Bias[c0:c1])
		}
		switch ep.Act {
		case GELU:
			if ep.Bias == nil {
				nn.GELU(row, row)
			}
		case GELUTanh:
			nn.GELUTanh(row, row)
		case ReLU:
			nn.ReLU(row, row)
		case SiLU:
			nn.SiLU(row, row)
		}
		if ep.Residual != nil {
			nn.Add(row, row, ep.Residual[i*ldc+c0:i*ldc+c1])
		}
	}
}

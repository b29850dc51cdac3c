// This file checks that Pack and the int8 path use the module's kernel
// level (internal/cpu), so that a run with GANADA_CPU set tests what it
// says.

package gemm

import (
	"testing"

	"github.com/ganada/ganada/internal/cpu"
)

func TestDispatchFollowsCPULevel(t *testing.T) {
	// The kernel families of the levels up to the selected one, in order
	// (only "go" in purego builds and on other architectures, where
	// cpu.Levels() is purego alone; arm64's dotprod level adds none).
	family := map[cpu.Level]string{cpu.Purego: "go", cpu.AVX2: "avx2", cpu.AVX512: "avx512", cpu.NEON: "neon"}
	var want []string
	for _, l := range cpu.Levels() {
		if f, ok := family[l]; ok {
			want = append(want, f)
		}
	}
	var got []string
	for _, im := range impls {
		got = append(got, im.name)
	}
	if len(got) != len(want) || KernelName() != want[len(want)-1] {
		t.Fatalf("kernel families %v, Pack uses %q; want %v at level %s (%s)", got, KernelName(), want, cpu.Name(), cpu.Reason())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("kernel families %v, want %v", got, want)
		}
	}
	vnni := cpu.Selected() == cpu.AVX512 && cpu.Has(cpu.X86AVX512VNNI) || cpu.Selected() == cpu.DotProd
	if Int8Accelerated() != vnni || len(qkernels) != 1+b2n(vnni) {
		t.Errorf("Int8Accelerated() = %v with %d int8 kernels at level %s with %s", Int8Accelerated(), len(qkernels), cpu.Name(), cpu.Detected())
	}
	t.Logf("%s; gemm kernels %s, int8 accelerated %v", cpu.Describe(), KernelName(), Int8Accelerated())
}

func b2n(b bool) int {
	if b {
		return 1
	}
	return 0
}

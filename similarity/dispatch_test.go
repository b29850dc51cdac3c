// This file checks that the exported functions run at the module's kernel
// level (internal/cpu), so that a run with GANADA_CPU set tests what it
// says.

package similarity

import (
	"testing"

	"github.com/ganada/ganada/internal/cpu"
)

func TestDispatchFollowsCPULevel(t *testing.T) {
	want := map[cpu.Level]string{cpu.Purego: "generic", cpu.AVX2: "avx2", cpu.AVX512: "avx512", cpu.NEON: "neon", cpu.DotProd: "dotprod"}[cpu.Selected()]
	if got := Implementation(); got != want {
		t.Errorf("Implementation() = %q at level %s (%s), want %q", got, cpu.Name(), cpu.Reason(), want)
	}
	ks := available()
	if len(ks) != len(cpu.Levels()) || ks[len(ks)-1].name != want {
		var names []string
		for _, k := range ks {
			names = append(names, k.name)
		}
		t.Errorf("available() = %v at level %s", names, cpu.Name())
	}
	t.Logf("%s; similarity kernels %s", cpu.Describe(), Implementation())
}

// This file checks, with `go list`, that the purego tag leaves no kernel
// assembly in any package of the module on amd64 and arm64 (the only
// assembly left is internal/cpu's CPUID, which is no kernel), while a build
// without the tag has every kernel package's assembly: with the tag, every
// exported function can only run the pure-Go kernels.

package cpu

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestPuregoTagLeavesNoKernelAssembly(t *testing.T) {
	if testing.Short() {
		t.Skip("-short (the emulated arm64 runs): the plain and purego runs check it")
	}
	goTool := goCommand(t)
	list := func(t *testing.T, goarch string, tags ...string) map[string][]string {
		t.Helper()
		args := append([]string{"list"}, tags...)
		args = append(args, "-f", "{{.ImportPath}}{{range .SFiles}} {{.}}{{end}}", "github.com/ganada/ganada/...")
		cmd := exec.Command(goTool, args...)
		cmd.Env = append(childEnv(), "GOARCH="+goarch, "GOOS=linux", "CGO_ENABLED=0")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("GOARCH=%s go %s: %v", goarch, strings.Join(args, " "), err)
		}
		asm := map[string][]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			if len(f) > 1 {
				asm[strings.TrimPrefix(f[0], "github.com/ganada/ganada/")] = f[1:]
			}
		}
		return asm
	}
	for _, goarch := range []string{"amd64", "arm64"} {
		t.Run(goarch, func(t *testing.T) {
			for pkg, files := range list(t, goarch, "-tags", "purego") {
				if pkg == "internal/cpu" && slices.Equal(files, []string{"cpuid_amd64.s"}) {
					continue
				}
				t.Errorf("with -tags purego, %s builds assembly %v", pkg, files)
			}
			plain := list(t, goarch)
			for _, pkg := range []string{"similarity", "internal/nn", "internal/gemm"} {
				if len(plain[pkg]) == 0 {
					t.Errorf("without the tag, %s has no assembly on %s: the check above tests nothing", pkg, goarch)
				}
			}
		})
	}
}

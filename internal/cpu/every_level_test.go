// This file re-runs the tests of the packages with kernels at every level
// this machine has, each in a `go test` child with GANADA_CPU set, so that
// every kernel and every level's dispatch of the exported functions is
// tested (the packages' own tests cover the levels up to the selected one
// in one process, but bind the exported functions only once, at init).

package cpu

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// everyLevelEnv enables TestEveryLevel (it takes as long as the packages'
// tests times the number of levels, so plain `go test ./...` skips it).
const everyLevelEnv = "GANADA_TEST_EVERY_LEVEL"

// execEnv names a program the children run their test binaries with (go
// test's -exec), for tests of another architecture under emulation:
//
//	GANADA_TEST_EVERY_LEVEL=1 GANADA_TEST_EXEC=qemu-aarch64-static GOARCH=arm64 \
//		go test -exec qemu-aarch64-static -run '^TestEveryLevel$' ./internal/cpu
//
// The children inherit GOARCH from the environment, and MachineLevels is
// what the emulated processor offers. Emulated, each level takes minutes
// (about 4 on a 2-core Zen 3 under load): give go test a -timeout of 30m
// or more, or the children, which share it, time out. CI does not run
// this: its arm64 step tests every level's kernels in one process instead.
const execEnv = "GANADA_TEST_EXEC"

// kernelPackages are the packages whose kernels follow the level, and this
// one (its TestSelectedFollowsEnvironment checks the decision itself).
var kernelPackages = []string{
	"github.com/ganada/ganada/internal/cpu",
	"github.com/ganada/ganada/similarity",
	"github.com/ganada/ganada/internal/nn",
	"github.com/ganada/ganada/internal/gemm",
}

// TestEveryLevel runs `go test` on kernelPackages once per level of
// MachineLevels (with -short if this test has it; with -exec from
// GANADA_TEST_EXEC). Run it as
//
//	GANADA_TEST_EVERY_LEVEL=1 go test -run '^TestEveryLevel$' ./internal/cpu
func TestEveryLevel(t *testing.T) {
	if os.Getenv(everyLevelEnv) == "" {
		t.Skipf("set %s=1 to re-run the kernel packages' tests at every level", everyLevelEnv)
	}
	if puregoTag {
		t.Skip("built with the purego tag: the children would run purego only")
	}
	goTool := goCommand(t)
	for _, l := range MachineLevels() {
		t.Run(l.String(), func(t *testing.T) {
			args := []string{"test", "-count=1"}
			if testing.Short() {
				args = append(args, "-short")
			}
			if x := os.Getenv(execEnv); x != "" {
				args = append(args, "-exec", x)
			}
			if d, ok := t.Deadline(); ok {
				left := time.Until(d) / time.Duration(len(MachineLevels())) // leave time for the other levels
				args = append(args, "-timeout="+left.Round(time.Second).String())
			}
			args = append(args, kernelPackages...)
			cmd := exec.Command(goTool, args...)
			cmd.Env = append(childEnv(), EnvVar+"="+l.String())
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s=%s go %s: %v\n%s", EnvVar, l, strings.Join(args, " "), err, out)
			}
			t.Logf("%s=%s:\n%s", EnvVar, l, out)
		})
	}
}

// tunedPackages are the packages with kernels that follow the tuning.
var tunedPackages = []string{
	"github.com/ganada/ganada/internal/cpu",
	"github.com/ganada/ganada/internal/gemm",
	"github.com/ganada/ganada/similarity",
}

// TestEveryTuning runs `go test` on tunedPackages once per tuning, with
// GANADA_TUNE set, at the machine's best level. It runs with
// TestEveryLevel's variable:
//
//	GANADA_TEST_EVERY_LEVEL=1 go test -run '^TestEveryTuning$' ./internal/cpu
func TestEveryTuning(t *testing.T) {
	if os.Getenv(everyLevelEnv) == "" {
		t.Skipf("set %s=1 to re-run the tuned packages' tests under every tuning", everyLevelEnv)
	}
	if puregoTag {
		t.Skip("built with the purego tag: no tuned kernels")
	}
	goTool := goCommand(t)
	for _, tu := range Tunings() {
		t.Run(tu.String(), func(t *testing.T) {
			args := []string{"test", "-count=1"}
			if testing.Short() {
				args = append(args, "-short")
			}
			args = append(args, tunedPackages...)
			cmd := exec.Command(goTool, args...)
			cmd.Env = append(childEnv(), TuneEnvVar+"="+tu.String())
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s=%s go %s: %v\n%s", TuneEnvVar, tu, strings.Join(args, " "), err, out)
			}
			t.Logf("%s=%s:\n%s", TuneEnvVar, tu, out)
		})
	}
}

// goCommand returns the go command of this toolchain: GOROOT/bin/go, GOROOT
// as the go command in PATH reports it (runtime.GOROOT is deprecated since
// Go 1.24), else the go command in PATH; it skips t without one.
func goCommand(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to run the tests with")
	}
	if out, err := exec.Command(goTool, "env", "GOROOT").Output(); err == nil {
		if p := filepath.Join(strings.TrimSpace(string(out)), "bin", "go"); fileExists(p) {
			goTool = p
		}
	}
	return goTool
}

// childEnv is this process's environment without GANADA_CPU, GANADA_TUNE
// and GANADA_TEST_EVERY_LEVEL (the children must not recurse).
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, EnvVar+"=") || strings.HasPrefix(kv, TuneEnvVar+"=") || strings.HasPrefix(kv, everyLevelEnv+"=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

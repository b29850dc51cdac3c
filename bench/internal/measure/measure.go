// Package measure holds what every benchmark program of bench/ needs to
// time and report its figures the same way: CPU clocks (of the process and
// of the calling thread, which on a shared machine count only the cycles
// the benchmark got), memory marks, the machine line every report starts
// with (kernel level, CPU vendor, family and model numbers, load), and best/median
// summaries of repeated trials.
package measure

import (
	"bufio"
	"fmt"

	"github.com/ganada/ganada/internal/cpu"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ProcessCPU returns the CPU time (user + system, all threads) this
// process has used.
func ProcessCPU() time.Duration { return processCPU() }

// ThreadCPU returns the CPU time the calling OS thread has used and
// whether the system reports it (Linux does). Lock the goroutine to its
// thread (runtime.LockOSThread) around a measurement.
func ThreadCPU() (time.Duration, bool) { return threadCPU() }

// LoadAvg returns the 1, 5 and 15 minute load averages ("?" if unknown).
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// Machine describes where the figures come from, as every report must
// say: the kernel level ganada dispatched and why, the processor (vendor,
// brand, family, model: AMD family 25 is Zen 3 or Zen 4, 26 Zen 5), with
// GOMAXPROCS, NumCPU and the load.
func Machine() string {
	return fmt.Sprintf("%s; %s/%s, GOMAXPROCS=%d, NumCPU=%d, load %s",
		cpu.Describe(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), runtime.NumCPU(), LoadAvg())
}

// ResetPeakRSS resets the kernel's peak-RSS mark of this process (Linux).
func ResetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// PeakRSSKB returns the process's peak resident set since the last
// ResetPeakRSS, in kB (0 if unknown).
func PeakRSSKB() int { return statusKB("VmHWM:") }

// RSSKB returns the process's resident set now, in kB (0 if unknown).
func RSSKB() int { return statusKB("VmRSS:") }

func statusKB(field string) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), field); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

// Trials holds one contender's figures over repeated, interleaved trials.
type Trials []float64

// Min returns the smallest figure (the best, for times).
func (t Trials) Min() float64 { return slices.Min(t) }

// Max returns the largest figure (the best, for rates).
func (t Trials) Max() float64 { return slices.Max(t) }

// Median returns the middle figure (the upper middle for an even count).
func (t Trials) Median() float64 {
	s := slices.Clone(t)
	slices.Sort(s)
	return s[len(s)/2]
}

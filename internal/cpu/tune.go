// This file chooses, once at start-up, the tuning: which microarchitecture
// the kernels that have several variants of one level (how a scan streams,
// GEMM blocking) are tuned for, from the processor's CPUID family and
// model, or forced with GANADA_TUNE so tests can run every variant on any
// machine.

package cpu

import (
	"fmt"
	"os"
	"strings"
)

// TuneEnvVar is the environment variable that forces the tuning:
// GANADA_TUNE=zen3, zen4, zen5, intel or unknown (read once at start-up).
const TuneEnvVar = "GANADA_TUNE"

// Tuning is the microarchitecture family kernels tune for, where the best
// variant of a kernel at one level depends on more than the feature flags.
type Tuning uint8

// The tunings.
const (
	// TuneUnknown is any processor not named below; kernels keep their
	// defaults.
	TuneUnknown Tuning = iota
	// TuneZen3 is AMD Zen 2 and Zen 3: 256-bit AVX2, no AVX-512.
	TuneZen3
	// TuneZen4 is AMD Zen 4: AVX-512 executed as two 256-bit halves.
	TuneZen4
	// TuneZen5 is AMD Zen 5 and later: full-width 512-bit AVX-512.
	TuneZen5
	// TuneIntel is an Intel core (Haswell on): full-width AVX-512 where
	// it has AVX-512.
	TuneIntel
)

var tuningNames = [...]string{TuneUnknown: "unknown", TuneZen3: "zen3", TuneZen4: "zen4", TuneZen5: "zen5", TuneIntel: "intel"}

// String returns the tuning's name as GANADA_TUNE spells it.
func (t Tuning) String() string {
	if int(t) < len(tuningNames) {
		return tuningNames[t]
	}
	return fmt.Sprintf("tuning(%d)", t)
}

// Tunings returns every tuning, for tests that run each variant.
func Tunings() []Tuning {
	return []Tuning{TuneUnknown, TuneZen3, TuneZen4, TuneZen5, TuneIntel}
}

// tuningFor maps a processor to its tuning.
func tuningFor(p Processor) Tuning {
	switch m := p.Microarchitecture(); {
	case m == "zen2" || m == "zen3":
		return TuneZen3
	case m == "zen4":
		return TuneZen4
	case m == "zen5" || m == "zen6":
		return TuneZen5
	case p.Vendor == "GenuineIntel" && p.Family == 6:
		return TuneIntel
	}
	return TuneUnknown
}

// decideTuning returns the tuning for p, or the one env names when set
// (an unknown name is ignored), and the reason.
func decideTuning(p Processor, env string, set bool) (Tuning, string) {
	t := tuningFor(p)
	if !set || strings.TrimSpace(env) == "" {
		return t, "from the processor"
	}
	v := strings.ToLower(strings.TrimSpace(env))
	for _, c := range Tunings() {
		if c.String() == v {
			return c, fmt.Sprintf("%s=%s (the processor's is %s)", TuneEnvVar, v, t)
		}
	}
	return t, fmt.Sprintf("%s=%s ignored (want unknown, zen3, zen4, zen5 or intel); from the processor", TuneEnvVar, quote(env))
}

// The tuning, decided in init after the processor is detected.
var (
	tuning     Tuning
	tuneReason string
)

func initTuning() {
	env, set := os.LookupEnv(TuneEnvVar)
	tuning, tuneReason = decideTuning(processor, env, set)
}

// Tune returns the tuning kernels follow.
func Tune() Tuning { return tuning }

// TuneReason says whether the tuning came from the processor or from
// GANADA_TUNE.
func TuneReason() string { return tuneReason }

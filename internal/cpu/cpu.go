// Package cpu decides once, at start-up, which level of hand-written
// kernels the packages of this module run (similarity, internal/nn,
// internal/gemm), so that they all agree and a report can name the choice.
//
// # Levels
//
// A Level is a set of instruction-set extensions the kernels are written
// for. On amd64 the levels are ordered, each including the one below it:
//
//   - Purego: portable Go, on every platform and in every build;
//   - AVX2: AVX2, FMA and POPCNT (every AVX2 processor has the other two);
//   - AVX512: AVX2 plus AVX-512 F, VL, BW and DQ (Skylake-SP, Ice Lake,
//     Sapphire Rapids, Zen 4 and later). Its optional extensions,
//     AVX512_VNNI, AVX512_VPOPCNTDQ and AVX512_BF16, are Features that
//     kernels test with Has.
//
// On arm64:
//
//   - Purego;
//   - NEON: Advanced SIMD (ASIMD), which every ARMv8-A processor running
//     Linux, macOS or Windows has;
//   - DotProd: NEON plus the dot-product instructions SDOT and UDOT
//     (FEAT_DotProd, Linux's asimddp: Apple M1 and later, Neoverse N1,
//     V1, V2, N2, Graviton 2 to 4, Cortex-A76 and later). A Cortex-A72
//     (Graviton 1, Raspberry Pi 4) is NEON.
//
// Other architectures have Purego only. Levels of different architectures
// are not comparable: compare levels only in an architecture's own files.
//
// # Choosing the level
//
// The selected level is the best one the processor and the operating
// system support (as detected by golang.org/x/sys/cpu, which also honours
// GODEBUG=cpu.avx2=off and the like), unless
//
//   - the program was built with the purego tag: always Purego;
//   - the environment variable GANADA_CPU names a level (purego, avx2 or
//     avx512 on amd64, purego, neon or dotprod on arm64; read once at
//     start-up): that level, or the machine's best if
//     it names a higher one. A value that is not a level of this
//     architecture is ignored.
//
// Reason says which of these happened and why (what a lowered level
// lacks, what value was ignored), for reports; Describe adds the
// processor.
//
// # Tuning
//
// Where the best variant of a kernel at one level depends on the core
// design rather than its feature flags (how a large scan streams, GEMM
// blocking), kernels follow Tune: zen3 (Zen 2 and 3), zen4 (AVX-512 in two
// 256-bit halves), zen5 (full-width AVX-512), intel or unknown, from the
// CPUID vendor, family and model. GANADA_TUNE names one to force it, so
// that tests run every variant on any machine; TuneReason says which.
package cpu

import (
	"fmt"
	"os"
	"strings"
)

// EnvVar is the environment variable that lowers the kernel level:
// GANADA_CPU=purego, avx2 or avx512 (amd64), purego, neon or dotprod
// (arm64).
const EnvVar = "GANADA_CPU"

// Level is a kernel implementation level; see the package documentation.
type Level uint8

// The levels, lowest first. Levels are ordered within an architecture.
const (
	// Purego is portable Go: every platform, every build.
	Purego Level = iota
	// AVX2 is amd64 with AVX2, FMA and POPCNT.
	AVX2
	// AVX512 is amd64 with AVX2 and AVX-512 F, VL, BW and DQ.
	AVX512
	// NEON is arm64 with Advanced SIMD (ASIMD).
	NEON
	// DotProd is arm64 with ASIMD and the SDOT/UDOT dot-product
	// instructions (ASIMDDP).
	DotProd
)

var levelNames = [...]string{Purego: "purego", AVX2: "avx2", AVX512: "avx512", NEON: "neon", DotProd: "dotprod"}

// String returns the level's name as GANADA_CPU spells it: "purego",
// "avx2", "avx512", "neon" or "dotprod".
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", l)
}

// parseLevel returns the level named s (any case, surrounding spaces
// ignored).
func parseLevel(s string) (Level, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for l, name := range levelNames {
		if s == name {
			return Level(l), true
		}
	}
	return 0, false
}

// Feature is a set of instruction-set extensions, one bit each.
type Feature uint32

// The x86 features the levels are made of, and the optional extensions of
// the AVX512 level.
const (
	X86FMA Feature = 1 << iota
	X86POPCNT
	X86AVX2
	X86AVX512F
	X86AVX512VL
	X86AVX512BW
	X86AVX512DQ
	// X86AVX512VNNI is AVX512_VNNI (VPDPBUSD: int8 dot products).
	X86AVX512VNNI
	// X86AVX512VPOPCNTDQ is AVX512_VPOPCNTDQ (VPOPCNTQ on 512-bit registers).
	X86AVX512VPOPCNTDQ
	// X86AVX512BF16 is AVX512_BF16 (bfloat16 conversions and dot products).
	X86AVX512BF16
	// ARM64ASIMD is arm64's Advanced SIMD (NEON).
	ARM64ASIMD
	// ARM64ASIMDDP is arm64's SDOT and UDOT (FEAT_DotProd).
	ARM64ASIMDDP
)

var featureNames = [...]string{
	"fma", "popcnt", "avx2", "avx512f", "avx512vl", "avx512bw", "avx512dq",
	"avx512vnni", "avx512vpopcntdq", "avx512bf16", "asimd", "asimddp",
}

// String lists the features of f, comma-separated, in the spelling of
// GODEBUG=cpu.name=off ("avx2,fma"); "none" for the empty set.
func (f Feature) String() string {
	var names []string
	for i, name := range featureNames {
		if f&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	if rest := f &^ (1<<len(featureNames) - 1); rest != 0 {
		names = append(names, fmt.Sprintf("%#x", uint32(rest)))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

// arch describes what an architecture offers: its levels, lowest first,
// the features each level requires (on top of the levels below it), and
// the optional features that belong to a level.
type arch struct {
	levels   []Level
	requires map[Level]Feature
	extras   map[Level]Feature
}

// machineLevel is the best level of a whose requirements detected meets
// (levels are nested, so the first one missing a feature ends the search).
func (a *arch) machineLevel(detected Feature) Level {
	best := Purego
	for _, l := range a.levels {
		if a.requires[l]&^detected != 0 {
			break
		}
		best = l
	}
	return best
}

// usable is every feature a kernel may use at level sel: the requirements
// and extras of sel and of the levels below it.
func (a *arch) usable(sel Level) Feature {
	var f Feature
	for _, l := range a.levels {
		f |= a.requires[l] | a.extras[l]
		if l == sel {
			break
		}
	}
	return f
}

// has reports whether l is a level of a.
func (a *arch) has(l Level) bool {
	for _, x := range a.levels {
		if x == l {
			return true
		}
	}
	return false
}

// names lists a's level names for messages ("purego, avx2 or avx512").
func (a *arch) names() string {
	var s []string
	for _, l := range a.levels {
		s = append(s, l.String())
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// decide chooses the level for a machine with the detected features, given
// GANADA_CPU (env, set) and the purego build tag, and says why.
func decide(a *arch, detected Feature, env string, set, purego bool) (Level, string) {
	machine := a.machineLevel(detected)
	env = strings.TrimSpace(env)
	if purego {
		reason := "built with the purego tag"
		if set && env != "" {
			reason += fmt.Sprintf(" (%s=%s ignored)", EnvVar, quote(env))
		}
		return Purego, reason
	}
	best := func() string {
		r := "the best level of this machine"
		if next := nextLevel(a, machine); next != machine {
			r += fmt.Sprintf(", which lacks %s for %s", a.requires[next]&^detected, next)
		}
		return r
	}
	if !set || env == "" {
		return machine, best()
	}
	want, ok := parseLevel(env)
	if !ok || !a.has(want) {
		return machine, fmt.Sprintf("%s=%s ignored (not %s); %s", EnvVar, quote(env), a.names(), best())
	}
	if want > machine {
		var missing Feature
		for _, l := range a.levels {
			if l <= want {
				missing |= a.requires[l] &^ detected
			}
		}
		return machine, fmt.Sprintf("%s=%s lowered to %s: this machine lacks %s", EnvVar, want, machine, missing)
	}
	if want == machine {
		return want, fmt.Sprintf("%s=%s (the best level of this machine)", EnvVar, want)
	}
	return want, fmt.Sprintf("%s=%s (this machine runs up to %s)", EnvVar, want, machine)
}

// quote quotes an environment value for a message, cut to its first 32
// bytes.
func quote(s string) string {
	const max = 32
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}

// nextLevel is the level of a just above l, or l if it is the highest.
func nextLevel(a *arch, l Level) Level {
	for i, x := range a.levels {
		if x == l && i+1 < len(a.levels) {
			return a.levels[i+1]
		}
	}
	return l
}

// Processor identifies the processor, for reports and for tuning to a
// microarchitecture. On other architectures than amd64 only Arch is set.
type Processor struct {
	Arch   string // runtime.GOARCH
	Vendor string // CPUID vendor: "AuthenticAMD", "GenuineIntel", ...
	Brand  string // CPUID brand string: "AMD EPYC 7B13 64-Core Processor", ...
	// Family, Model and Stepping as the vendors number them (extended
	// family and model folded in): 25 is AMD family 19h, 6 Intel's Core
	// family.
	Family, Model, Stepping int
}

// Microarchitecture names the core design from the vendor, family and
// model: "zen", "zen2", "zen3", "zen4", "zen5", "zen6" for AMD (families 23,
// 25, 26 split by model, as Linux does), a few Intel cores ("haswell",
// "skylake-x", "icelake-server", "sapphirerapids", ...); "" when unknown.
func (p Processor) Microarchitecture() string {
	switch p.Vendor {
	case "AuthenticAMD", "HygonGenuine":
		return amdMicroarchitecture(p.Family, p.Model)
	case "GenuineIntel":
		return intelMicroarchitecture(p.Family, p.Model, p.Stepping)
	}
	return ""
}

func inRanges(m int, r ...int) bool {
	for i := 0; i+1 < len(r); i += 2 {
		if m >= r[i] && m <= r[i+1] {
			return true
		}
	}
	return false
}

// amdMicroarchitecture follows the model ranges of Linux's
// arch/x86/kernel/cpu/amd.c (X86_FEATURE_ZEN1..ZEN6).
func amdMicroarchitecture(family, model int) string {
	switch family {
	case 0x17:
		switch {
		case inRanges(model, 0x00, 0x2f, 0x50, 0x5f):
			return "zen"
		case inRanges(model, 0x30, 0x4f, 0x60, 0x7f, 0x90, 0x91, 0xa0, 0xaf):
			return "zen2"
		}
	case 0x18: // Hygon Dhyana: a Zen core
		return "zen"
	case 0x19:
		switch {
		case inRanges(model, 0x00, 0x0f, 0x20, 0x5f):
			return "zen3"
		case inRanges(model, 0x10, 0x1f, 0x60, 0xaf):
			return "zen4"
		}
	case 0x1a:
		switch {
		case inRanges(model, 0x00, 0x2f, 0x40, 0x4f, 0x60, 0x7f):
			return "zen5"
		case inRanges(model, 0x50, 0x5f, 0x80, 0xaf, 0xc0, 0xcf):
			return "zen6"
		}
	}
	return ""
}

// intelFamily6 names the family-6 models of Intel's cores (not the Atom
// ones) from Haswell on, per Linux's asm/intel-family.h.
var intelFamily6 = map[int]string{
	0x3c: "haswell", 0x3f: "haswell", 0x45: "haswell", 0x46: "haswell",
	0x3d: "broadwell", 0x47: "broadwell", 0x4f: "broadwell", 0x56: "broadwell",
	0x4e: "skylake", 0x5e: "skylake", 0x8e: "skylake", 0x9e: "skylake", // Kaby, Coffee, Whiskey Lake
	0xa5: "skylake", 0xa6: "skylake", // Comet Lake
	0x55: "skylake-x", // Cascade and Cooper Lake by stepping
	0x66: "cannonlake",
	0x6a: "icelake-server", 0x6c: "icelake-server",
	0x7d: "icelake", 0x7e: "icelake", 0x9d: "icelake",
	0xa7: "rocketlake",
	0x8c: "tigerlake", 0x8d: "tigerlake",
	0x8f: "sapphirerapids",
	0xcf: "emeraldrapids",
	0xad: "graniterapids", 0xae: "graniterapids",
	0x97: "alderlake", 0x9a: "alderlake",
	0xb7: "raptorlake", 0xba: "raptorlake", 0xbf: "raptorlake",
	0xaa: "meteorlake", 0xac: "meteorlake",
	0xb5: "arrowlake", 0xc5: "arrowlake", 0xc6: "arrowlake",
	0xbd: "lunarlake",
}

func intelMicroarchitecture(family, model, stepping int) string {
	if family != 6 {
		return ""
	}
	name := intelFamily6[model]
	if model == 0x55 {
		switch {
		case stepping >= 10:
			return "cooperlake"
		case stepping >= 5:
			return "cascadelake"
		}
	}
	return name
}

// The decision, made once at start-up.
var (
	detected  Feature
	processor Processor
	machine   Level
	selected  Level
	reason    string
	usableSet Feature
)

func init() {
	detected, processor = detect()
	env, set := os.LookupEnv(EnvVar)
	machine = thisArch.machineLevel(detected)
	selected, reason = decide(&thisArch, detected, env, set, puregoTag)
	usableSet = detected & thisArch.usable(selected)
	initTuning()
}

// Selected returns the level every kernel of this module runs at.
func Selected() Level { return selected }

// Name returns the selected level's name ("purego", "avx2", "avx512",
// "neon", "dotprod"), for benchmark reports.
func Name() string { return selected.String() }

// Reason explains the choice: the best level of the machine (and what the
// next one would need), GANADA_CPU's value and whether it was lowered or
// ignored, or the purego tag.
func Reason() string { return reason }

// Machine returns the best level the processor and operating system
// support, whatever GANADA_CPU or the purego tag select.
func Machine() Level { return machine }

// Levels returns every level up to the selected one, lowest first: the
// implementations tests should run.
func Levels() []Level {
	var ls []Level
	for _, l := range thisArch.levels {
		if l > selected {
			break
		}
		ls = append(ls, l)
	}
	return ls
}

// MachineLevels returns every level the machine runs, lowest first,
// whatever GANADA_CPU or the purego tag select.
func MachineLevels() []Level {
	var ls []Level
	for _, l := range thisArch.levels {
		if l > machine {
			break
		}
		ls = append(ls, l)
	}
	return ls
}

// Detected returns every feature the processor and the operating system
// support, whatever level is selected.
func Detected() Feature { return detected }

// Has reports whether kernels may use every feature of f: the machine has
// them and they belong to the selected level or one below it (so
// GANADA_CPU=avx2 turns AVX512_VNNI off as well).
func Has(f Feature) bool { return usableSet&f == f }

// CPU returns the processor's identification.
func CPU() Processor { return processor }

// Describe returns one line for reports: the level, its optional
// features, the processor and the reason for the level, e.g. "avx2 on AMD
// EPYC 7B13 64-Core Processor [AuthenticAMD family 25 model 1 stepping 1,
// zen3]: the best level of this machine, which lacks ...".
func Describe() string {
	var b strings.Builder
	b.WriteString(selected.String())
	if extras := usableSet & thisArch.extras[selected]; extras != 0 {
		fmt.Fprintf(&b, " with %s", extras)
	}
	p := processor
	if p.Vendor == "" {
		fmt.Fprintf(&b, " on %s", p.Arch)
	} else {
		brand := p.Brand
		if brand == "" {
			brand = p.Arch
		}
		fmt.Fprintf(&b, " on %s [%s family %d model %d stepping %d", brand, p.Vendor, p.Family, p.Model, p.Stepping)
		if m := p.Microarchitecture(); m != "" {
			fmt.Fprintf(&b, ", %s", m)
		}
		fmt.Fprintf(&b, ", tuned for %s", tuning)
		b.WriteString("]")
	}
	fmt.Fprintf(&b, ": %s", reason)
	return b.String()
}

// requiresUpTo is every feature the levels up to l require.
func (a *arch) requiresUpTo(l Level) Feature {
	var f Feature
	for _, x := range a.levels {
		if x > l {
			break
		}
		f |= a.requires[x]
	}
	return f
}

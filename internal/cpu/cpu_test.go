// This file tests the level decision (GANADA_CPU, the purego tag, clamping
// to the machine), the feature masks, the CPUID decoding and the
// microarchitecture tables, and checks that this process's decision agrees
// with its environment.

package cpu

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// amd64Arch is the amd64 level table whatever GOARCH the tests run on.
var amd64Arch = arch{
	levels: []Level{Purego, AVX2, AVX512},
	requires: map[Level]Feature{
		AVX2:   X86FMA | X86POPCNT | X86AVX2,
		AVX512: X86AVX512F | X86AVX512VL | X86AVX512BW | X86AVX512DQ,
	},
	extras: map[Level]Feature{
		AVX512: X86AVX512VNNI | X86AVX512VPOPCNTDQ | X86AVX512BF16,
	},
}

// arm64Arch is the arm64 level table whatever GOARCH the tests run on.
var arm64Arch = arch{
	levels: []Level{Purego, NEON, DotProd},
	requires: map[Level]Feature{
		NEON:    ARM64ASIMD,
		DotProd: ARM64ASIMDDP,
	},
}

var otherArch = arch{levels: []Level{Purego}}

const (
	zen3     = X86FMA | X86POPCNT | X86AVX2
	zen4     = zen3 | X86AVX512F | X86AVX512VL | X86AVX512BW | X86AVX512DQ | X86AVX512VNNI | X86AVX512VPOPCNTDQ | X86AVX512BF16
	knl      = zen3 | X86AVX512F // AVX-512 F without BW/DQ/VL (Knights Landing)
	noPOPCNT = X86FMA | X86AVX2
	a72      = ARM64ASIMD                // Cortex-A72 (Graviton 1, Raspberry Pi 4)
	n1       = ARM64ASIMD | ARM64ASIMDDP // Neoverse N1/V1/V2, Apple M-series
)

func TestDecide(t *testing.T) {
	for _, c := range []struct {
		name     string
		a        *arch
		detected Feature
		env      string
		set      bool
		purego   bool
		want     Level
		reason   []string // substrings of the reason
	}{
		{"zen4 unset", &amd64Arch, zen4, "", false, false, AVX512, []string{"best level"}},
		{"zen3 unset", &amd64Arch, zen3, "", false, false, AVX2, []string{"best level", "lacks avx512f,avx512vl,avx512bw,avx512dq for avx512"}},
		{"empty counts as unset", &amd64Arch, zen3, "", true, false, AVX2, []string{"best level"}},
		{"knl is avx2", &amd64Arch, knl, "", false, false, AVX2, []string{"lacks avx512vl,avx512bw,avx512dq for avx512"}},
		{"no popcnt is purego", &amd64Arch, noPOPCNT, "", false, false, Purego, []string{"lacks popcnt for avx2"}},
		{"nothing", &amd64Arch, 0, "", false, false, Purego, []string{"lacks fma,popcnt,avx2 for avx2"}},
		{"zen4 avx2", &amd64Arch, zen4, "avx2", true, false, AVX2, []string{"GANADA_CPU=avx2", "runs up to avx512"}},
		{"zen4 purego", &amd64Arch, zen4, "purego", true, false, Purego, []string{"GANADA_CPU=purego"}},
		{"zen4 avx512", &amd64Arch, zen4, "avx512", true, false, AVX512, []string{"GANADA_CPU=avx512", "best level"}},
		{"case and spaces", &amd64Arch, zen4, " AVX2\n", true, false, AVX2, []string{"GANADA_CPU=avx2"}},
		{"zen3 avx512 clamped", &amd64Arch, zen3, "avx512", true, false, AVX2, []string{"lowered to avx2", "lacks avx512f,avx512vl,avx512bw,avx512dq"}},
		{"nothing avx512 clamped", &amd64Arch, 0, "avx512", true, false, Purego, []string{"lowered to purego", "lacks fma,popcnt,avx2,avx512f"}},
		{"unknown ignored", &amd64Arch, zen3, "sse4", true, false, AVX2, []string{`GANADA_CPU="sse4" ignored`, "purego, avx2 or avx512", "best level"}},
		{"number ignored", &amd64Arch, zen4, "2", true, false, AVX512, []string{`"2" ignored`}},
		{"NUL ignored", &amd64Arch, zen4, "avx2\x00", true, false, AVX512, []string{`"avx2\x00" ignored`}},
		{"inner space ignored", &amd64Arch, zen3, "avx 2", true, false, AVX2, []string{`"avx 2" ignored`}},
		{"fullwidth ignored", &amd64Arch, zen3, "ＡＶＸ２", true, false, AVX2, []string{`ignored`}},
		{"long value cut", &amd64Arch, zen3, strings.Repeat("x", 1<<20), true, false, AVX2, []string{`"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"... ignored`}},
		{"purego tag", &amd64Arch, zen4, "", false, true, Purego, []string{"purego tag"}},
		{"purego tag beats env", &amd64Arch, zen4, "avx512", true, true, Purego, []string{"purego tag", `"avx512" ignored`}},
		{"arm64 n1 unset", &arm64Arch, n1, "", false, false, DotProd, []string{"best level"}},
		{"arm64 a72 unset", &arm64Arch, a72, "", false, false, NEON, []string{"best level", "lacks asimddp for dotprod"}},
		{"arm64 nothing", &arm64Arch, 0, "", false, false, Purego, []string{"lacks asimd for neon"}},
		{"arm64 n1 neon", &arm64Arch, n1, "neon", true, false, NEON, []string{"GANADA_CPU=neon", "runs up to dotprod"}},
		{"arm64 n1 purego", &arm64Arch, n1, "Purego", true, false, Purego, []string{"GANADA_CPU=purego"}},
		{"arm64 a72 dotprod clamped", &arm64Arch, a72, "dotprod", true, false, NEON, []string{"lowered to neon", "lacks asimddp"}},
		{"arm64 avx2 ignored", &arm64Arch, n1, "avx2", true, false, DotProd, []string{`"avx2" ignored`, "purego, neon or dotprod"}},
		{"arm64 purego tag", &arm64Arch, n1, "dotprod", true, true, Purego, []string{"purego tag"}},
		{"amd64 neon ignored", &amd64Arch, zen3, "neon", true, false, AVX2, []string{`"neon" ignored`}},
		{"other arch", &otherArch, 0, "", false, false, Purego, []string{"best level"}},
		{"other arch avx2", &otherArch, 0, "avx2", true, false, Purego, []string{`"avx2" ignored (not purego)`}},
		{"other arch purego", &otherArch, 0, "purego", true, false, Purego, []string{"GANADA_CPU=purego"}},
	} {
		got, reason := decide(c.a, c.detected, c.env, c.set, c.purego)
		if len(reason) > 300 {
			t.Errorf("%s: reason of %d bytes", c.name, len(reason))
		}
		if got != c.want {
			t.Errorf("%s: level %s, want %s (%s)", c.name, got, c.want, reason)
		}
		for _, s := range c.reason {
			if !strings.Contains(reason, s) {
				t.Errorf("%s: reason %q does not say %q", c.name, reason, s)
			}
		}
	}
}

func TestUsable(t *testing.T) {
	if got := amd64Arch.usable(Purego); got != 0 {
		t.Errorf("usable(purego) = %s", got)
	}
	if got := zen4 & amd64Arch.usable(AVX2); got != zen3 {
		t.Errorf("zen4 at avx2 may use %s, want %s", got, zen3)
	}
	if got := zen4 & amd64Arch.usable(AVX512); got != zen4 {
		t.Errorf("zen4 at avx512 may use %s, want %s", got, zen4)
	}
	if got := n1 & arm64Arch.usable(NEON); got != a72 {
		t.Errorf("n1 at neon may use %s, want %s", got, a72)
	}
	if got := n1 & arm64Arch.usable(DotProd); got != n1 {
		t.Errorf("n1 at dotprod may use %s, want %s", got, n1)
	}
}

func TestLevelNames(t *testing.T) {
	for _, l := range append(amd64Arch.levels, arm64Arch.levels...) {
		got, ok := parseLevel(l.String())
		if !ok || got != l {
			t.Errorf("parseLevel(%q) = %v, %v", l.String(), got, ok)
		}
	}
	if s := Level(9).String(); s != "Level(9)" {
		t.Errorf("Level(9) = %q", s)
	}
	if s := (X86AVX2 | X86FMA).String(); s != "fma,avx2" {
		t.Errorf("features = %q", s)
	}
	if s := (ARM64ASIMD | ARM64ASIMDDP).String(); s != "asimd,asimddp" {
		t.Errorf("arm64 features = %q", s)
	}
	if s := Feature(0).String(); s != "none" {
		t.Errorf("no features = %q", s)
	}
	if s := (X86FMA | 1<<31).String(); s != "fma,0x80000000" {
		t.Errorf("unknown bit = %q", s)
	}
}

func TestMicroarchitecture(t *testing.T) {
	for _, c := range []struct {
		p    Processor
		want string
	}{
		{Processor{Vendor: "AuthenticAMD", Family: 23, Model: 0x01}, "zen"},
		{Processor{Vendor: "AuthenticAMD", Family: 23, Model: 0x31}, "zen2"},
		{Processor{Vendor: "AuthenticAMD", Family: 25, Model: 0x01}, "zen3"}, // Milan
		{Processor{Vendor: "AuthenticAMD", Family: 25, Model: 0x21}, "zen3"}, // Vermeer
		{Processor{Vendor: "AuthenticAMD", Family: 25, Model: 0x11}, "zen4"}, // Genoa
		{Processor{Vendor: "AuthenticAMD", Family: 25, Model: 0x61}, "zen4"}, // Raphael
		{Processor{Vendor: "AuthenticAMD", Family: 25, Model: 0xa0}, "zen4"}, // Bergamo
		{Processor{Vendor: "AuthenticAMD", Family: 25, Model: 0xb0}, ""},
		{Processor{Vendor: "AuthenticAMD", Family: 26, Model: 0x02}, "zen5"}, // Turin
		{Processor{Vendor: "AuthenticAMD", Family: 26, Model: 0x44}, "zen5"}, // Granite Ridge
		{Processor{Vendor: "AuthenticAMD", Family: 26, Model: 0x50}, "zen6"},
		{Processor{Vendor: "AuthenticAMD", Family: 21, Model: 0x02}, ""}, // Piledriver
		{Processor{Vendor: "GenuineIntel", Family: 6, Model: 0x55, Stepping: 4}, "skylake-x"},
		{Processor{Vendor: "GenuineIntel", Family: 6, Model: 0x55, Stepping: 7}, "cascadelake"},
		{Processor{Vendor: "GenuineIntel", Family: 6, Model: 0x55, Stepping: 11}, "cooperlake"},
		{Processor{Vendor: "GenuineIntel", Family: 6, Model: 0x8f}, "sapphirerapids"},
		{Processor{Vendor: "GenuineIntel", Family: 6, Model: 0x01}, ""},
		{Processor{Vendor: "GenuineIntel", Family: 19, Model: 0x01}, ""},
		{Processor{Arch: "arm64"}, ""},
	} {
		if got := c.p.Microarchitecture(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.p, got, c.want)
		}
	}
}

// TestSelectedFollowsEnvironment checks this process's own decision
// against its environment, so that a run with GANADA_CPU set (see
// TestEveryLevel) checks the real start-up path.
func TestSelectedFollowsEnvironment(t *testing.T) {
	env, set := os.LookupEnv(EnvVar)
	want := Machine()
	if l, ok := parseLevel(env); set && ok && thisArch.has(l) && l < want {
		want = l
	}
	if puregoTag {
		want = Purego
	}
	if Selected() != want || Name() != want.String() {
		t.Errorf("%s=%q on a %s machine selected %s, want %s (%s)", EnvVar, env, Machine(), Selected(), want, Reason())
	}
	ls := Levels()
	if len(ls) == 0 || ls[0] != Purego || ls[len(ls)-1] != Selected() {
		t.Errorf("Levels() = %v with %s selected", ls, Selected())
	}
	ms := MachineLevels()
	if len(ms) < len(ls) || ms[len(ms)-1] != Machine() {
		t.Errorf("MachineLevels() = %v on a %s machine", ms, Machine())
	}
	// Nothing above the selected level is usable; its own requirements are.
	if !Has(thisArch.usable(Selected()) & thisArch.requiresUpTo(Selected())) {
		t.Errorf("the selected level's own features are not usable: %s", Detected())
	}
	for _, l := range thisArch.levels {
		if l > Selected() && thisArch.requires[l] != 0 && Has(thisArch.requires[l]) {
			t.Errorf("features of %s usable at %s", l, Selected())
		}
	}
	if Detected()&thisArch.requiresUpTo(Machine()) != thisArch.requiresUpTo(Machine()) {
		t.Errorf("machine level %s without its features (%s)", Machine(), Detected())
	}
	t.Logf("%s", Describe())
}

func TestProcessor(t *testing.T) {
	p := CPU()
	if p.Arch != runtime.GOARCH {
		t.Errorf("Arch = %q", p.Arch)
	}
	if runtime.GOARCH == "amd64" && haveCPUID {
		if len(p.Vendor) != 12 || p.Family == 0 {
			t.Errorf("CPUID gave %+v", p)
		}
	}
	d := Describe()
	if !strings.HasPrefix(d, Name()+" ") || !strings.HasSuffix(d, ": "+Reason()) {
		t.Errorf("Describe() = %q", d)
	}
}

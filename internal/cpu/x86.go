// This file detects the amd64 features the levels are made of (through
// golang.org/x/sys/cpu, which checks that the operating system saves the
// AVX and AVX-512 registers and honours GODEBUG=cpu.x=off) and identifies
// the processor with CPUID.

//go:build amd64

package cpu

import (
	"runtime"
	"strings"

	"golang.org/x/sys/cpu"
)

// The amd64 levels: what each needs on top of the one below it, and the
// optional features of AVX512. The union is what the kernels use: FMA and
// AVX2 everywhere at AVX2, POPCNT in Hamming; at AVX512, BW for masked byte
// loads and 64-bit mask moves (similarity's int8 tail), DQ for
// VEXTRACTF32X8 (nn, gemm), F for the rest; VL is required as the earlier
// checks did (no kernel needs it today, every AVX-512 processor but Knights
// Landing, which lacks BW and DQ too, has it). CD is not used.
var thisArch = arch{
	levels: []Level{Purego, AVX2, AVX512},
	requires: map[Level]Feature{
		AVX2:   X86FMA | X86POPCNT | X86AVX2,
		AVX512: X86AVX512F | X86AVX512VL | X86AVX512BW | X86AVX512DQ,
	},
	extras: map[Level]Feature{
		AVX512: X86AVX512VNNI | X86AVX512VPOPCNTDQ | X86AVX512BF16,
	},
}

func detect() (Feature, Processor) {
	var f Feature
	set := func(b Feature, ok bool) {
		if ok {
			f |= b
		}
	}
	x := &cpu.X86
	set(X86FMA, x.HasFMA && x.HasAVX) // FMA is VEX-encoded: needs the OS's YMM support
	set(X86POPCNT, x.HasPOPCNT)
	set(X86AVX2, x.HasAVX2)
	set(X86AVX512F, x.HasAVX512F)
	set(X86AVX512VL, x.HasAVX512VL)
	set(X86AVX512BW, x.HasAVX512BW)
	set(X86AVX512DQ, x.HasAVX512DQ)
	set(X86AVX512VNNI, x.HasAVX512VNNI)
	set(X86AVX512VPOPCNTDQ, x.HasAVX512VPOPCNTDQ)
	set(X86AVX512BF16, x.HasAVX512BF16)
	return f, identify()
}

// identify reads the vendor, family, model, stepping and brand with CPUID.
func identify() Processor {
	p := Processor{Arch: runtime.GOARCH}
	if !haveCPUID {
		return p
	}
	maxID, b, c, d := cpuid(0, 0)
	p.Vendor = regString(b, d, c)
	if maxID >= 1 {
		a, _, _, _ := cpuid(1, 0)
		p.Family, p.Model, p.Stepping = decodeSignature(a)
	}
	if maxExt, _, _, _ := cpuid(0x80000000, 0); maxExt >= 0x80000004 {
		var s []byte
		for leaf := uint32(0x80000002); leaf <= 0x80000004; leaf++ {
			a, b, c, d := cpuid(leaf, 0)
			s = append(s, regString(a, b, c, d)...)
		}
		p.Brand = strings.Join(strings.Fields(strings.TrimRight(string(s), "\x00")), " ")
	}
	return p
}

// decodeSignature splits CPUID leaf 1's EAX: the extended family is added
// when the base family is 15, the extended model is the model's high
// nibble when the base family is 6 or 15 (the rule both vendors document).
func decodeSignature(eax uint32) (family, model, stepping int) {
	stepping = int(eax & 0xf)
	model = int(eax>>4) & 0xf
	family = int(eax>>8) & 0xf
	if family == 6 || family == 15 {
		model |= int(eax>>16&0xf) << 4
	}
	if family == 15 {
		family += int(eax>>20) & 0xff
	}
	return family, model, stepping
}

// regString returns the bytes of the registers in order, little-endian.
func regString(regs ...uint32) string {
	b := make([]byte, 0, 4*len(regs))
	for _, r := range regs {
		b = append(b, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
	}
	return string(b)
}

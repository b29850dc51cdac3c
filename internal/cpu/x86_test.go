// This file tests the decoding of CPUID's processor signature.

//go:build amd64

package cpu

import "testing"

func TestDecodeSignature(t *testing.T) {
	for _, c := range []struct {
		eax                     uint32
		family, model, stepping int
	}{
		{0x00a00f11, 25, 0x01, 1},        // AMD EPYC 7003 (Milan)
		{0x00a10f11, 25, 0x11, 1},        // AMD EPYC 9004 (Genoa)
		{0x00b00f21, 26, 0x02, 1},        // AMD EPYC 9005 (Turin)
		{0x00830f10, 23, 0x31, 0},        // AMD EPYC 7002 (Rome)
		{0x00050657, 6, 0x55, 7},         // Intel Cascade Lake
		{0x000806f8, 6, 0x8f, 8},         // Intel Sapphire Rapids
		{0x00000f29, 15, 0x02, 9},        // Pentium 4: family 15, no extension
		{0x00100f42, 16, 0x04, 2},        // AMD family 10h
		{0x000306c3, 6, 0x3c, 3},         // Haswell
		{0x00000543, 5, 0x04, 3},         // family 5: extended model ignored
		{0x0ff5ffff, 15 + 255, 0x5f, 15}, // every extension bit
	} {
		f, m, s := decodeSignature(c.eax)
		if f != c.family || m != c.model || s != c.stepping {
			t.Errorf("%#08x: family %d model %#x stepping %d, want %d %#x %d", c.eax, f, m, s, c.family, c.model, c.stepping)
		}
	}
}

func TestRegString(t *testing.T) {
	// CPUID leaf 0 of an AMD processor: EBX "Auth", EDX "enti", ECX "cAMD".
	if got := regString(0x68747541, 0x69746e65, 0x444d4163); got != "AuthenticAMD" {
		t.Errorf("regString = %q", got)
	}
}

// This file declares the CPUID instruction (cpuid_amd64.s) for the gc
// toolchain.

//go:build gc

package cpu

const haveCPUID = true

// cpuid executes CPUID with EAX = eaxArg and ECX = ecxArg.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// This file stands in for CPUID on amd64 toolchains without Go assembly
// (gccgo): the processor is not identified there.

//go:build amd64 && !gc

package cpu

const haveCPUID = false

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32) { return 0, 0, 0, 0 }

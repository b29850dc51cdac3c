// This file stands in for the CPU clocks where they are not read: only
// wall-clock figures are reported there.

//go:build !linux

package measure

import "time"

func processCPU() time.Duration { return 0 }

func threadCPU() (time.Duration, bool) { return 0, false }

// This file gives the portable build the same test hook as amd64: there is
// one implementation level, so f runs once.

//go:build (!amd64 && !arm64) || purego

package similarity

import "testing"

func forEachLevel(t *testing.T, f func(t *testing.T)) { t.Run("generic", f) }

func forEachLevelB(b *testing.B, name string, f func(b *testing.B)) { b.Run("generic/"+name, f) }

func streamVariants(t *testing.T, f func(t *testing.T)) { f(t) }

// This file lets the tests run the exported functions on every amd64
// implementation level.

//go:build amd64 && !purego

package similarity

import "testing"

// forEachLevel runs f once per implementation level this machine supports,
// with the exported functions dispatching to that level.
func forEachLevel(t *testing.T, f func(t *testing.T)) {
	saved := level
	defer func() { level = saved }()
	for l := levelGeneric; l <= levelAVX512; l++ {
		if (l == levelAVX2 && !x86HasAVX2) || (l == levelAVX512 && !x86HasAVX512) {
			continue
		}
		level = l
		t.Run(levelNames[l], f)
	}
}

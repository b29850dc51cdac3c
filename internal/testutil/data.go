// This file finds the evaluation data for tests, skipping when it is
// absent.

package testutil

import (
	"testing"

	"github.com/ganada/ganada/internal/datadir"
)

// DataDir returns the evaluation data directory (see datadir.Find), or
// skips the test naming what is missing.
func DataDir(t testing.TB) string {
	t.Helper()
	dir, err := datadir.Find()
	if err != nil {
		t.Skipf("evaluation data (shared/data with korsts/ and stsb-multi-mt/, or $GANADA_DATA) not found: %v", err)
	}
	return dir
}

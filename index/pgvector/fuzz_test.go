// This file fuzzes parseVector, which reads the server's text form of a
// vector: whatever the bytes, it returns dim components or an error
// wrapping errs.ErrCorrupt, and never panics.

package pgvector

import (
	"errors"
	"testing"

	"github.com/ganada/ganada/errs"
)

func FuzzParseVector(f *testing.F) {
	for _, s := range []string{"[1,2,3]", "[1.5e-3,-0,3.4028235e+38]", "[]", "[1,2", "1,2,3]", "[a,b,c]", "[1,,3]", "[NaN,Infinity,-1]"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, dim int) {
		if dim < 1 || dim > 64 {
			return
		}
		v, err := parseVector(s, dim)
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("%q: %v does not wrap ErrCorrupt", s, err)
			}
			return
		}
		if len(v) != dim {
			t.Fatalf("%q: %d components, want %d", s, len(v), dim)
		}
		if got, err := parseVector(vectorText(v), dim); err != nil || len(got) != dim {
			t.Fatalf("round trip of %v: %v", v, err)
		}
	})
}

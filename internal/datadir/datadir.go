// Package datadir finds the evaluation data of a project checkout (the STS
// sets in shared/data beside it), for the example programs, the commands
// under eval/cmd and the tests. It is repository plumbing, not API: callers
// of package eval pass their data location themselves.
package datadir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Subdirs are the folders a data directory must hold.
var Subdirs = []string{"korsts", "stsb-multi-mt"}

// Find returns the evaluation data directory: $GANADA_DATA if set, else
// the first "shared/data" found walking up from the working directory
// (the checkout's ../shared/data). The directory must hold Subdirs.
func Find() (string, error) {
	ok := func(d string) bool {
		for _, sub := range Subdirs {
			if st, err := os.Stat(filepath.Join(d, sub)); err != nil || !st.IsDir() {
				return false
			}
		}
		return true
	}
	if d := os.Getenv("GANADA_DATA"); d != "" {
		if ok(d) {
			return d, nil
		}
		return "", fmt.Errorf("GANADA_DATA=%s has no korsts and stsb-multi-mt folders", d)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if c := filepath.Join(d, "shared", "data"); ok(c) {
			return c, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", errors.New("no shared/data directory with korsts and stsb-multi-mt above the working directory (set GANADA_DATA)")
}

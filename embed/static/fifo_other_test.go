// This file stands in for FIFOs on systems without them: those hostile
// file tests are skipped.

//go:build !unix

package static

import "errors"

func makeFIFO(string) error { return errors.New("no FIFOs on this system") }

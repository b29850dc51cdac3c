// This file sets the open flag of files.go on systems without
// O_NONBLOCK, which rely on the regular-file check made before opening.

//go:build !unix

package static

const openNonblock = 0

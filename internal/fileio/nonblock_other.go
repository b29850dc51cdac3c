// nonblock_other.go: systems without O_NONBLOCK rely on the regular-file
// check made before a file is opened.

//go:build !unix

package fileio

const openNonblock = 0

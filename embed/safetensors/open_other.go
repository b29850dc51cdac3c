// open_other.go: systems without O_NONBLOCK rely on the regular-file
// check made before opening.

//go:build !unix

package safetensors

const openNonblock = 0

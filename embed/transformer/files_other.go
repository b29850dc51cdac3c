// files_other.go: systems without O_NONBLOCK rely on the regular-file
// check made before a model file is opened.

//go:build !unix

package transformer

const openNonblock = 0

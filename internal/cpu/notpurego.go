// This file records that the program was built without the purego tag.

//go:build !purego

package cpu

const puregoTag = false

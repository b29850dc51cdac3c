// This file records that the program was built with the purego tag, which
// selects the Purego level whatever the machine or GANADA_CPU.

//go:build purego

package cpu

const puregoTag = true

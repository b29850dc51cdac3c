// This file defines the pooling modes, their names in sentence-transformers
// and the order in which their outputs are concatenated.

package pool

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/ganada/ganada/errs"
)

// Mode is a set of pooling modes; combine them with |.
type Mode uint8

// The pooling modes of sentence-transformers' Pooling module.
const (
	CLS          Mode = 1 << iota // the first token's vector
	Mean                          // mean of the real tokens' vectors
	Max                           // per-dimension maximum over the real tokens
	MeanSqrtLen                   // sum of the real tokens' vectors / sqrt(count)
	WeightedMean                  // position-weighted mean (weights 1, 2, ..., n; SGPT)
	LastToken                     // the last real token's vector

	allModes = CLS | Mean | Max | MeanSqrtLen | WeightedMean | LastToken
)

// outputOrder is the order in which sentence-transformers concatenates the
// outputs of several modes (Pooling.forward), with each mode's name as in
// its pooling_mode argument.
var outputOrder = []struct {
	mode Mode
	name string
}{
	{CLS, "cls"},
	{Max, "max"},
	{Mean, "mean"},
	{MeanSqrtLen, "mean_sqrt_len_tokens"},
	{WeightedMean, "weightedmean"},
	{LastToken, "lasttoken"},
}

// String returns the mode names joined by "+", in output order, for example
// "cls+mean"; unknown bits are shown in hexadecimal.
func (m Mode) String() string {
	if m == 0 {
		return "none"
	}
	var parts []string
	for _, o := range outputOrder {
		if m&o.mode != 0 {
			parts = append(parts, o.name)
		}
	}
	if extra := m &^ allModes; extra != 0 {
		parts = append(parts, fmt.Sprintf("%#x", uint8(extra)))
	}
	return strings.Join(parts, "+")
}

// count returns the number of known modes in m.
func (m Mode) count() int { return bits.OnesCount8(uint8(m & allModes)) }

// ParseMode parses a pooling mode name as sentence-transformers' Pooling
// accepts it in its pooling_mode argument ("cls", "lasttoken", "max",
// "mean", "mean_sqrt_len_tokens", "weightedmean"; case-insensitive), or
// several joined by "+" as String writes them.
func ParseMode(s string) (Mode, error) {
	var m Mode
	for _, part := range strings.Split(s, "+") {
		found := false
		for _, o := range outputOrder {
			if strings.EqualFold(part, o.name) {
				m |= o.mode
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("pool: unknown mode %q (valid: cls, lasttoken, max, mean, mean_sqrt_len_tokens, weightedmean): %w", part, errs.ErrInvalidInput)
		}
	}
	return m, nil
}

// This file holds Config, its validation and LoadConfig, which reads a
// sentence-transformers 1_Pooling/config.json.

package pool

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ganada/ganada/errs"
)

// Config describes a sentence-transformers Pooling module.
type Config struct {
	// Modes is the set of pooling modes; their outputs are concatenated.
	Modes Mode
	// IncludePrompt is sentence-transformers' include_prompt (default true):
	// when false, the prompt's tokens (the first promptLen rows given to
	// Pool) are masked out before pooling, as INSTRUCTOR-style models need.
	IncludePrompt bool
	// Dim is word_embedding_dimension, the hidden size the module expects,
	// or 0 if unknown. When set, Pool checks its dim argument against it.
	Dim int
}

// Validate reports whether c names at least one known mode and nothing
// else, and has a non-negative Dim.
//
// Its error wraps errs.ErrInvalidInput.
func (c Config) Validate() error { return c.validate(errs.ErrInvalidInput) }

// validate is Validate with the sentinel to wrap: errs.ErrInvalidInput for
// a Config the caller built, errs.ErrCorrupt for one read from a file.
func (c Config) validate(kind error) error {
	if c.Modes&^allModes != 0 {
		return fmt.Errorf("pool: unknown mode bits %#x: %w", uint8(c.Modes&^allModes), kind)
	}
	if c.Modes == 0 {
		return fmt.Errorf("pool: no pooling mode enabled: %w", kind)
	}
	if c.Dim < 0 {
		return fmt.Errorf("pool: negative word_embedding_dimension %d: %w", c.Dim, kind)
	}
	return nil
}

// OutDim returns the length of the sentence vector Pool writes for token
// vectors of the given hidden size: the number of modes times hidden.
func (c Config) OutDim(hidden int) int { return c.Modes.count() * hidden }

// configFile mirrors 1_Pooling/config.json. Pointers tell absent keys
// (which take sentence-transformers' defaults) from false ones.
type configFile struct {
	WordEmbeddingDimension *int    `json:"word_embedding_dimension"`
	PoolingMode            *string `json:"pooling_mode"`
	CLSToken               *bool   `json:"pooling_mode_cls_token"`
	MeanTokens             *bool   `json:"pooling_mode_mean_tokens"`
	MaxTokens              *bool   `json:"pooling_mode_max_tokens"`
	MeanSqrtLenTokens      *bool   `json:"pooling_mode_mean_sqrt_len_tokens"`
	WeightedMeanTokens     *bool   `json:"pooling_mode_weightedmean_tokens"`
	LastToken              *bool   `json:"pooling_mode_lasttoken"`
	IncludePrompt          *bool   `json:"include_prompt"`
}

// knownKeys are the keyword arguments of Pooling.__init__.
var knownKeys = map[string]bool{
	"word_embedding_dimension":          true,
	"pooling_mode":                      true,
	"pooling_mode_cls_token":            true,
	"pooling_mode_mean_tokens":          true,
	"pooling_mode_max_tokens":           true,
	"pooling_mode_mean_sqrt_len_tokens": true,
	"pooling_mode_weightedmean_tokens":  true,
	"pooling_mode_lasttoken":            true,
	"include_prompt":                    true,
}

// LoadConfig reads dir/config.json, where dir is the 1_Pooling folder of a
// sentence-transformers model. Absent keys take Pooling's defaults (mean
// pooling on, every other mode off, include_prompt true); a "pooling_mode"
// string, as Pooling accepts it, overrides the individual flags. Unknown
// keys or modes (sentence-transformers rejects them too), a configuration
// with no mode and JSON that does not parse are errors wrapping
// errs.ErrCorrupt that name the file; a file that cannot be read is the
// os error, wrapped (errors.Is(err, fs.ErrNotExist) for a missing one).
func LoadConfig(dir string) (Config, error) {
	path := filepath.Join(dir, "config.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("pool: %w", err)
	}
	c, err := parseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("pool: %s: %w", path, err)
	}
	return c, nil
}

func parseConfig(data []byte) (Config, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Config{}, fmt.Errorf("%v: %w", err, errs.ErrCorrupt)
	}
	var unknown []string
	for k := range raw {
		if !knownKeys[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return Config{}, fmt.Errorf("unexpected config keys %q: %w", unknown, errs.ErrCorrupt)
	}
	var f configFile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return Config{}, fmt.Errorf("%v: %w", err, errs.ErrCorrupt)
	}

	flag := func(p *bool, def bool) bool {
		if p == nil {
			return def
		}
		return *p
	}
	c := Config{IncludePrompt: flag(f.IncludePrompt, true)}
	for _, m := range []struct {
		on   bool
		mode Mode
	}{
		{flag(f.CLSToken, false), CLS},
		{flag(f.MeanTokens, true), Mean},
		{flag(f.MaxTokens, false), Max},
		{flag(f.MeanSqrtLenTokens, false), MeanSqrtLen},
		{flag(f.WeightedMeanTokens, false), WeightedMean},
		{flag(f.LastToken, false), LastToken},
	} {
		if m.on {
			c.Modes |= m.mode
		}
	}
	if f.PoolingMode != nil {
		m, err := parseSingleMode(*f.PoolingMode)
		if err != nil {
			return Config{}, err
		}
		c.Modes = m
	}
	if f.WordEmbeddingDimension != nil {
		c.Dim = *f.WordEmbeddingDimension
	}
	if err := c.validate(errs.ErrCorrupt); err != nil {
		return Config{}, err
	}
	return c, nil
}

// parseSingleMode accepts exactly one mode name, as Pooling's pooling_mode
// argument does (case-insensitive).
func parseSingleMode(s string) (Mode, error) {
	for _, o := range outputOrder {
		if strings.EqualFold(s, o.name) {
			return o.mode, nil
		}
	}
	return 0, fmt.Errorf("pooling_mode %q (valid: cls, lasttoken, max, mean, mean_sqrt_len_tokens, weightedmean): %w", s, errs.ErrCorrupt)
}

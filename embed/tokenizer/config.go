// This file parses tokenizer.json into the components of a Tokenizer,
// dispatching on each component's "type" as the Rust crate does.

package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// obj is a decoded JSON object with its path for error messages and the
// document it comes from.
type obj struct {
	d    *jdoc
	path string
	m    map[string]json.RawMessage
}

func isNull(r json.RawMessage) bool {
	r = bytes.TrimSpace(r)
	return len(r) == 0 || string(r) == "null"
}

func decodeObj(d *jdoc, path string, raw json.RawMessage) (obj, error) {
	m, ok := d.members(bytes.TrimSpace(raw))
	if !ok {
		return obj{}, fieldErr(path, "expected a JSON object")
	}
	return obj{d: d, path: path, m: m}, nil
}

func (o obj) has(k string) bool {
	r, ok := o.m[k]
	return ok && !isNull(r)
}

// typ returns the component's "type", "" when it is missing or null, and an
// error naming the value when it is not a string.
func (o obj) typ() (string, error) {
	var s string
	if r, ok := o.m["type"]; ok && !isNull(r) {
		if err := json.Unmarshal(r, &s); err != nil {
			return "", fieldErr(o.path+".type", "expected a string, found %s", compact(r))
		}
	}
	return s, nil
}

// isString reports whether a raw JSON value is a string.
func isString(r json.RawMessage) bool {
	r = bytes.TrimSpace(r)
	return len(r) >= 2 && r[0] == '"'
}

// jsonString decodes a JSON string into s, without encoding/json when it
// has no escapes (merges and vocabularies hold hundreds of thousands).
func jsonString(r json.RawMessage, s *string) bool {
	r = bytes.TrimSpace(r)
	if len(r) >= 2 && r[0] == '"' && r[len(r)-1] == '"' && bytes.IndexByte(r, '\\') < 0 && utf8.Valid(r) {
		body := r[1 : len(r)-1]
		if bytes.IndexByte(body, '"') < 0 && !hasControl(body) {
			*s = string(body)
			return true
		}
	}
	return json.Unmarshal(r, s) == nil
}

// hasControl reports whether b holds a byte JSON strings must escape.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// quoteShort quotes s for an error message, shortened to 40 bytes.
func quoteShort(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%q... (%d bytes)", s[:40], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// compact shortens a raw JSON value for an error message.
func compact(r json.RawMessage) string {
	r = bytes.TrimSpace(r)
	if len(r) > 40 {
		return string(r[:40]) + "..."
	}
	return string(r)
}

// need checks a field serde requires (not an Option, no default): missing
// or null is an error.
func (o obj) need(k string) error {
	r, ok := o.m[k]
	if !ok {
		return fieldErr(o.path+"."+k, "missing")
	}
	if isNull(r) {
		return fieldErr(o.path+"."+k, "null where a value is required")
	}
	return nil
}

// notNull checks a field serde defaults when missing but rejects as null.
func (o obj) notNull(k string) error {
	if r, ok := o.m[k]; ok && isNull(r) {
		return fieldErr(o.path+"."+k, "null where a value is required")
	}
	return nil
}

func (o obj) str(k, def string, required bool) (string, error) {
	r, ok := o.m[k]
	if !ok || isNull(r) {
		if required {
			return "", fieldErr(o.path+"."+k, "missing")
		}
		return def, nil
	}
	var s string
	if err := json.Unmarshal(r, &s); err != nil {
		return "", fieldErr(o.path+"."+k, "expected a string")
	}
	return s, nil
}

func (o obj) boolean(k string, def bool) (bool, error) {
	r, ok := o.m[k]
	if !ok || isNull(r) {
		return def, nil
	}
	var b bool
	if err := json.Unmarshal(r, &b); err != nil {
		return false, fieldErr(o.path+"."+k, "expected a boolean")
	}
	return b, nil
}

func (o obj) integer(k string, def int, required bool) (int, error) {
	r, ok := o.m[k]
	if !ok || isNull(r) {
		if required {
			return 0, fieldErr(o.path+"."+k, "missing")
		}
		return def, nil
	}
	var n int
	if err := json.Unmarshal(r, &n); err != nil || n < 0 {
		return 0, fieldErr(o.path+"."+k, "expected a non-negative integer")
	}
	return n, nil
}

// bounded is integer for a field whose value must also be at most hi: the
// ids the Rust crate reads as u32, and the lengths of truncation and
// padding (MaxSequenceLength).
func (o obj) bounded(k string, def int, required bool, hi int) (int, error) {
	r, ok := o.m[k]
	if !ok || isNull(r) {
		if required {
			return 0, fieldErr(o.path+"."+k, "missing")
		}
		return def, nil
	}
	var n int
	if err := json.Unmarshal(r, &n); err != nil || n < 0 || n > hi {
		return 0, fieldErr(o.path+"."+k, "expected an integer from 0 to %d, found %s", hi, compact(r))
	}
	return n, nil
}

func (o obj) char(k string, def rune) (rune, error) {
	s, err := o.str(k, string(def), false)
	if err != nil {
		return 0, err
	}
	r, sz := utf8.DecodeRuneInString(s)
	if sz == 0 || sz != len(s) {
		return 0, fieldErr(o.path+"."+k, "expected a single character")
	}
	return r, nil
}

func (o obj) list(k string) ([]json.RawMessage, error) {
	r, ok := o.m[k]
	if !ok || isNull(r) {
		return nil, fieldErr(o.path+"."+k, "missing")
	}
	l, ok := o.d.elements(r)
	if !ok {
		return nil, fieldErr(o.path+"."+k, "expected an array")
	}
	return l, nil
}

// parseConfig builds a Tokenizer from tokenizer.json bytes.
func parseConfig(data []byte) (*Tokenizer, error) {
	d, top, err := decodeTop(data)
	if err != nil {
		return nil, err
	}
	root := obj{d: d, path: "", m: top}
	t := &Tokenizer{}
	if r, ok := top["version"]; ok && !isNull(r) {
		var v string
		if err := json.Unmarshal(r, &v); err != nil || v != "1.0" {
			return nil, fieldErr("version", "unknown tokenizer version %s", string(r))
		}
	}
	rm, ok := top["model"]
	if !ok || isNull(rm) {
		return nil, fieldErr("model", "missing")
	}
	m, err := parseModel(d, "model", rm)
	if err != nil {
		return nil, err
	}
	t.model = m
	if r := top["normalizer"]; !isNull(r) {
		if t.norm, err = parseNormalizer(d, "normalizer", r); err != nil {
			return nil, err
		}
	}
	if r := top["pre_tokenizer"]; !isNull(r) {
		if t.pre, err = parsePreTokenizer(d, "pre_tokenizer", r); err != nil {
			return nil, err
		}
	}
	if r := top["post_processor"]; !isNull(r) {
		if t.post, err = parsePostProcessor(d, "post_processor", r); err != nil {
			return nil, err
		}
	}
	if r := top["decoder"]; !isNull(r) {
		if t.dec, err = parseDecoder(d, "decoder", r); err != nil {
			return nil, err
		}
	}
	if r := top["truncation"]; !isNull(r) {
		if t.trunc, err = parseTruncation(d, "truncation", r); err != nil {
			return nil, err
		}
	}
	if r := top["padding"]; !isNull(r) {
		if t.pad, err = parsePadding(d, "padding", r); err != nil {
			return nil, err
		}
	}
	var added []AddedToken
	if root.has("added_tokens") {
		l, err := root.list("added_tokens")
		if err != nil {
			return nil, err
		}
		for i, r := range l {
			p := fmt.Sprintf("added_tokens[%d]", i)
			o, err := decodeObj(d, p, r)
			if err != nil {
				return nil, err
			}
			var a AddedToken
			if a.ID, err = o.bounded("id", 0, true, maxTokenID); err != nil {
				return nil, err
			}
			if a.Content, err = o.str("content", "", true); err != nil {
				return nil, err
			}
			if len(a.Content) > maxTrieKey {
				return nil, &FieldError{Field: p + ".content", Err: fmt.Errorf("added token of %d bytes (at most %d): %w", len(a.Content), maxTrieKey, errs.ErrUnsupported)}
			}
			if a.Special, err = o.boolean("special", false); err != nil {
				return nil, err
			}
			if a.SingleWord, err = o.boolean("single_word", false); err != nil {
				return nil, err
			}
			if a.LStrip, err = o.boolean("lstrip", false); err != nil {
				return nil, err
			}
			if a.RStrip, err = o.boolean("rstrip", false); err != nil {
				return nil, err
			}
			if a.Normalized, err = o.boolean("normalized", !a.Special); err != nil {
				return nil, err
			}
			added = append(added, a)
		}
	}
	if t.added, err = buildAddedVocab(added, t.model, t.norm); err != nil {
		return nil, err
	}
	if err := t.checkSpecials(); err != nil {
		return nil, err
	}
	t.chunks = planChunks(t)
	return t, nil
}

// checkSpecials resolves the template's special tokens (ids are given in the
// file, nothing to resolve) and validates post-processor tokens exist.
func (t *Tokenizer) checkSpecials() error { return nil }

func parseTruncation(d *jdoc, path string, r json.RawMessage) (*Truncation, error) {
	o, err := decodeObj(d, path, r)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"max_length", "strategy", "stride"} {
		if err := o.need(k); err != nil {
			return nil, err
		}
	}
	if err := o.notNull("direction"); err != nil {
		return nil, err
	}
	tr := &Truncation{}
	if tr.MaxLength, err = o.bounded("max_length", 0, true, MaxSequenceLength); err != nil {
		return nil, err
	}
	if tr.Stride, err = o.bounded("stride", 0, false, MaxSequenceLength); err != nil {
		return nil, err
	}
	s, err := o.str("strategy", "LongestFirst", false)
	if err != nil {
		return nil, err
	}
	switch s {
	case "LongestFirst":
		tr.Strategy = LongestFirst
	case "OnlyFirst":
		tr.Strategy = OnlyFirst
	case "OnlySecond":
		tr.Strategy = OnlySecond
	default:
		return nil, unsupported(path+".strategy", s)
	}
	if tr.Direction, err = parseDirection(o, "direction"); err != nil {
		return nil, err
	}
	return tr, nil
}

func parseDirection(o obj, k string) (Direction, error) {
	s, err := o.str(k, "Right", false)
	if err != nil {
		return 0, err
	}
	switch s {
	case "Right":
		return Right, nil
	case "Left":
		return Left, nil
	}
	return 0, unsupported(o.path+"."+k, s)
}

func parsePadding(d *jdoc, path string, r json.RawMessage) (*Padding, error) {
	o, err := decodeObj(d, path, r)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"strategy", "direction", "pad_id", "pad_type_id", "pad_token"} {
		if err := o.need(k); err != nil {
			return nil, err
		}
	}
	p := &Padding{}
	sr := o.m["strategy"]
	var s string
	if json.Unmarshal(sr, &s) == nil {
		if s != "BatchLongest" {
			return nil, unsupported(path+".strategy", s)
		}
		p.Strategy = BatchLongest
	} else {
		var f struct {
			Fixed *int `json:"Fixed"`
		}
		if err := json.Unmarshal(sr, &f); err != nil || f.Fixed == nil || *f.Fixed < 0 {
			return nil, fieldErr(path+".strategy", "expected \"BatchLongest\" or {\"Fixed\": n}")
		}
		if *f.Fixed > MaxSequenceLength {
			return nil, fieldErr(path+".strategy.Fixed", "padding length %d is larger than %d (MaxSequenceLength)", *f.Fixed, MaxSequenceLength)
		}
		p.Strategy = Fixed
		p.Length = *f.Fixed
	}
	if p.Direction, err = parseDirection(o, "direction"); err != nil {
		return nil, err
	}
	if p.PadToMultipleOf, err = o.bounded("pad_to_multiple_of", 0, false, MaxSequenceLength); err != nil {
		return nil, err
	}
	if p.PadID, err = o.bounded("pad_id", 0, false, maxTokenID); err != nil {
		return nil, err
	}
	if p.PadTypeID, err = o.bounded("pad_type_id", 0, false, maxTokenID); err != nil {
		return nil, err
	}
	if p.PadToken, err = o.str("pad_token", "[PAD]", false); err != nil {
		return nil, err
	}
	return p, nil
}

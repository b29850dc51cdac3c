// This file parses tokenizer.json into the components of a Tokenizer,
// dispatching on each component's "type" as the Rust crate does.

package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// obj is a decoded JSON object with its path for error messages.
type obj struct {
	path string
	m    map[string]json.RawMessage
}

func isNull(r json.RawMessage) bool {
	r = bytes.TrimSpace(r)
	return len(r) == 0 || string(r) == "null"
}

func decodeObj(path string, raw json.RawMessage) (obj, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return obj{}, fieldErr(path, "expected a JSON object")
	}
	return obj{path: path, m: m}, nil
}

func (o obj) has(k string) bool {
	r, ok := o.m[k]
	return ok && !isNull(r)
}

func (o obj) typ() string {
	var s string
	if r, ok := o.m["type"]; ok {
		_ = json.Unmarshal(r, &s)
	}
	return s
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
	var l []json.RawMessage
	if err := json.Unmarshal(r, &l); err != nil {
		return nil, fieldErr(o.path+"."+k, "expected an array")
	}
	return l, nil
}

// parseConfig builds a Tokenizer from tokenizer.json bytes.
func parseConfig(data []byte) (*Tokenizer, error) {
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&top); err != nil {
		return nil, &FieldError{Field: "tokenizer.json", Err: fmt.Errorf("%w: %v", ErrInvalidConfig, err)}
	}
	if top == nil {
		return nil, fieldErr("tokenizer.json", "expected a JSON object")
	}
	root := obj{path: "", m: top}
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
	m, err := parseModel("model", rm)
	if err != nil {
		return nil, err
	}
	t.model = m
	if r := top["normalizer"]; !isNull(r) {
		if t.norm, err = parseNormalizer("normalizer", r); err != nil {
			return nil, err
		}
	}
	if r := top["pre_tokenizer"]; !isNull(r) {
		if t.pre, err = parsePreTokenizer("pre_tokenizer", r); err != nil {
			return nil, err
		}
	}
	if r := top["post_processor"]; !isNull(r) {
		if t.post, err = parsePostProcessor("post_processor", r); err != nil {
			return nil, err
		}
	}
	if r := top["decoder"]; !isNull(r) {
		if t.dec, err = parseDecoder("decoder", r); err != nil {
			return nil, err
		}
	}
	if r := top["truncation"]; !isNull(r) {
		if t.trunc, err = parseTruncation("truncation", r); err != nil {
			return nil, err
		}
	}
	if r := top["padding"]; !isNull(r) {
		if t.pad, err = parsePadding("padding", r); err != nil {
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
			o, err := decodeObj(p, r)
			if err != nil {
				return nil, err
			}
			var a AddedToken
			if a.ID, err = o.integer("id", 0, true); err != nil {
				return nil, err
			}
			if a.Content, err = o.str("content", "", true); err != nil {
				return nil, err
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
	t.added = buildAddedVocab(added, t.model, t.norm)
	if err := t.checkSpecials(); err != nil {
		return nil, err
	}
	return t, nil
}

// checkSpecials resolves the template's special tokens (ids are given in the
// file, nothing to resolve) and validates post-processor tokens exist.
func (t *Tokenizer) checkSpecials() error { return nil }

func parseTruncation(path string, r json.RawMessage) (*Truncation, error) {
	o, err := decodeObj(path, r)
	if err != nil {
		return nil, err
	}
	tr := &Truncation{}
	if tr.MaxLength, err = o.integer("max_length", 0, true); err != nil {
		return nil, err
	}
	if tr.Stride, err = o.integer("stride", 0, false); err != nil {
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

func parsePadding(path string, r json.RawMessage) (*Padding, error) {
	o, err := decodeObj(path, r)
	if err != nil {
		return nil, err
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
		p.Strategy = Fixed
		p.Length = *f.Fixed
	}
	if p.Direction, err = parseDirection(o, "direction"); err != nil {
		return nil, err
	}
	if p.PadToMultipleOf, err = o.integer("pad_to_multiple_of", 0, false); err != nil {
		return nil, err
	}
	if p.PadID, err = o.integer("pad_id", 0, false); err != nil {
		return nil, err
	}
	if p.PadTypeID, err = o.integer("pad_type_id", 0, false); err != nil {
		return nil, err
	}
	if p.PadToken, err = o.str("pad_token", "[PAD]", false); err != nil {
		return nil, err
	}
	return p, nil
}

func parseBehavior(o obj, k string, def splitBehavior) (splitBehavior, error) {
	if !o.has(k) {
		return def, nil
	}
	s, err := o.str(k, "", true)
	if err != nil {
		return 0, err
	}
	switch s {
	case "Removed":
		return splitRemoved, nil
	case "Isolated":
		return splitIsolated, nil
	case "MergedWithPrevious":
		return splitMergedWithPrevious, nil
	case "MergedWithNext":
		return splitMergedWithNext, nil
	case "Contiguous":
		return splitContiguous, nil
	}
	return 0, unsupported(o.path+"."+k, s)
}

// parsePattern reads {"String": s} or {"Regex": r}.
func parsePattern(o obj, k string) (pattern, error) {
	r, ok := o.m[k]
	if !ok || isNull(r) {
		return nil, fieldErr(o.path+"."+k, "missing")
	}
	var p struct {
		String *string `json:"String"`
		Regex  *string `json:"Regex"`
	}
	if err := json.Unmarshal(r, &p); err != nil {
		// some files give the pattern as a plain string
		var s string
		if json.Unmarshal(r, &s) == nil {
			return literalPattern(s), nil
		}
		return nil, fieldErr(o.path+"."+k, "expected {\"String\": ...} or {\"Regex\": ...}")
	}
	switch {
	case p.String != nil:
		return literalPattern(*p.String), nil
	case p.Regex != nil:
		return compileRegex(o.path+"."+k, *p.Regex)
	}
	return nil, fieldErr(o.path+"."+k, "expected {\"String\": ...} or {\"Regex\": ...}")
}

func parseNormalizer(path string, r json.RawMessage) (normalizer, error) {
	o, err := decodeObj(path, r)
	if err != nil {
		return nil, err
	}
	typ := o.typ()
	switch typ {
	case "BertNormalizer":
		b := &bertNormalizer{}
		if b.cleanText, err = o.boolean("clean_text", true); err != nil {
			return nil, err
		}
		if b.chinese, err = o.boolean("handle_chinese_chars", true); err != nil {
			return nil, err
		}
		if b.lowercase, err = o.boolean("lowercase", true); err != nil {
			return nil, err
		}
		if b.stripAccents, err = o.boolean("strip_accents", b.lowercase); err != nil {
			return nil, err
		}
		return b, nil
	case "Lowercase":
		return lowercaseNormalizer{}, nil
	case "StripAccents":
		return stripAccentsNormalizer{}, nil
	case "NFC":
		return unicodeNormalizer{compose: true}, nil
	case "NFD":
		return unicodeNormalizer{}, nil
	case "NFKC":
		return unicodeNormalizer{compose: true, compat: true}, nil
	case "NFKD":
		return unicodeNormalizer{compat: true}, nil
	case "Nmt":
		return nmtNormalizer{}, nil
	case "ByteLevel":
		return byteLevelNormalizer{}, nil
	case "Strip":
		var s stripNormalizer
		if s.left, err = o.boolean("strip_left", true); err != nil {
			return nil, err
		}
		if s.right, err = o.boolean("strip_right", true); err != nil {
			return nil, err
		}
		return s, nil
	case "Prepend":
		s, err := o.str("prepend", "", true)
		if err != nil {
			return nil, err
		}
		return prependNormalizer{s}, nil
	case "Replace":
		p, err := parsePattern(o, "pattern")
		if err != nil {
			return nil, err
		}
		c, err := o.str("content", "", true)
		if err != nil {
			return nil, err
		}
		return &replaceNormalizer{pat: p, content: c}, nil
	case "Precompiled":
		return parsePrecompiled(o)
	case "Sequence":
		l, err := o.list("normalizers")
		if err != nil {
			return nil, err
		}
		var s seqNormalizer
		for i, x := range l {
			n, err := parseNormalizer(fmt.Sprintf("%s.normalizers[%d]", path, i), x)
			if err != nil {
				return nil, err
			}
			if n != nil {
				s = append(s, n)
			}
		}
		return s, nil
	case "":
		return nil, fieldErr(path+".type", "missing")
	}
	return nil, unsupported(path+".type", typ)
}

func parsePreTokenizer(path string, r json.RawMessage) (preTokenizer, error) {
	o, err := decodeObj(path, r)
	if err != nil {
		return nil, err
	}
	typ := o.typ()
	switch typ {
	case "BertPreTokenizer":
		return bertPreTokenizer{}, nil
	case "Whitespace":
		return whitespacePreTokenizer{}, nil
	case "WhitespaceSplit":
		return whitespaceSplitPreTokenizer{}, nil
	case "Punctuation":
		b, err := parseBehavior(o, "behavior", splitIsolated)
		if err != nil {
			return nil, err
		}
		return punctuationPreTokenizer{b}, nil
	case "Digits":
		ind, err := o.boolean("individual_digits", false)
		if err != nil {
			return nil, err
		}
		return digitsPreTokenizer{ind}, nil
	case "CharDelimiterSplit":
		d, err := o.char("delimiter", ' ')
		if err != nil {
			return nil, err
		}
		return &splitPreTokenizer{pat: literalPattern(string(d)), beh: splitRemoved}, nil
	case "Metaspace":
		m := &metaspacePreTokenizer{}
		if m.repl, err = o.char("replacement", '▁'); err != nil {
			return nil, err
		}
		m.rep = string(m.repl)
		s, err := o.str("prepend_scheme", "always", false)
		if err != nil {
			return nil, err
		}
		switch s {
		case "always":
			m.scheme = prependAlways
		case "first":
			m.scheme = prependFirst
		case "never":
			m.scheme = prependNever
		default:
			return nil, unsupported(path+".prepend_scheme", s)
		}
		if o.has("add_prefix_space") {
			aps, err := o.boolean("add_prefix_space", true)
			if err != nil {
				return nil, err
			}
			if !aps {
				if o.has("prepend_scheme") && m.scheme != prependNever {
					return nil, fieldErr(path+".add_prefix_space", "does not match prepend_scheme")
				}
				m.scheme = prependNever
			}
		}
		if m.split, err = o.boolean("split", true); err != nil {
			return nil, err
		}
		return m, nil
	case "ByteLevel":
		b := &byteLevelPreTokenizer{}
		if b.addPrefixSpace, err = o.boolean("add_prefix_space", true); err != nil {
			return nil, err
		}
		if b.useRegex, err = o.boolean("use_regex", true); err != nil {
			return nil, err
		}
		return b, nil
	case "Split":
		p, err := parsePattern(o, "pattern")
		if err != nil {
			return nil, err
		}
		b, err := parseBehavior(o, "behavior", splitIsolated)
		if err != nil {
			return nil, err
		}
		inv, err := o.boolean("invert", false)
		if err != nil {
			return nil, err
		}
		return &splitPreTokenizer{pat: p, beh: b, invert: inv}, nil
	case "Sequence":
		l, err := o.list("pretokenizers")
		if err != nil {
			return nil, err
		}
		var s seqPreTokenizer
		for i, x := range l {
			p, err := parsePreTokenizer(fmt.Sprintf("%s.pretokenizers[%d]", path, i), x)
			if err != nil {
				return nil, err
			}
			s = append(s, p)
		}
		return s, nil
	case "":
		return nil, fieldErr(path+".type", "missing")
	}
	return nil, unsupported(path+".type", typ)
}

// parseSpecialPair reads ["token", id].
func parseSpecialPair(o obj, k string) (specialTok, error) {
	r, ok := o.m[k]
	if !ok {
		return specialTok{}, fieldErr(o.path+"."+k, "missing")
	}
	var pair []json.RawMessage
	var s string
	var id int
	if json.Unmarshal(r, &pair) != nil || len(pair) != 2 || json.Unmarshal(pair[0], &s) != nil || json.Unmarshal(pair[1], &id) != nil {
		return specialTok{}, fieldErr(o.path+"."+k, "expected [\"token\", id]")
	}
	return specialTok{ids: []int{id}, toks: []string{s}}, nil
}

func parsePostProcessor(path string, r json.RawMessage) (postProcessor, error) {
	o, err := decodeObj(path, r)
	if err != nil {
		return nil, err
	}
	typ := o.typ()
	if typ == "" {
		// untagged legacy forms
		switch {
		case o.has("sep") && o.has("cls") && o.has("trim_offsets"):
			typ = "RobertaProcessing"
		case o.has("sep") && o.has("cls"):
			typ = "BertProcessing"
		}
	}
	switch typ {
	case "BertProcessing":
		p := &bertProcessor{}
		if p.sep, err = parseSpecialPair(o, "sep"); err != nil {
			return nil, err
		}
		if p.cls, err = parseSpecialPair(o, "cls"); err != nil {
			return nil, err
		}
		return p, nil
	case "RobertaProcessing":
		p := &robertaProcessor{}
		if p.sep, err = parseSpecialPair(o, "sep"); err != nil {
			return nil, err
		}
		if p.cls, err = parseSpecialPair(o, "cls"); err != nil {
			return nil, err
		}
		if p.trimOffsets, err = o.boolean("trim_offsets", true); err != nil {
			return nil, err
		}
		if p.addPrefixSpace, err = o.boolean("add_prefix_space", true); err != nil {
			return nil, err
		}
		return p, nil
	case "ByteLevel":
		p := &byteLevelProcessor{}
		if p.trimOffsets, err = o.boolean("trim_offsets", true); err != nil {
			return nil, err
		}
		if p.addPrefixSpace, err = o.boolean("add_prefix_space", true); err != nil {
			return nil, err
		}
		return p, nil
	case "TemplateProcessing":
		return parseTemplate(o)
	case "Sequence":
		l, err := o.list("processors")
		if err != nil {
			return nil, err
		}
		var s seqProcessor
		for i, x := range l {
			p, err := parsePostProcessor(fmt.Sprintf("%s.processors[%d]", path, i), x)
			if err != nil {
				return nil, err
			}
			s = append(s, p)
		}
		return s, nil
	case "":
		return nil, fieldErr(path+".type", "missing")
	}
	return nil, unsupported(path+".type", typ)
}

func parseTemplate(o obj) (postProcessor, error) {
	t := &templateProcessor{}
	specials := map[string]*specialTok{}
	if o.has("special_tokens") {
		var m map[string]struct {
			ID     string   `json:"id"`
			IDs    []int    `json:"ids"`
			Tokens []string `json:"tokens"`
		}
		if err := json.Unmarshal(o.m["special_tokens"], &m); err != nil {
			return nil, fieldErr(o.path+".special_tokens", "expected a map of {id, ids, tokens}")
		}
		for k, v := range m {
			if len(v.IDs) != len(v.Tokens) {
				return nil, fieldErr(o.path+".special_tokens."+k, "ids and tokens differ in length")
			}
			specials[k] = &specialTok{ids: v.IDs, toks: v.Tokens}
		}
	}
	parse := func(k string) ([]templatePiece, int, error) {
		r, ok := o.m[k]
		if !ok || isNull(r) {
			return nil, 0, fieldErr(o.path+"."+k, "missing")
		}
		var items []json.RawMessage
		if err := json.Unmarshal(r, &items); err != nil {
			var s string
			if json.Unmarshal(r, &s) != nil {
				return nil, 0, fieldErr(o.path+"."+k, "expected a template")
			}
			for _, f := range bytes.Fields([]byte(s)) {
				b, _ := json.Marshal(string(f))
				items = append(items, b)
			}
		}
		var out []templatePiece
		added := 0
		for i, it := range items {
			p := fmt.Sprintf("%s.%s[%d]", o.path, k, i)
			var str string
			var piece struct {
				Sequence *struct {
					ID     string `json:"id"`
					TypeID int    `json:"type_id"`
				} `json:"Sequence"`
				SpecialToken *struct {
					ID     string `json:"id"`
					TypeID int    `json:"type_id"`
				} `json:"SpecialToken"`
			}
			var tp templatePiece
			if json.Unmarshal(it, &str) == nil {
				var err error
				tp, err = pieceFromString(p, str)
				if err != nil {
					return nil, 0, err
				}
			} else if err := json.Unmarshal(it, &piece); err != nil {
				return nil, 0, fieldErr(p, "expected a template piece")
			} else if piece.Sequence != nil {
				switch piece.Sequence.ID {
				case "A":
					tp = templatePiece{seq: 0, typ: piece.Sequence.TypeID}
				case "B":
					tp = templatePiece{seq: 1, typ: piece.Sequence.TypeID}
				default:
					return nil, 0, fieldErr(p+".Sequence.id", "expected A or B")
				}
			} else if piece.SpecialToken != nil {
				tp = templatePiece{seq: -1, typ: piece.SpecialToken.TypeID, tok: &specialTok{toks: []string{piece.SpecialToken.ID}}}
			} else {
				return nil, 0, fieldErr(p, "expected Sequence or SpecialToken")
			}
			if tp.seq < 0 {
				name := tp.tok.toks[0]
				st, ok := specials[name]
				if !ok {
					return nil, 0, fieldErr(p, "special token %q missing from special_tokens", name)
				}
				tp.tok = st
				added += len(st.ids)
			}
			out = append(out, tp)
		}
		return out, added, nil
	}
	var err error
	if t.single, t.addSingle, err = parse("single"); err != nil {
		return nil, err
	}
	if t.pair, t.addPair, err = parse("pair"); err != nil {
		return nil, err
	}
	return t, nil
}

// pieceFromString reads the string form of a template piece: "$A", "$B:1",
// "[CLS]", "[SEP]:1".
func pieceFromString(path, s string) (templatePiece, error) {
	typ := 0
	name := s
	if i := bytes.LastIndexByte([]byte(s), ':'); i >= 0 {
		var n int
		if _, err := fmt.Sscanf(s[i+1:], "%d", &n); err != nil {
			return templatePiece{}, fieldErr(path, "bad type id in %q", s)
		}
		typ = n
		name = s[:i]
	}
	if len(name) > 0 && name[0] == '$' {
		switch name[1:] {
		case "", "A", "a":
			return templatePiece{seq: 0, typ: typ}, nil
		case "B", "b":
			return templatePiece{seq: 1, typ: typ}, nil
		}
		var n int
		if _, err := fmt.Sscanf(name[1:], "%d", &n); err == nil {
			return templatePiece{seq: 0, typ: n}, nil
		}
		return templatePiece{}, fieldErr(path, "bad sequence %q", s)
	}
	return templatePiece{seq: -1, typ: typ, tok: &specialTok{toks: []string{name}}}, nil
}

func parseDecoder(path string, r json.RawMessage) (decoder, error) {
	o, err := decodeObj(path, r)
	if err != nil {
		return nil, err
	}
	typ := o.typ()
	switch typ {
	case "WordPiece":
		d := &wordPieceDecoder{}
		if d.prefix, err = o.str("prefix", "##", false); err != nil {
			return nil, err
		}
		if d.cleanup, err = o.boolean("cleanup", true); err != nil {
			return nil, err
		}
		return d, nil
	case "Metaspace":
		p, err := parsePreTokenizer(path, r)
		if err != nil {
			return nil, err
		}
		m := p.(*metaspacePreTokenizer)
		return &metaspaceDecoder{repl: m.repl, scheme: m.scheme}, nil
	case "ByteLevel":
		return byteLevelDecoder{}, nil
	case "BPEDecoder":
		s, err := o.str("suffix", "</w>", false)
		if err != nil {
			return nil, err
		}
		return &bpeDecoder{s}, nil
	case "ByteFallback":
		return byteFallbackDecoder{}, nil
	case "Fuse":
		return fuseDecoder{}, nil
	case "Strip":
		d := &stripDecoder{}
		if d.content, err = o.char("content", ' '); err != nil {
			return nil, err
		}
		if d.start, err = o.integer("start", 0, false); err != nil {
			return nil, err
		}
		if d.stop, err = o.integer("stop", 0, false); err != nil {
			return nil, err
		}
		return d, nil
	case "Replace":
		p, err := parsePattern(o, "pattern")
		if err != nil {
			return nil, err
		}
		c, err := o.str("content", "", true)
		if err != nil {
			return nil, err
		}
		return &replaceDecoder{pat: p, content: c}, nil
	case "Sequence":
		l, err := o.list("decoders")
		if err != nil {
			return nil, err
		}
		var s seqDecoder
		for i, x := range l {
			d, err := parseDecoder(fmt.Sprintf("%s.decoders[%d]", path, i), x)
			if err != nil {
				return nil, err
			}
			s = append(s, d)
		}
		return s, nil
	case "":
		return nil, fieldErr(path+".type", "missing")
	}
	return nil, unsupported(path+".type", typ)
}

func parseModel(path string, r json.RawMessage) (model, error) {
	o, err := decodeObj(path, r)
	if err != nil {
		return nil, err
	}
	typ := o.typ()
	if typ == "" {
		// Untagged: infer from the keys as the Rust crate does
		// (BPE, then WordPiece, then WordLevel, then Unigram).
		var vocabList []json.RawMessage
		isList := json.Unmarshal(o.m["vocab"], &vocabList) == nil && o.has("vocab")
		switch {
		case o.has("merges"):
			typ = "BPE"
		case o.has("vocab") && !isList && (o.has("continuing_subword_prefix") || o.has("max_input_chars_per_word")):
			typ = "WordPiece"
		case o.has("vocab") && !isList && o.has("unk_token"):
			typ = "WordLevel"
		case isList:
			typ = "Unigram"
		default:
			return nil, fieldErr(path, "cannot infer the model type from its keys")
		}
	}
	switch typ {
	case "WordPiece":
		return parseWordPiece(o)
	case "WordLevel":
		return parseWordLevel(o)
	case "Unigram":
		return parseUnigram(o)
	case "BPE":
		return parseBPE(o)
	}
	return nil, unsupported(path+".type", typ)
}

// parseVocabMap reads a {"token": id} vocabulary.
func parseVocabMap(o obj) (vocabTable, error) {
	r, ok := o.m["vocab"]
	if !ok || isNull(r) {
		return vocabTable{}, fieldErr(o.path+".vocab", "missing")
	}
	var m map[string]int
	if err := json.Unmarshal(r, &m); err != nil {
		return vocabTable{}, fieldErr(o.path+".vocab", "expected a map of token to id")
	}
	v := newVocabTable(len(m))
	for k, id := range m {
		if id < 0 || id > 1<<28 {
			return vocabTable{}, fieldErr(o.path+".vocab", "token %q has id %d out of range", k, id)
		}
		v.add(k, id)
	}
	return v, nil
}

func parseWordPiece(o obj) (model, error) {
	v, err := parseVocabMap(o)
	if err != nil {
		return nil, err
	}
	m := &wordPiece{vocabTable: v}
	if m.unk, err = o.str("unk_token", "[UNK]", false); err != nil {
		return nil, err
	}
	if m.prefix, err = o.str("continuing_subword_prefix", "##", false); err != nil {
		return nil, err
	}
	if m.maxChars, err = o.integer("max_input_chars_per_word", 100, false); err != nil {
		return nil, err
	}
	m.unkID, m.hasUnk = v.ids[m.unk]
	m.buildTries()
	return m, nil
}

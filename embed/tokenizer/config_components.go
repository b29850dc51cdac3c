// This file parses the pipeline components of tokenizer.json: normalizers,
// pre-tokenizers, post-processors, decoders and their patterns.

package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

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

func parseNormalizer(d *jdoc, path string, r json.RawMessage) (normalizer, error) {
	o, err := decodeObj(d, path, r)
	if err != nil {
		return nil, err
	}
	typ, err := o.typ()
	if err != nil {
		return nil, err
	}
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
			n, err := parseNormalizer(d, fmt.Sprintf("%s.normalizers[%d]", path, i), x)
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

func parsePreTokenizer(d *jdoc, path string, r json.RawMessage) (preTokenizer, error) {
	o, err := decodeObj(d, path, r)
	if err != nil {
		return nil, err
	}
	typ, err := o.typ()
	if err != nil {
		return nil, err
	}
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
	case "FixedLength":
		n, err := o.integer("length", 5, false)
		if err != nil {
			return nil, err
		}
		return fixedLengthPreTokenizer{n}, nil
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
			p, err := parsePreTokenizer(d, fmt.Sprintf("%s.pretokenizers[%d]", path, i), x)
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
	if id < 0 || id > maxTokenID {
		return specialTok{}, fieldErr(o.path+"."+k, "id %d out of range (0..%d)", id, int64(maxTokenID))
	}
	return specialTok{ids: []int{id}, toks: []string{s}}, nil
}

func parsePostProcessor(d *jdoc, path string, r json.RawMessage) (postProcessor, error) {
	o, err := decodeObj(d, path, r)
	if err != nil {
		return nil, err
	}
	typ, err := o.typ()
	if err != nil {
		return nil, err
	}
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
			p, err := parsePostProcessor(d, fmt.Sprintf("%s.processors[%d]", path, i), x)
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
			for _, id := range v.IDs {
				if id < 0 || id > maxTokenID {
					return nil, fieldErr(o.path+".special_tokens."+k+".ids", "id %d out of range (0..%d)", id, int64(maxTokenID))
				}
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
			} else if (piece.Sequence != nil && (piece.Sequence.TypeID < 0 || piece.Sequence.TypeID > maxTokenID)) ||
				(piece.SpecialToken != nil && (piece.SpecialToken.TypeID < 0 || piece.SpecialToken.TypeID > maxTokenID)) {
				return nil, 0, fieldErr(p, "type_id out of range (0..%d)", int64(maxTokenID))
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
// "$1" (sequence A with type id 1), "[CLS]", "[SEP]:1", as the Rust
// Piece::try_from does: at most one colon, type ids parsed as u32.
func pieceFromString(path, s string) (templatePiece, error) {
	bad := fieldErr(path, "cannot build a template piece from %q", s)
	parts := strings.Split(s, ":")
	if len(parts) > 2 {
		return templatePiece{}, bad
	}
	var tp templatePiece
	name := parts[0]
	if strings.HasPrefix(name, "$") {
		switch rest := name[1:]; rest {
		case "", "A", "a":
			tp = templatePiece{seq: 0}
		case "B", "b":
			tp = templatePiece{seq: 1}
		default:
			n, ok := parseU32(rest)
			if !ok {
				return templatePiece{}, bad
			}
			tp = templatePiece{seq: 0, typ: n}
		}
	} else {
		tp = templatePiece{seq: -1, tok: &specialTok{toks: []string{name}}}
	}
	if len(parts) == 2 {
		n, ok := parseU32(parts[1])
		if !ok {
			return templatePiece{}, bad
		}
		tp.typ = n
	}
	return tp, nil
}

// parseU32 parses a decimal u32 as Rust's str::parse does (an optional '+',
// then digits only).
func parseU32(s string) (int, bool) {
	s = strings.TrimPrefix(s, "+")
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	return int(n), true
}

func parseDecoder(d *jdoc, path string, r json.RawMessage) (decoder, error) {
	o, err := decodeObj(d, path, r)
	if err != nil {
		return nil, err
	}
	typ, err := o.typ()
	if err != nil {
		return nil, err
	}
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
		p, err := parsePreTokenizer(d, path, r)
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
	case "CTC":
		d := &ctcDecoder{}
		if d.pad, err = o.str("pad_token", "<pad>", false); err != nil {
			return nil, err
		}
		if d.delim, err = o.str("word_delimiter_token", "|", false); err != nil {
			return nil, err
		}
		if d.cleanup, err = o.boolean("cleanup", true); err != nil {
			return nil, err
		}
		return d, nil
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
			d, err := parseDecoder(d, fmt.Sprintf("%s.decoders[%d]", path, i), x)
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

// This file implements the patterns of Split and Replace: literal strings,
// regular expressions (Go's RE2 syntax, plus the GPT-2 pattern written by
// hand because it needs lookahead).

package tokenizer

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// pattern finds matches in a text; the result tiles the text with matching
// and non-matching runs, as the Rust Pattern trait does.
type pattern interface {
	find(w *workspace, s []byte) []match
}

// literalPattern matches a fixed string, non-overlapping, left to right.
type literalPattern string

func (p literalPattern) find(w *workspace, s []byte) []match {
	ms := w.ms[:0]
	if len(s) == 0 {
		ms = append(ms, match{0, 0, false})
		w.ms = ms
		return ms
	}
	if len(p) == 0 {
		ms = append(ms, match{0, len(s), false})
		w.ms = ms
		return ms
	}
	prev := 0
	for i := 0; i <= len(s)-len(p); {
		k := bytes.Index(s[i:], []byte(p))
		if k < 0 {
			break
		}
		a := i + k
		if prev < a {
			ms = append(ms, match{prev, a, false})
		}
		ms = append(ms, match{a, a + len(p), true})
		prev = a + len(p)
		i = prev
	}
	if prev < len(s) {
		ms = append(ms, match{prev, len(s), false})
	}
	w.ms = ms
	return ms
}

// regexPattern matches a regular expression.
type regexPattern struct{ re *regexp.Regexp }

func (p *regexPattern) find(w *workspace, s []byte) []match {
	ms := w.ms[:0]
	if len(s) == 0 {
		ms = append(ms, match{0, 0, false})
		w.ms = ms
		return ms
	}
	prev := 0
	for _, loc := range p.re.FindAllIndex(s, -1) {
		if prev != loc[0] {
			ms = append(ms, match{prev, loc[0], false})
		}
		ms = append(ms, match{loc[0], loc[1], true})
		prev = loc[1]
	}
	if prev != len(s) {
		ms = append(ms, match{prev, len(s), false})
	}
	w.ms = ms
	return ms
}

// gpt2Pattern is the GPT-2 split pattern (see gpt2Matches).
type gpt2Pattern struct{}

func (gpt2Pattern) find(w *workspace, s []byte) []match { return gpt2Matches(w, s) }

const gpt2Regex = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`

// compileRegex compiles a tokenizer.json regex (Oniguruma syntax in the Rust
// crate). Patterns Go's RE2 cannot express are errs.ErrUnsupported.
func compileRegex(path, expr string) (pattern, error) {
	if expr == gpt2Regex {
		return gpt2Pattern{}, nil
	}
	if len(expr) > maxRegexLen {
		// Go's compiled programs take hundreds of bytes per byte of
		// pattern: a 1 MB literal took 500 MB.
		return nil, &FieldError{Field: path, Err: fmt.Errorf("regex of %d bytes (at most %d): %w", len(expr), maxRegexLen, errs.ErrUnsupported)}
	}
	if p, ok := compileTrailingSpaceRegex(expr); ok {
		return p, nil
	}
	tr, err := translateOnig(expr)
	if err != nil {
		return nil, &FieldError{Field: path, Err: fmt.Errorf("regex %s: %v: %w", quoteShort(expr), err, errs.ErrUnsupported)}
	}
	if len(tr) > maxTranslatedLen {
		return nil, &FieldError{Field: path, Err: fmt.Errorf("regex %s is %d bytes once its classes are written out (at most %d): %w", quoteShort(expr), len(tr), maxTranslatedLen, errs.ErrUnsupported)}
	}
	re, err := regexp.Compile(tr)
	if err != nil {
		return nil, &FieldError{Field: path, Err: fmt.Errorf("regex %s: %v: %w", quoteShort(expr), err, errs.ErrUnsupported)}
	}
	return &regexPattern{re}, nil
}

// maxRegexLen bounds the regexes of Split and Replace; those of real
// tokenizers are under a kilobyte.
const maxRegexLen = 1 << 16

// maxTranslatedLen bounds a regex once translated (translateOnig writes
// \p{L} out as 10 KB of ranges): 10 KB of \p{L} became 21 MB and took
// 180 MB to compile. The GPT-4-style patterns translate to under 200 KB.
const maxTranslatedLen = 1 << 20

// onigSpace is Oniguruma's \s (White_Space) in RE2 syntax.
const onigSpace = `\t-\r\x{85}\p{Z}`

// translateOnig rewrites the classes whose meaning differs between
// Oniguruma and Go's regexp: the Perl classes \s \S \d \D \w \W, which
// are Unicode-aware in Oniguruma but ASCII-only in Go, and the general
// categories \p{..} \P{..} \p{^..}, which Oniguruma reads with Unicode
// 16.0.0 data (Go's is 15.0.0, and Oniguruma's C includes the unassigned
// code points). Other \p names (scripts) keep Go's meaning.
func translateOnig(expr string) (string, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(expr); i++ {
		if b.Len() > maxTranslatedLen {
			return "", fmt.Errorf("more than %d bytes once its classes are written out", maxTranslatedLen)
		}
		c := expr[i]
		switch {
		case c == '\\' && i+1 < len(expr):
			d := expr[i+1]
			i++
			switch d {
			case 's':
				if inClass {
					b.WriteString(onigSpace)
				} else {
					b.WriteString("[" + onigSpace + "]")
				}
			case 'S':
				if inClass {
					setOf(unicode.White_Space).complement().writeTo(&b)
				} else {
					b.WriteString("[^" + onigSpace + "]")
				}
			case 'd', 'D':
				writeOnigClass(&b, "Nd", d == 'D', inClass)
			case 'w', 'W':
				if inClass {
					writeOnigClass(&b, "word", d == 'W', true)
				} else {
					writeOnigClass(&b, "word1", d == 'W', false)
				}
			case 'p', 'P':
				if i+1 >= len(expr) || expr[i+1] != '{' {
					b.WriteByte(d) // Oniguruma reads \pL as "pL"
					break
				}
				end := strings.IndexByte(expr[i:], '}')
				if end > 0 {
					name, neg := expr[i+2:i+end], d == 'P'
					if strings.HasPrefix(name, "^") {
						name, neg = name[1:], !neg
					}
					if gc := onigCategory(name); gc != "" {
						writeOnigClass(&b, gc, neg, inClass)
						i += end
						break
					}
				}
				b.WriteByte(c)
				b.WriteByte(d)
			default:
				b.WriteByte(c)
				b.WriteByte(d)
			}
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
			// a ']' right after '[' or '[^' is literal
			if i+1 < len(expr) && expr[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(expr) && expr[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// trailingSpaceSuffix is how GPT-4-style split patterns (cl100k, Llama 3,
// Qwen) end: the one construct RE2 lacks is the negative lookahead.
const trailingSpaceSuffix = `|\s+(?!\S)|\s+`

// spaceRunPattern runs a pattern of the form X|\s+(?!\S)|\s+: at each
// position, X anchored there (RE2 keeps Perl's leftmost-first choice among
// alternatives), else a whitespace run that leaves its last character to
// the next match when a non-space follows.
type spaceRunPattern struct {
	head *regexp.Regexp
	expr string // the head as translated, without the anchor
}

func compileTrailingSpaceRegex(expr string) (pattern, bool) {
	if !strings.HasSuffix(expr, trailingSpaceSuffix) {
		return nil, false
	}
	head := strings.TrimSuffix(expr, trailingSpaceSuffix)
	if !topLevelAlternation(head) {
		return nil, false
	}
	tr, err := translateOnig(head)
	if err != nil || len(tr) > maxTranslatedLen {
		return nil, false
	}
	re, err := regexp.Compile(`^(?:` + tr + `)`)
	if err != nil {
		return nil, false
	}
	return &spaceRunPattern{head: re, expr: tr}, true
}

// topLevelAlternation reports whether expr has balanced parentheses and
// brackets, so that appending alternatives to it is safe.
func topLevelAlternation(expr string) bool {
	depth, inClass := 0, false
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			if i+1 < len(expr) && expr[i+1] == '^' {
				i++
			}
			if i+1 < len(expr) && expr[i+1] == ']' {
				i++
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0 && !inClass
}

func (p *spaceRunPattern) find(w *workspace, s []byte) []match {
	ms := w.ms[:0]
	if len(s) == 0 {
		ms = append(ms, match{0, 0, false})
		w.ms = ms
		return ms
	}
	prev := 0
	for i := 0; i < len(s); {
		end := -1
		if loc := p.head.FindIndex(s[i:]); loc != nil && loc[1] > 0 {
			end = i + loc[1]
		} else if r, _ := utf8.DecodeRune(s[i:]); isSpace(r) {
			e := i
			for e < len(s) {
				r, sz := utf8.DecodeRune(s[e:])
				if !isSpace(r) {
					break
				}
				e += sz
			}
			end = e
			if e < len(s) {
				_, lsz := utf8.DecodeLastRune(s[i:e])
				if e-lsz > i {
					end = e - lsz
				}
			}
		}
		if end < 0 {
			_, sz := utf8.DecodeRune(s[i:])
			i += sz
			continue
		}
		if prev < i {
			ms = append(ms, match{prev, i, false})
		}
		ms = append(ms, match{i, end, true})
		prev, i = end, end
	}
	if prev < len(s) {
		ms = append(ms, match{prev, len(s), false})
	}
	w.ms = ms
	return ms
}

// This file implements the decoders of tokenizer.json used by Decode:
// WordPiece, Metaspace, ByteLevel, BPEDecoder, ByteFallback, Fuse, Strip,
// Replace and Sequence.

package tokenizer

import (
	"strings"
	"unicode/utf8"
)

// decoder turns token strings back into text pieces (decode_chain).
type decoder interface {
	decode(toks []string) []string
}

type seqDecoder []decoder

func (s seqDecoder) decode(toks []string) []string {
	for _, d := range s {
		toks = d.decode(toks)
	}
	return toks
}

// wordPieceDecoder is the WordPiece decoder.
type wordPieceDecoder struct {
	prefix  string
	cleanup bool
}

func wordPieceCleanup(s string) string {
	for _, p := range [][2]string{
		{" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
		{" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
	} {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	return s
}

func (d *wordPieceDecoder) decode(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		if i != 0 {
			if strings.HasPrefix(t, d.prefix) {
				t = t[len(d.prefix):]
			} else {
				t = " " + t
			}
		}
		if d.cleanup {
			t = wordPieceCleanup(t)
		}
		out[i] = t
	}
	return out
}

// metaspaceDecoder is the Metaspace decoder.
type metaspaceDecoder struct {
	repl   rune
	scheme prependScheme
}

func (d *metaspaceDecoder) decode(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		var b strings.Builder
		for _, r := range t {
			if r == d.repl {
				if i == 0 && d.scheme != prependNever {
					continue
				}
				b.WriteByte(' ')
			} else {
				b.WriteRune(r)
			}
		}
		out[i] = b.String()
	}
	return out
}

// byteLevelDecoder is the ByteLevel decoder: byte-level runes back to bytes,
// then lossy UTF-8.
type byteLevelDecoder struct{}

func (byteLevelDecoder) decode(toks []string) []string {
	var buf []byte
	for _, t := range toks {
		start := len(buf)
		ok := true
		for _, r := range t {
			b, found := runeBytes[r]
			if !found {
				ok = false
				break
			}
			buf = append(buf, b)
		}
		if !ok {
			buf = append(buf[:start], t...)
		}
	}
	return []string{lossyUTF8(buf)}
}

// bpeDecoder is BPEDecoder: the end-of-word suffix becomes a space.
type bpeDecoder struct{ suffix string }

func (d *bpeDecoder) decode(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		rep := " "
		if i == len(toks)-1 {
			rep = ""
		}
		out[i] = strings.ReplaceAll(t, d.suffix, rep)
	}
	return out
}

// byteFallbackDecoder turns <0xXX> tokens back into bytes.
type byteFallbackDecoder struct{}

func (byteFallbackDecoder) decode(toks []string) []string {
	var out []string
	var pend []byte
	flush := func() {
		if len(pend) == 0 {
			return
		}
		if utf8.Valid(pend) {
			out = append(out, string(pend))
		} else {
			for range pend {
				out = append(out, "\uFFFD")
			}
		}
		pend = pend[:0]
	}
	for _, t := range toks {
		if len(t) == 6 && strings.HasPrefix(t, "<0x") && t[5] == '>' {
			if v, ok := hexByte(t[3], t[4]); ok {
				pend = append(pend, v)
				continue
			}
		}
		flush()
		out = append(out, t)
	}
	flush()
	return out
}

func hexByte(a, b byte) (byte, bool) {
	h := func(c byte) (byte, bool) {
		switch {
		case c >= '0' && c <= '9':
			return c - '0', true
		case c >= 'a' && c <= 'f':
			return c - 'a' + 10, true
		case c >= 'A' && c <= 'F':
			return c - 'A' + 10, true
		}
		return 0, false
	}
	x, ok1 := h(a)
	y, ok2 := h(b)
	return x<<4 | y, ok1 && ok2
}

// fuseDecoder joins all tokens.
type fuseDecoder struct{}

func (fuseDecoder) decode(toks []string) []string { return []string{strings.Join(toks, "")} }

// stripDecoder removes up to start leading and stop trailing content runes.
type stripDecoder struct {
	content     rune
	start, stop int
}

func (d *stripDecoder) decode(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		rs := []rune(t)
		a := 0
		for k := 0; k < d.start && k < len(rs); k++ {
			if rs[k] != d.content {
				break
			}
			a = k + 1
		}
		b := len(rs)
		for k := 0; k < d.stop && k < len(rs); k++ {
			idx := len(rs) - k - 1
			if rs[idx] != d.content {
				break
			}
			b = idx
		}
		if b < a {
			b = a
		}
		out[i] = string(rs[a:b])
	}
	return out
}

// replaceDecoder replaces pattern matches in every token.
type replaceDecoder struct {
	pat     pattern
	content string
}

func (d *replaceDecoder) decode(toks []string) []string {
	w := newWorkspace()
	out := make([]string, len(toks))
	for i, t := range toks {
		var b strings.Builder
		for _, m := range d.pat.find(w, []byte(t)) {
			if m.m {
				b.WriteString(d.content)
			} else {
				b.WriteString(t[m.a:m.b])
			}
		}
		out[i] = b.String()
	}
	return out
}

// ctcDecoder is CTC: repeated tokens collapse, pad tokens vanish, and with
// cleanup the word delimiter becomes a space.
type ctcDecoder struct {
	pad, delim string
	cleanup    bool
}

func (d *ctcDecoder) decode(toks []string) []string {
	var out []string
	for i, t := range toks {
		if i > 0 && toks[i-1] == t {
			continue
		}
		r := strings.ReplaceAll(t, d.pad, "")
		if d.cleanup {
			r = strings.ReplaceAll(wordPieceCleanup(r), d.delim, " ")
		}
		if r != "" {
			out = append(out, r)
		}
	}
	return out
}

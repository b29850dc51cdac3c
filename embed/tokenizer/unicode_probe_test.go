// This file compares, for every Unicode code point, the character classes
// and per-character normalizers of this package with what the Rust library
// does, as recorded by bench/tokenizer/unicode_probe.mjs. The record is
// large and made on demand, so the test runs only when
// TOKENIZER_UNICODE_PROBE names it; the unicode-* variant goldens check
// samples of the same behaviour in every run.

package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestUnicodeProbe(t *testing.T) {
	file := os.Getenv("TOKENIZER_UNICODE_PROBE")
	if file == "" {
		t.Skip("set TOKENIZER_UNICODE_PROBE to the output of bench/tokenizer/unicode_probe.mjs to compare every code point")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var probe struct {
		Normalizers map[string][][]json.RawMessage `json:"normalizers"`
		Classes     map[string][][2]rune           `json:"classes"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		t.Fatal(err)
	}
	w := getWorkspace()
	defer putWorkspace(w)
	normalize := func(nz normalizer, s string) string {
		w.ar.reset()
		w.pnext = 0
		n := w.input(s)
		nz.normalize(w, &n)
		return string(n.s)
	}
	pieces := func(p preTokenizer, s string) int {
		w.ar.reset()
		w.pnext = 0
		n := w.input(s)
		return len(p.preTokenize(w, []nstr{n}, nil))
	}
	each := func(name string, f func(r rune) (got, want string)) {
		bad := 0
		var ex []string
		for r := rune(0); r <= 0x10FFFF; r++ {
			if r >= 0xD800 && r <= 0xDFFF {
				continue
			}
			if g, h := f(r); g != h {
				bad++
				if len(ex) < 5 {
					ex = append(ex, fmt.Sprintf("%U: got %q, want %q", r, g, h))
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d code points differ: %s", name, bad, strings.Join(ex, "; "))
		}
	}
	norms := map[string]normalizer{
		"Lowercase":        lowercaseNormalizer{},
		"StripAccents":     stripAccentsNormalizer{},
		"BertStripAccents": &bertNormalizer{stripAccents: true},
	}
	for name, recs := range probe.Normalizers {
		nz := norms[name]
		if nz == nil {
			t.Errorf("unknown normalizer %s", name)
			continue
		}
		want := map[rune]string{}
		for _, rec := range recs {
			var r rune
			var to []rune
			if json.Unmarshal(rec[0], &r) != nil || json.Unmarshal(rec[1], &to) != nil {
				t.Fatalf("%s: bad record", name)
			}
			want[r] = string(to)
		}
		each(name, func(r rune) (string, string) {
			h, ok := want[r]
			if !ok {
				h = string(r)
			}
			return normalize(nz, string(r)), h
		})
	}
	bl := &byteLevelPreTokenizer{useRegex: true}
	pre := map[string]func(r rune) bool{
		"whitespace-word":       func(r rune) bool { return pieces(whitespacePreTokenizer{}, "x"+string(r)+"y") == 1 },
		"whitespace-space":      func(r rune) bool { return pieces(whitespacePreTokenizer{}, "x"+string(r)+"y") == 2 },
		"whitespacesplit-space": func(r rune) bool { return pieces(whitespaceSplitPreTokenizer{}, "x"+string(r)+"y") == 2 },
		"digits-number":         func(r rune) bool { return pieces(digitsPreTokenizer{}, "x"+string(r)+"y") == 3 },
		"gpt2-letter":           func(r rune) bool { return pieces(bl, "a"+string(r)) == 1 },
		"gpt2-number":           func(r rune) bool { return pieces(bl, "1"+string(r)) == 1 },
		"gpt2-other":            func(r rune) bool { return pieces(bl, "!"+string(r)) == 1 },
	}
	for name, rs := range probe.Classes {
		f := pre[name]
		if f == nil {
			expr, ok := strings.CutPrefix(name, "regex ")
			if !ok {
				t.Errorf("unknown class %s", name)
				continue
			}
			p, err := compileRegex("probe", expr)
			if err != nil {
				t.Errorf("%s: %v", expr, err)
				continue
			}
			sp := &splitPreTokenizer{pat: p, beh: splitRemoved}
			f = func(r rune) bool { return pieces(sp, string(r)) == 0 }
		}
		in := runeSet{}
		for _, g := range rs {
			in = append(in, runeRange{g[0], g[1]})
		}
		k := 0
		each(name, func(r rune) (string, string) {
			for k < len(in) && in[k].hi < r {
				k++
			}
			return fmt.Sprint(f(r)), fmt.Sprint(k < len(in) && in[k].lo <= r)
		})
	}
}

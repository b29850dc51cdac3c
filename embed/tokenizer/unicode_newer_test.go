// This file checks the generated Unicode 16.0.0/17.0.0 difference tables
// against Go's tables and the page filter in front of them; the behaviour
// they give is checked against the Rust library by the unicode-newer-*
// variant goldens.

package tokenizer

import (
	"sort"
	"strings"
	"testing"
	"unicode"
)

func TestNewerTables(t *testing.T) {
	if unicode.Version != "15.0.0" {
		t.Skipf("the tables are differences from Unicode 15.0.0; Go has %s", unicode.Version)
	}
	check := func(name string, d *uniDelta, goTab ...*unicode.RangeTable) {
		if d == nil {
			return
		}
		for _, r := range setOf(d.add).runes() {
			if unicode.In(r, goTab...) {
				t.Errorf("%s: %U added but already in Go's table", name, r)
			}
			if !newer(r) {
				t.Errorf("%s: %U not on a flagged page", name, r)
			}
			if !d.adjust(false, r) {
				t.Errorf("%s: %U not added", name, r)
			}
		}
		for _, r := range setOf(d.remove).runes() {
			if !unicode.In(r, goTab...) {
				t.Errorf("%s: %U removed but not in Go's table", name, r)
			}
			if !newer(r) || d.adjust(true, r) {
				t.Errorf("%s: %U not removed", name, r)
			}
		}
	}
	for name, d := range unicode16GC {
		tab := gcLeaves[name]
		if tab == nil {
			tab = unicode.Categories[name]
		}
		check(name, d, tab)
	}
	check("Alphabetic", unicode16Alphabetic, unicode.L, unicode.Nl, unicode.Other_Alphabetic)
	check("Number 17", unicode17Number, unicode.N)
	if !sort.SliceIsSorted(unicode17Lower, func(i, j int) bool { return unicode17Lower[i].from < unicode17Lower[j].from }) {
		t.Error("unicode17Lower is not sorted")
	}
	for _, p := range unicode17Lower {
		if unicode.ToLower(p.from) == p.to || toLower17(p.from) != p.to {
			t.Errorf("lowercase %U: Go %U, table %U, toLower17 %U", p.from, unicode.ToLower(p.from), p.to, toLower17(p.from))
		}
	}
	// Unchanged characters keep Go's answers.
	for _, r := range []rune{'A', 'é', 'ß', 'Σ', '한', '中', '٣', '½', 0x1F600, 0x10400} {
		if isLetter16(r) != unicode.IsLetter(r) || isNumber16(r) != unicode.IsNumber(r) ||
			isNumber17(r) != unicode.IsNumber(r) || toLower17(r) != unicode.ToLower(r) {
			t.Errorf("%U: newer classes differ from Go's", r)
		}
	}
}

// runes lists the code points of s.
func (s runeSet) runes() []rune {
	var rs []rune
	for _, g := range s {
		for r := g.lo; r <= g.hi; r++ {
			rs = append(rs, r)
		}
	}
	return rs
}

func TestRuneSet(t *testing.T) {
	a := runeSet{{1, 5}, {10, 20}}
	b := runeSet{{4, 12}, {30, 30}}
	str := func(s runeSet) string {
		var sb strings.Builder
		s.writeTo(&sb)
		return sb.String()
	}
	for _, c := range []struct {
		got  runeSet
		want string
	}{
		{a.union(b), `\x{1}-\x{14}\x{1e}`},
		{a.minus(b), `\x{1}-\x{3}\x{d}-\x{14}`},
		{a.intersect(b), `\x{4}-\x{5}\x{a}-\x{c}`},
		{runeSet{{0, 9}}.complement(), `\x{a}-\x{10ffff}`},
		{setOf(&unicode.RangeTable{R16: []unicode.Range16{{0x41, 0x45, 2}}}), `\x{41}\x{43}\x{45}`},
	} {
		if s := str(c.got); s != c.want {
			t.Errorf("got %s, want %s", s, c.want)
		}
	}
}

// TestOnigNames checks that the general categories' long names, in any
// case and with spaces, underscores or hyphens, mean their short names,
// and that \pL without braces is the literal "pL", as in Oniguruma.
func TestOnigNames(t *testing.T) {
	for long, short := range map[string]string{"Letter": "L", "uppercase_letter": "Lu", "Decimal Number": "Nd",
		"other-symbol": "So", "UNASSIGNED": "Cn", "lc": "LC", "l": "L"} {
		if got := onigCategory(long); got != short {
			t.Errorf("%q: %q, want %q", long, got, short)
		}
	}
	if got := onigCategory("Greek"); got != "" {
		t.Errorf("Greek: %q", got)
	}
	p, err := compileRegex("x", `\pL`)
	if err != nil {
		t.Fatal(err)
	}
	w := getWorkspace()
	defer putWorkspace(w)
	ms := p.find(w, []byte("A pL"))
	if len(ms) != 2 || !ms[1].m || ms[1].a != 2 {
		t.Errorf(`\pL matches %v in "A pL"`, ms)
	}
}

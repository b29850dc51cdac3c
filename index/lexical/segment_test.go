// This file checks the UAX #29 word segmenter against every case of
// Unicode 15.0.0's WordBreakTest.txt (testdata/WordBreakTest-15.0.0.txt).

package lexical

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestWordBreakTest(t *testing.T) {
	f, err := os.Open("testdata/WordBreakTest-15.0.0.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var s segmenter
	sc := bufio.NewScanner(f)
	cases, failed := 0, 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		var text strings.Builder
		var want []string
		var cur strings.Builder
		for _, f := range strings.Fields(line) {
			switch f {
			case "÷":
				if cur.Len() > 0 {
					want = append(want, cur.String())
					cur.Reset()
				}
			case "×":
			default:
				cp, err := strconv.ParseUint(f, 16, 32)
				if err != nil {
					t.Fatalf("%q: %v", line, err)
				}
				text.WriteRune(rune(cp))
				cur.WriteRune(rune(cp))
			}
		}
		var got []string
		str := text.String()
		s.segments(str, func(a, b int) { got = append(got, str[a:b]) })
		cases++
		if strings.Join(got, "|") != strings.Join(want, "|") {
			failed++
			if failed <= 10 {
				t.Errorf("%s: got %q, want %q", line, got, want)
			}
		}
	}
	if cases < 1800 {
		t.Fatalf("read %d cases, want the file's 1823", cases)
	}
	if failed > 0 {
		t.Errorf("%d of %d cases fail", failed, cases)
	}
}

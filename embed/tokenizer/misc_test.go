// This file tests small helpers against documented behaviour: lossy UTF-8
// decoding with the Unicode "maximal subpart" practice that Rust's
// String::from_utf8_lossy follows, and serde_json's float parsing.

package tokenizer

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strconv"
	"testing"
)

func TestLossyUTF8(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"Hello \xF0\x90\x80World", "Hello \uFFFDWorld"}, // the example of Rust's documentation
		{"\xE0\x80", "\uFFFD\uFFFD"},
		{"\xED\xA0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xF4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xC0\xAF", "\uFFFD\uFFFD"},
		{"\xF0\x9F\x98", "\uFFFD"},
		{"a\x80b", "a\uFFFDb"},
		{"\xE2\x82\xAC\xE2\x82", "€\uFFFD"},
	}
	for _, c := range cases {
		if got := lossyUTF8([]byte(c.in)); got != c.want {
			t.Errorf("lossyUTF8(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseSerdeFloat(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
	}{
		{"0", 0}, {"-1.5", -1.5}, {"3e2", 300}, {"-2.5E-3", -0.0025}, {"1e400", math.NaN()},
	} {
		got, ok := parseSerdeFloat([]byte(c.in))
		if math.IsNaN(c.want) {
			if ok {
				t.Errorf("%s: ok, want an error (overflow)", c.in)
			}
			continue
		}
		if !ok || got != c.want {
			t.Errorf("%s = %v, %v; want %v", c.in, got, ok, c.want)
		}
	}
	// serde_json computes significand / 10^k, which can differ from the
	// correctly rounded parse by one ULP.
	got, _ := parseSerdeFloat([]byte("-9.643845558166504"))
	if want := -9643845558166504.0 / 1e15; got != want {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, bad := range []string{"", "-", "1.", ".5", "1e", "abc", "1x"} {
		if _, ok := parseSerdeFloat([]byte(bad)); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestSerdeFloatULP checks the fixture README's count: re-serializing the
// unigram-ko scores after the Rust library parsed them changes 1,748 of the
// 8,002 (they were written as shortest round-trip decimals, so exactly
// those parse one ULP away from the correctly rounded value).
func TestSerdeFloatULP(t *testing.T) {
	var top struct {
		Model struct {
			Vocab [][2]json.RawMessage `json:"vocab"`
		} `json:"model"`
	}
	if err := json.Unmarshal(readGz(t, filepath.Join("testdata", "unigram-ko", "tokenizer.json.gz")), &top); err != nil {
		t.Fatal(err)
	}
	diff := 0
	for _, p := range top.Model.Vocab {
		got, ok := parseSerdeFloat(p[1])
		exact, err := strconv.ParseFloat(string(p[1]), 64)
		if !ok || err != nil {
			t.Fatalf("score %s does not parse", p[1])
		}
		if got != exact {
			diff++
			if math.Abs(got-exact) > math.Abs(exact)*3e-16 {
				t.Errorf("score %s: %v is more than one ULP from %v", p[1], got, exact)
			}
		}
	}
	if len(top.Model.Vocab) != 8002 || diff != 1748 {
		t.Errorf("%d of %d scores differ from the correctly rounded value, want 1748 of 8002", diff, len(top.Model.Vocab))
	}
}

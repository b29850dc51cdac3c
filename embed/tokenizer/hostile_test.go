// This file holds regression tests for hostile tokenizer.json files (the
// "Reliability" trial): huge or sparse ids, huge truncation and padding
// lengths, deeply nested components, and other inputs that must fail with
// a field-naming error or load in bounded time and memory.

package tokenizer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
)

// allocDuring returns the bytes allocated while f runs.
func allocDuring(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// wantFieldErr checks that err wraps target inside a *FieldError whose
// field starts with field.
func wantFieldErr(t *testing.T, err, target error, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v in field %q", target, field)
	}
	if !errors.Is(err, target) {
		t.Fatalf("error %v does not wrap %v", err, target)
	}
	var fe *FieldError
	if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, field) {
		t.Fatalf("error %v: want field %q", err, field)
	}
}

// TestHugeVocabID: a vocabulary id of 2^28 in an 84-byte file made the
// reverse table a 2^28-entry slice (4.3 GB); ids are now stored sparsely
// when they are, as the Rust crate's hash map does, and work as given.
func TestHugeVocabID(t *testing.T) {
	for _, id := range []int{1 << 26, 1 << 28, math.MaxInt32} {
		data := fmt.Sprintf(`{"model":{"type":"WordLevel","vocab":{"a":%d,"b":0},"unk_token":"b"},"pre_tokenizer":{"type":"Whitespace"}}`, id)
		var tok *Tokenizer
		var err error
		n := allocDuring(func() { tok, err = FromBytes([]byte(data)) })
		if err != nil {
			t.Fatal(err)
		}
		if n > 1<<20 {
			t.Errorf("id %d: loading %d bytes allocated %d bytes", id, len(data), n)
		}
		enc, err := tok.Encode("a b a", false)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(enc.IDs) != fmt.Sprint([]int{id, 0, id}) || fmt.Sprint(enc.Tokens) != "[a b a]" {
			t.Errorf("id %d: encoded %v %v", id, enc.IDs, enc.Tokens)
		}
		if tok.MaxID() != id || tok.VocabSize() != 2 {
			t.Errorf("id %d: MaxID %d, VocabSize %d", id, tok.MaxID(), tok.VocabSize())
		}
		if s, ok := tok.IDToToken(id); !ok || s != "a" {
			t.Errorf("IDToToken(%d) = %q, %v", id, s, ok)
		}
		if _, ok := tok.IDToToken(id - 1); ok {
			t.Errorf("IDToToken(%d) found a token", id-1)
		}
		if d, err := tok.Decode([]int{id, 0, 12345}, false); err != nil || d != "a b" {
			t.Errorf("Decode = %q, %v", d, err)
		}
	}
	// Beyond int32 (the Rust crate reads u32 and this package keeps int32
	// ids): a field error, not an allocation.
	for _, id := range []string{"2147483648", "4294967296", "-1", "1e9", "1.5"} {
		_, err := FromBytes([]byte(`{"model":{"type":"WordLevel","vocab":{"a":` + id + `},"unk_token":"a"}}`))
		wantFieldErr(t, err, errs.ErrCorrupt, "model.vocab")
	}
}

// TestSparseVocab: ids that are not 0..n-1 behave as in the Rust crate:
// get_vocab_size counts entries, added tokens not in the vocabulary take
// ids from that count upwards (even when that collides with a sparse id,
// and then the added token wins in IDToToken), BPE merges and WordPiece
// work on the given ids, and a duplicated id resolves to one token
// deterministically.
func TestSparseVocab(t *testing.T) {
	data := `{"model":{"type":"BPE","vocab":{"a":7,"b":100000,"ab":5000000,"x":2},"merges":["a b"]},
		"added_tokens":[{"id":0,"content":"<new>","special":true}],
		"pre_tokenizer":{"type":"Whitespace"}}`
	tok, err := FromBytes([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := tok.Encode("ab <new> ba", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(enc.IDs, enc.Tokens); got != "[5000000 4 100000 7] [ab <new> b a]" {
		t.Errorf("got %s", got)
	}
	if tok.MaxID() != 5000000 || tok.VocabSize() != 5 {
		t.Errorf("MaxID %d VocabSize %d", tok.MaxID(), tok.VocabSize())
	}
	// "<new>" took id 4 = the number of vocabulary entries.
	data = strings.Replace(data, `"x":2`, `"x":4`, 1)
	if tok, err = FromBytes([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if s, _ := tok.IDToToken(4); s != "<new>" {
		t.Errorf("IDToToken(4) = %q, want the added token", s)
	}
	if id, _ := tok.TokenToID("x"); id != 4 {
		t.Errorf("TokenToID(x) = %d", id)
	}
	// Duplicate ids: the smaller string, every time.
	for i := 0; i < 20; i++ {
		tok, err := FromBytes([]byte(`{"model":{"type":"BPE","vocab":{"q":1,"p":1,"r":1,"z":0},"merges":[]}}`))
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := tok.IDToToken(1); s != "p" {
			t.Fatalf("IDToToken(1) = %q, want p", s)
		}
		enc, _ := tok.Encode("qr", false)
		if fmt.Sprint(enc.Tokens) != "[p p]" {
			t.Fatalf("tokens %v", enc.Tokens)
		}
	}
}

// TestSpecialIDsBounded: the ids and type ids of post-processors and the
// added tokens' ids are u32 in the Rust crate; negative ones used to reach
// encodings (and index embedding tables).
func TestSpecialIDsBounded(t *testing.T) {
	base := `{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},%s}`
	cases := []struct{ frag, field string }{
		{`"post_processor":{"type":"BertProcessing","sep":["[SEP]",-3],"cls":["[CLS]",2]}`, "post_processor.sep"},
		{`"post_processor":{"type":"RobertaProcessing","sep":["</s>",2],"cls":["<s>",4294967296]}`, "post_processor.cls"},
		{`"post_processor":{"type":"TemplateProcessing","single":"[X] $A","pair":"$A $B","special_tokens":{"[X]":{"id":"[X]","ids":[-1],"tokens":["[X]"]}}}`, "post_processor.special_tokens.[X].ids"},
		{`"post_processor":{"type":"TemplateProcessing","single":[{"Sequence":{"id":"A","type_id":-2}}],"pair":"$A $B","special_tokens":{}}`, "post_processor.single[0]"},
		{`"post_processor":{"type":"TemplateProcessing","single":"$A:-1","pair":"$A $B","special_tokens":{}}`, "post_processor.single[0]"},
		{`"post_processor":{"type":"TemplateProcessing","single":"$A:1:2","pair":"$A $B","special_tokens":{}}`, "post_processor.single[0]"},
		{`"post_processor":{"type":"TemplateProcessing","single":"$-3","pair":"$A $B","special_tokens":{}}`, "post_processor.single[0]"},
		{`"added_tokens":[{"id":4294967296,"content":"x"}]`, "added_tokens[0].id"},
		{`"padding":{"strategy":"BatchLongest","direction":"Right","pad_id":4294967296,"pad_type_id":0,"pad_token":"a"}`, "padding.pad_id"},
		{`"padding":{"strategy":"BatchLongest","direction":"Right","pad_id":0,"pad_type_id":-1,"pad_token":"a"}`, "padding.pad_type_id"},
	}
	for _, c := range cases {
		_, err := FromBytes([]byte(fmt.Sprintf(base, c.frag)))
		wantFieldErr(t, err, errs.ErrCorrupt, c.field)
	}
	// The Rust string form: "$1" is sequence A with type id 1, and a
	// type id after the colon replaces it.
	tok, err := FromBytes([]byte(fmt.Sprintf(base, `"post_processor":{"type":"TemplateProcessing","single":"$1:2 [X]:+3","pair":"$A $B","special_tokens":{"[X]":{"id":"[X]","ids":[4294967295],"tokens":["[X]"]}}}`)))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := tok.Encode("a", true)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(enc.IDs, enc.TypeIDs); got != "[0 4294967295] [2 3]" {
		t.Errorf("got %s", got)
	}
}

// TestLengthsBounded: padding to {"Fixed": 2^62} panicked in makeslice, and
// pad_to_multiple_of 2^63-1 appended padding until memory ran out; every
// length of truncation and padding is now bounded by MaxSequenceLength, in
// the file and in options.
func TestLengthsBounded(t *testing.T) {
	pad := func(strategy, multiple string) string {
		return `"padding":{"strategy":` + strategy + `,"direction":"Right","pad_to_multiple_of":` + multiple + `,"pad_id":0,"pad_type_id":0,"pad_token":"a"}`
	}
	trunc := func(maxLen, stride string) string {
		return `"truncation":{"max_length":` + maxLen + `,"strategy":"LongestFirst","stride":` + stride + `,"direction":"Right"}`
	}
	base := `{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},%s}`
	cases := []struct{ frag, field string }{
		{pad(`{"Fixed":4611686018427387904}`, "null"), "padding.strategy.Fixed"},
		{pad(`{"Fixed":1048577}`, "null"), "padding.strategy.Fixed"},
		{pad(`"BatchLongest"`, "9223372036854775807"), "padding.pad_to_multiple_of"},
		{pad(`"BatchLongest"`, "1048577"), "padding.pad_to_multiple_of"},
		{trunc("1099511627776", "0"), "truncation.max_length"},
		{trunc("128", "9223372036854775807"), "truncation.stride"},
	}
	for _, c := range cases {
		var err error
		n := allocDuring(func() {
			var tok *Tokenizer
			if tok, err = FromBytes([]byte(fmt.Sprintf(base, c.frag))); err == nil {
				_, _ = tok.EncodeBatch(context.Background(), []string{"a", "a a"}, true)
			}
		})
		wantFieldErr(t, err, errs.ErrCorrupt, c.field)
		if n > 1<<20 {
			t.Errorf("%s: %d bytes allocated", c.field, n)
		}
	}
	// The bound itself is allowed.
	tok, err := FromBytes([]byte(fmt.Sprintf(base, pad(`{"Fixed":1048576}`, "1048576")+","+trunc("1048576", "1048576"))))
	if err != nil {
		t.Fatal(err)
	}
	if enc, err := tok.Encode("a", false); err != nil || enc.Len() != MaxSequenceLength {
		t.Fatalf("padded to %v, %v", enc.Len(), err)
	}
	// Options.
	plain := loadTestTokenizer(t, "minilm")
	for _, o := range []Option{
		WithPadding(Padding{Strategy: Fixed, Length: 1 << 62}),
		WithPadding(Padding{PadToMultipleOf: math.MaxInt}),
		WithPadding(Padding{PadID: 1 << 40}),
		WithTruncation(MaxSequenceLength + 1),
		WithTruncationParams(Truncation{MaxLength: 512, Stride: math.MaxInt}),
	} {
		if tt, err := plain.With(o); tt != nil || !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("option accepted: %v", err)
		}
		if _, err := FromBytes(readGz(t, filepath.Join("testdata", "minilm", "tokenizer.json.gz")), o); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("FromBytes: %v", err)
		}
		if _, err := FromBytes([]byte(tinyWordPiece), o); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("FromBytes: %v", err)
		}
	}
}

// nested returns k Sequence components of the given list key around leaf.
func nested(k int, listKey, leaf string) string {
	return strings.Repeat(`{"type":"Sequence","`+listKey+`":[`, k) + leaf + strings.Repeat(`]}`, k)
}

// TestDeepNesting: 4,900 nested Sequence normalizers (176 KB) took 7.5 s
// and 0.9 GB to load, every level decoding (and copying) everything below
// it. Nesting is now capped as serde_json caps it (the 128th nested array
// or object is "recursion limit exceeded"), and loading reads each byte a
// bounded number of times: a 4 MB string under 60 levels allocates about
// its own size.
func TestDeepNesting(t *testing.T) {
	const model = `"model":{"type":"WordLevel","vocab":{"a":0,"b":1},"unk_token":"a"}`
	comps := []struct{ field, listKey, leaf string }{
		{"normalizer", "normalizers", `{"type":"Lowercase"}`},
		{"pre_tokenizer", "pretokenizers", `{"type":"Whitespace"}`},
		{"decoder", "decoders", `{"type":"Fuse"}`},
		{"post_processor", "processors", `{"type":"ByteLevel"}`},
	}
	for _, c := range comps {
		// 62 levels: the leaf object is the 127th nested value, the most
		// serde_json reads.
		ok := "{" + model + `,"` + c.field + `":` + nested(62, c.listKey, c.leaf) + "}"
		tok, err := FromBytes([]byte(ok))
		if err != nil {
			t.Fatalf("%s at depth 127: %v", c.field, err)
		}
		if enc, err := tok.Encode("A b", false); err != nil || enc.Len() == 0 {
			t.Fatalf("%s at depth 127: %v %v", c.field, enc, err)
		}
		for _, k := range []int{63, 4900} {
			data := "{" + model + `,"` + c.field + `":` + nested(k, c.listKey, c.leaf) + "}"
			var err error
			n := allocDuring(func() { _, err = FromBytes([]byte(data)) })
			wantFieldErr(t, err, errs.ErrCorrupt, c.field)
			if !strings.Contains(err.Error(), "recursion limit exceeded") {
				t.Errorf("%s: %v", c.field, err)
			}
			// The 128th bracket of the document.
			col, depth := 0, 0
			for i, ch := range data {
				switch ch {
				case '{', '[':
					depth++
				case '}', ']':
					depth--
				}
				if depth == maxJSONDepth {
					col = i + 1
					break
				}
			}
			var fe *FieldError
			if errors.As(err, &fe); fe.Line != 1 || fe.Column != col {
				t.Errorf("%s: line %d column %d, want 1 %d", c.field, fe.Line, fe.Column, col)
			}
			if n > 4<<20 {
				t.Errorf("%s nested %d deep (%d bytes): %d bytes allocated", c.field, k, len(data), n)
			}
		}
	}
	// Anywhere in the document, as in added tokens; a syntax error before
	// the deep part is reported instead, one after it is not.
	deep := strings.Repeat("[", 200) + strings.Repeat("]", 200)
	_, err := FromBytes([]byte(`{` + model + `,"added_tokens":` + deep + `}`))
	wantFieldErr(t, err, errs.ErrCorrupt, "added_tokens")
	if !strings.Contains(err.Error(), "recursion limit") {
		t.Errorf("deep added tokens: %v", err)
	}
	_, err = FromBytes([]byte(`{` + model + `,"x": tru,"added_tokens":` + deep + `}`))
	if err == nil || strings.Contains(err.Error(), "recursion limit") || !strings.Contains(err.Error(), "column 77") {
		t.Errorf("syntax error first: %v", err)
	}
	_, err = FromBytes([]byte(`{` + model + `,"added_tokens":` + deep + `, "x": tru}`))
	if err == nil || !strings.Contains(err.Error(), "recursion limit") {
		t.Errorf("recursion first: %v", err)
	}
	// A million levels of brackets: no deep stack, no big index.
	var n uint64
	n = allocDuring(func() { _, err = FromBytes([]byte(strings.Repeat("[", 1<<20))) })
	if !errors.Is(err, errs.ErrCorrupt) || n > 4<<20 {
		t.Errorf("a million brackets: %v, %d bytes allocated", err, n)
	}
	// Linear otherwise.
	big := `{"type":"Replace","pattern":{"String":"x"},"content":"` + strings.Repeat("y", 4<<20) + `"}`
	data := "{" + model + `,"normalizer":` + nested(60, "normalizers", big) + "}"
	n = allocDuring(func() { _, err = FromBytes([]byte(data)) })
	if err != nil {
		t.Fatal(err)
	}
	if n > uint64(3*len(data)) {
		t.Errorf("a %d-byte file nested 60 deep allocated %d bytes", len(data), n)
	}
}

// TestManyAddedTokens: added tokens were inserted one by one into
// per-byte lists kept sorted, quadratic in their number (40,000 took
// 2.5 s); loading is now a sort.
func TestManyAddedTokens(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},"pre_tokenizer":{"type":"Whitespace"},"added_tokens":[`)
	const n = 40000
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"content":"<t%d>","special":true}`, i+1, i%(n/2))
	}
	b.WriteString(`]}`)
	tok, err := FromBytes([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := tok.Encode("a<t1>a <t19999> <t20000>", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(enc.Tokens); got != "[a <t1> a <t19999> a a a]" {
		t.Errorf("tokens %s", got)
	}
}

// naiveNext is the leftmost-longest search the matcher implements: at the
// first position where a pattern matches, the longest, the first among
// equal ones.
func naiveNext(pats []string, s []byte, from int) (pat, a, b int, ok bool) {
	for i := from; i < len(s); i++ {
		best := -1
		for k, p := range pats {
			if p != "" && strings.HasPrefix(string(s[i:]), p) && (best < 0 || len(p) > len(pats[best])) {
				best = k
			}
		}
		if best >= 0 {
			return best, i, i + len(pats[best]), true
		}
	}
	return 0, 0, 0, false
}

// TestMatcherLeftmostLongest compares the Aho-Corasick matcher with the
// naive search on random patterns and texts over a small alphabet, and
// checks that long patterns sharing a prefix no longer make the search
// quadratic (it took 7 s for 100 KB of text).
func TestMatcherLeftmostLongest(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abc"[rng.Intn(3)]
		}
		return string(b)
	}
	for r := 0; r < 2000; r++ {
		pats := make([]string, 1+rng.Intn(8))
		for i := range pats {
			pats[i] = word(rng.Intn(6))
		}
		m := newMatcher(pats, make([]int, len(pats)))
		s := []byte(word(rng.Intn(30)))
		for from := 0; from <= len(s); from++ {
			p1, a1, b1, ok1 := m.next(s, from)
			p2, a2, b2, ok2 := naiveNext(pats, s, from)
			if ok1 != ok2 || (ok1 && (pats[p1] != pats[p2] || p1 != p2 || a1 != a2 || b1 != b2)) {
				t.Fatalf("patterns %q text %q from %d: got %v %d %d %v, want %v %d %d %v", pats, s, from, p1, a1, b1, ok1, p2, a2, b2, ok2)
			}
		}
	}
	var pats []string
	for i := 0; i < 50; i++ {
		pats = append(pats, strings.Repeat("a", 20000)+fmt.Sprint(i))
	}
	m := newMatcher(pats, make([]int, len(pats)))
	text := []byte(strings.Repeat("a", 100000) + "x7")
	start := time.Now()
	if _, _, _, ok := m.next(text, 0); ok {
		t.Fatal("found a match")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("searching 100 KB took %v", d)
	}
}

// TestLongTokens: tries were built recursively, one frame per byte of a
// key, and a 50 MB added token overflowed the goroutine stack (a fatal
// error, not a panic); built iteratively now, and keys are bounded
// (maxTrieKey, errs.ErrUnsupported beyond: a 50 MB key also took 11 GB).
func TestLongTokens(t *testing.T) {
	long := strings.Repeat("q", maxTrieKey)
	tok, err := FromBytes([]byte(`{"model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":1000000,
		"vocab":{"[UNK]":0,"q":1,"##q":2,"` + long + `":3}},"pre_tokenizer":{"type":"WhitespaceSplit"},
		"added_tokens":[{"id":4,"content":"` + long[1:] + `x","special":true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := tok.Encode(long+" q"+long[1:]+"x", false)
	if err != nil || fmt.Sprint(enc.IDs) != "[3 1 4]" {
		t.Fatalf("%v %v", enc.IDs, err)
	}
	over := long + "q"
	for _, c := range []struct{ data, field string }{
		{`{"model":{"type":"WordPiece","unk_token":"a","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{"a":0,"` + over + `":1}}}`, "model.vocab"},
		{`{"model":{"type":"Unigram","unk_id":0,"vocab":[["a",0],["` + over + `",-1]]}}`, "model.vocab[1]"},
		{`{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},"added_tokens":[{"id":1,"content":"` + over + `"}]}`, "added_tokens[0].content"},
		{`{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},"normalizer":{"type":"Replace","pattern":{"String":"q"},"content":"qq"},
			"added_tokens":[{"id":1,"content":"` + long[:40000] + `","normalized":true}]}`, "added_tokens"},
	} {
		_, err := FromBytes([]byte(c.data))
		wantFieldErr(t, err, errs.ErrUnsupported, c.field)
	}
}

// TestRegexBounds: a 1 MB regex took 500 MB to compile, and 10 KB of \p{L}
// (each written out as 10 KB of ranges) 180 MB; regexes are bounded before
// and after translation.
func TestRegexBounds(t *testing.T) {
	for _, expr := range []string{strings.Repeat("x", maxRegexLen+1), strings.Repeat(`\\p{L}`, 2000)} {
		data := `{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},"pre_tokenizer":{"type":"Split","pattern":{"Regex":"` + expr + `"},"behavior":"Isolated","invert":false}}`
		var err error
		n := allocDuring(func() { _, err = FromBytes([]byte(data)) })
		wantFieldErr(t, err, errs.ErrUnsupported, "pre_tokenizer.pattern")
		if n > 8<<20 {
			t.Errorf("a %d-byte regex: %d bytes allocated", len(expr), n)
		}
	}
}

// TestManyMerges: each merge allocated its field path and went through
// encoding/json twice, and the list grew by appends: 1M merges took 2.4 s
// and 433 MB; now about the merge table itself.
func TestManyMerges(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":[`)
	const n = 200000
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"a b"`)
	}
	b.WriteString(`]}}`)
	var err error
	alloc := allocDuring(func() { _, err = FromBytes([]byte(b.String())) })
	if err != nil {
		t.Fatal(err)
	}
	if alloc > 30<<20 {
		t.Errorf("%d merges: %d bytes allocated", n, alloc)
	}
}

// This file holds the analysis that turns text into index terms: NFKC,
// lowercasing, UAX #29 word segmentation, and character bigrams (or a
// caller's pieces) for Han, Hiragana, Katakana and Hangul.

package lexical

import (
	"fmt"
	"hash/crc32"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ganada/ganada/errs"
)

// An Analyzer turns a text into the terms an index stores and a query
// looks up. Implementations must be safe for concurrent use and
// deterministic: the same text always gives the same terms.
type Analyzer interface {
	// Name identifies the analysis (its rules and settings). An index file
	// records it, and loads only with an analyzer of the same name, since
	// terms made one way do not match queries analysed another.
	Name() string
	// Terms appends the terms of text to dst and returns it. Their order
	// does not matter to BM25; repeats count as occurrences.
	Terms(dst []string, text string) []string
}

// Standard is the default Analyzer, shaped after Lucene's CJKAnalyzer:
//
//  1. NFKC normalisation (which also folds full-width Latin and half-width
//     Katakana, as Lucene's CJKWidthFilter does) and lowercasing
//     (unicode.ToLower per code point, as Lucene's LowerCaseFilter);
//  2. UAX #29 word segmentation (Unicode 15.0.0 default rules, tested on
//     all of WordBreakTest.txt); segments without a letter or digit
//     (spaces, punctuation, emoji) are dropped;
//  3. runs of Han, Hiragana, Katakana and Hangul characters become
//     overlapping character bigrams ("서울의" → "서울", "울의"), across
//     adjacent segments as with Han text, where each ideograph is its own
//     segment; a run of one character is kept as a unigram. Lucene's
//     CJKBigramFilter does the same. WithCJKPieces replaces the bigrams by
//     a caller's split (a model tokenizer's pieces);
//  4. optionally, stop words are removed (WithStopWords,
//     WithEnglishStopWords).
//
// Other scripts keep their UAX #29 words whole ("can't", "3.14",
// "naïve"). Measured on KorSTS retrieval (see the package documentation),
// bigrams retrieve as well as the pieces of a SentencePiece model trained
// on that very data, and far better than whole Korean words; they need no
// model, which is why they are the default.
type Standard struct {
	name   string
	stop   map[string]struct{}
	pieces func(run string) []string
}

// AnalyzerOption configures NewAnalyzer. An option with a bad value makes
// NewAnalyzer fail with an error wrapping errs.ErrInvalidOption that names
// it.
type AnalyzerOption func(*analyzerConfig) error

type analyzerConfig struct {
	stop       []string
	pieces     func(string) []string
	piecesName string
}

// EnglishStopWords are the 33 words of Lucene's EnglishAnalyzer default
// stop set.
var EnglishStopWords = []string{
	"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
	"no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
	"they", "this", "to", "was", "will", "with",
}

// WithStopWords removes these words (compared after NFKC and lowercasing)
// from the terms; it adds to the words of earlier stop-word options. An
// empty word is an invalid option.
func WithStopWords(words ...string) AnalyzerOption {
	return func(c *analyzerConfig) error {
		for _, w := range words {
			if w == "" || !utf8.ValidString(w) {
				return fmt.Errorf("lexical: WithStopWords(%q): empty or not UTF-8: %w", w, errs.ErrInvalidOption)
			}
			c.stop = append(c.stop, strings.ToLower(norm.NFKC.String(w)))
		}
		return nil
	}
}

// WithEnglishStopWords removes EnglishStopWords.
func WithEnglishStopWords() AnalyzerOption { return WithStopWords(EnglishStopWords...) }

// WithCJKPieces splits every run of Han, Hiragana, Katakana and Hangul
// characters with split instead of into bigrams (for example into the
// pieces of a model's tokenizer). name identifies split in the analyzer's
// Name, so an index built with one split does not load with another. split
// must be safe for concurrent use; empty pieces are dropped.
func WithCJKPieces(name string, split func(run string) []string) AnalyzerOption {
	return func(c *analyzerConfig) error {
		if name == "" || split == nil || strings.ContainsAny(name, ";\x00") {
			return fmt.Errorf("lexical: WithCJKPieces(%q): want a name without ';' and a split function: %w", name, errs.ErrInvalidOption)
		}
		c.pieces, c.piecesName = split, name
		return nil
	}
}

// NewAnalyzer returns the Standard analyzer with these options. Nil
// options are skipped.
func NewAnalyzer(opts ...AnalyzerOption) (*Standard, error) {
	var c analyzerConfig
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	a := &Standard{pieces: c.pieces}
	name := "standard-v1;cjk=bigram"
	if c.pieces != nil {
		name = "standard-v1;cjk=pieces:" + c.piecesName
	}
	if len(c.stop) > 0 {
		a.stop = make(map[string]struct{}, len(c.stop))
		for _, w := range c.stop {
			a.stop[w] = struct{}{}
		}
		words := make([]string, 0, len(a.stop))
		for w := range a.stop {
			words = append(words, w)
		}
		sort.Strings(words)
		name += fmt.Sprintf(";stop=%d:%08x", len(words), crc32.ChecksumIEEE([]byte(strings.Join(words, "\x00"))))
	}
	a.name = name
	return a, nil
}

// Name returns "standard-v1;cjk=bigram" or "standard-v1;cjk=pieces:NAME",
// followed by ";stop=N:CRC" when stop words are set.
func (a *Standard) Name() string { return a.name }

// isCJK reports whether r is written in the scripts whose runs become
// bigrams.
func isCJK(r rune) bool {
	if r < 0x2e80 {
		return false
	}
	return unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Han, r) ||
		unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		wordBreak(r)&^wbPict == wbKatakana
}

func isASCIILower(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// segmenters recycles the segmenters' buffers between calls.
var segmenters = sync.Pool{New: func() any { return new(segmenter) }}

// analysis is the per-call state of Terms.
type analysis struct {
	a      *Standard
	dst    []string
	cjk    []byte // the pending run of CJK characters
	cjkEnd int    // byte offset where the pending run ends
}

func (s *analysis) word(w string) {
	if w == "" {
		return
	}
	if _, stop := s.a.stop[w]; stop {
		return
	}
	s.dst = append(s.dst, w)
}

// flush turns the pending CJK run into bigrams (or pieces).
func (s *analysis) flush() {
	if len(s.cjk) == 0 {
		return
	}
	run := string(s.cjk)
	s.cjk = s.cjk[:0]
	if s.a.pieces != nil {
		for _, p := range s.a.pieces(run) {
			s.word(p)
		}
		return
	}
	// Bigrams of consecutive characters; one character alone stays.
	first := true
	for i := 0; i < len(run); {
		_, n1 := utf8.DecodeRuneInString(run[i:])
		j := i + n1
		if j >= len(run) {
			if first {
				s.word(run[i:j])
			}
			break
		}
		_, n2 := utf8.DecodeRuneInString(run[j:])
		s.word(run[i : j+n2])
		first = false
		i = j
	}
}

// Terms appends the terms of text to dst. Invalid UTF-8 bytes count as
// U+FFFD, which is dropped as a symbol.
func (a *Standard) Terms(dst []string, text string) []string {
	if !norm.NFKC.IsNormalString(text) {
		text = norm.NFKC.String(text)
	}
	if !isASCIILower(text) {
		text = strings.ToLower(text)
	}
	s := analysis{a: a, dst: dst}
	seg := segmenters.Get().(*segmenter)
	defer segmenters.Put(seg)
	seg.segments(text, func(start, end int) {
		w := text[start:end]
		if end-start == 1 { // ASCII fast path
			c := w[0]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
				return
			}
			s.flush()
			s.word(w)
			return
		}
		// Split the segment into CJK runs and other parts.
		partStart, kept := -1, false
		for i, r := range w {
			if r == utf8.RuneError {
				continue
			}
			if isCJK(r) {
				if partStart >= 0 {
					if kept {
						s.flush()
						s.word(w[partStart:i])
					}
					partStart, kept = -1, false
				}
				if len(s.cjk) > 0 && s.cjkEnd != start+i {
					s.flush()
				}
				s.cjk = utf8.AppendRune(s.cjk, r)
				s.cjkEnd = start + i + utf8.RuneLen(r)
				continue
			}
			if partStart < 0 {
				partStart = i
			}
			if !kept && (unicode.IsLetter(r) || unicode.IsNumber(r)) {
				kept = true
			}
		}
		if partStart >= 0 && kept {
			s.flush()
			s.word(w[partStart:])
		}
	})
	s.flush()
	return s.dst
}

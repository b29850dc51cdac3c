// Package chunk splits long texts into pieces an encoder reads whole.
//
// A transformer reads at most its max_seq_length tokens and silently drops
// the rest, so a long document must be cut into chunks that fit, and a
// retrieval system indexes the chunks. A Splitter counts a chunk's size in
// units — a model's own tokens (Tokens) or words (Words) — cuts only
// between units, prefers to cut at the end of a paragraph, then of a line
// or sentence (Korean sentence endings included), then after a clause or a
// word, and lets consecutive chunks overlap so that a passage cut in two
// is whole in one of them. Every chunk keeps its byte offsets into the
// original text.
//
//	units, _ := chunk.Tokens(m.Tokenizer())
//	s, _ := chunk.New(units, m.MaxSeqLength()-2, chunk.WithOverlap(32))
//	chunks, _ := s.Split(longText)
//
// The size a transformer allows is its MaxSeqLength less its special
// tokens (two for BERT's [CLS] … [SEP] and RoBERTa's <s> … </s>) and the
// tokens of a document prompt.
package chunk

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/errs"
)

// Span is a half-open byte range [Start, End) of a text.
type Span struct{ Start, End int }

// Units splits a text into the units a chunk's size is counted in, as
// ordered byte ranges of the text. Units whose ranges overlap or touch no
// byte (several tokens of one character) are kept together in one chunk.
type Units func(text string) ([]Span, error)

// Words is the Units of word-vector models: whitespace-separated words.
func Words(text string) ([]Span, error) {
	var out []Span
	start := -1
	for i, r := range text {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, Span{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, Span{start, len(text)})
	}
	return out, nil
}

// Tokens returns the Units of a transformer: the tokens tok splits a text
// into, without special tokens, truncation or padding. Several tokens can
// share one character (a decomposed Hangul syllable, a multi-byte
// character in byte-level BPE): they count one each and are never cut
// apart.
func Tokens(tok *tokenizer.Tokenizer) (Units, error) {
	if tok == nil {
		return nil, fmt.Errorf("chunk: Tokens(nil): %w", errs.ErrInvalidOption)
	}
	plain, err := tok.With(tokenizer.WithoutTruncation(), tokenizer.WithoutPadding())
	if err != nil {
		return nil, fmt.Errorf("chunk: Tokens: %w", err)
	}
	return func(text string) ([]Span, error) {
		enc, err := plain.Encode(text, false)
		if err != nil {
			return nil, fmt.Errorf("chunk: tokenizing: %w", err)
		}
		out := make([]Span, len(enc.Offsets))
		for i, o := range enc.Offsets {
			out[i] = Span{o[0], o[1]}
		}
		return out, nil
	}, nil
}

// Chunk is one piece of a text: the bytes [Start, End) of the original.
type Chunk struct {
	Start, End int
	// Text is text[Start:End].
	Text string
	// Units is how many units the chunk holds.
	Units int
}

// Option configures a Splitter.
type Option func(*Splitter) error

// WithOverlap makes consecutive chunks share about n units (the next
// chunk starts n units before the previous one ends, moved forward to the
// start of a word). The default is a tenth of the size; n must be below
// the size.
func WithOverlap(n int) Option {
	return func(s *Splitter) error {
		if n < 0 {
			return fmt.Errorf("chunk: WithOverlap(%d): negative: %w", n, errs.ErrInvalidOption)
		}
		s.overlap = n
		return nil
	}
}

// Splitter cuts texts into chunks of at most a given number of units. It
// is safe for concurrent use if its Units are.
type Splitter struct {
	units         Units
	size, overlap int
}

// New returns a Splitter whose chunks hold at most size units as units
// counts them.
func New(units Units, size int, opts ...Option) (*Splitter, error) {
	if units == nil {
		return nil, fmt.Errorf("chunk: New: no Units: %w", errs.ErrInvalidOption)
	}
	if size < 1 {
		return nil, fmt.Errorf("chunk: New: size %d: want at least 1: %w", size, errs.ErrInvalidOption)
	}
	s := &Splitter{units: units, size: size, overlap: size / 10}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if s.overlap >= size {
		return nil, fmt.Errorf("chunk: WithOverlap(%d): not below the size %d: %w", s.overlap, size, errs.ErrInvalidOption)
	}
	return s, nil
}

// Size returns the most units a chunk holds.
func (s *Splitter) Size() int { return s.size }

// Split cuts text into chunks, in order. Every unit of text is in at least
// one chunk; a text of no units (empty, or only spaces) has no chunks.
// Text that is not valid UTF-8 is an error wrapping errs.ErrInvalidInput.
func (s *Splitter) Split(text string) ([]Chunk, error) {
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("chunk: text is not valid UTF-8: %w", errs.ErrInvalidInput)
	}
	units, err := s.units(text)
	if err != nil {
		return nil, err
	}
	atoms, err := group(units, len(text))
	if err != nil {
		return nil, err
	}
	// weight[i] is the number of units in atoms[:i].
	weight := make([]int, len(atoms)+1)
	for i, a := range atoms {
		weight[i+1] = weight[i] + a.n
	}
	var out []Chunk
	for first, end := 0, 0; first < len(atoms); {
		end = s.cut(text, atoms, weight, first, end+1)
		c := Chunk{Start: atoms[first].Start, End: atoms[end-1].End, Units: weight[end] - weight[first]}
		c.Text = text[c.Start:c.End]
		out = append(out, c)
		if end == len(atoms) {
			break
		}
		first = s.nextStart(text, atoms, weight, first, end)
	}
	return out, nil
}

// atom is a run of units that a cut may not separate, and how many units
// it holds.
type atom struct {
	Span
	n int
}

// group checks units against the text's length and joins the units that
// share bytes, or have none, into atoms.
func group(units []Span, textLen int) ([]atom, error) {
	var atoms []atom
	pending := 0 // zero-width units before the first atom
	for i, u := range units {
		if u.Start < 0 || u.End > textLen || u.Start > u.End || (len(atoms) > 0 && u.Start < atoms[len(atoms)-1].Start) {
			return nil, fmt.Errorf("chunk: unit %d at bytes [%d, %d) is out of order or outside the %d-byte text: %w", i, u.Start, u.End, textLen, errs.ErrInvalidInput)
		}
		switch n := len(atoms); {
		case n > 0 && (u.Start < atoms[n-1].End || u.Start == u.End):
			atoms[n-1].End = max(atoms[n-1].End, u.End)
			atoms[n-1].n++
		case u.Start == u.End:
			pending++
		default:
			atoms = append(atoms, atom{u, 1 + pending})
			pending = 0
		}
	}
	return atoms, nil
}

// cut returns the end (exclusive atom index) of the chunk starting at
// first, at least minEnd (past the previous chunk's end): the strongest
// boundary after the first half of the size, the latest of equals. A
// single atom of more units than the size is a chunk of its own.
func (s *Splitter) cut(text string, atoms []atom, weight []int, first, minEnd int) int {
	limit := max(first+1, minEnd)
	for limit < len(atoms) && weight[limit+1]-weight[first] <= s.size {
		limit++
	}
	if limit == len(atoms) {
		return limit
	}
	best, bestAt := -1, limit
	for e := limit; e >= minEnd && e > first && weight[e]-weight[first] > s.size/2; e-- {
		if b := boundary(text, atoms, e); b > best {
			best, bestAt = b, e
		}
	}
	return bestAt
}

// nextStart returns where the chunk after [first, end) starts: at most
// overlap units before end, at the strongest boundary there (a sentence
// start rather than a word start; the earliest of equals, so no overlap
// only when the chunk ended at a stronger boundary than any inside the
// overlap), and always after first.
func (s *Splitter) nextStart(text string, atoms []atom, weight []int, first, end int) int {
	next := end
	for next > first+1 && weight[end]-weight[next-1] <= s.overlap {
		next--
	}
	best, bestAt := -1, next
	for i := next; i <= end; i++ {
		if b := boundary(text, atoms, i); b > best {
			best, bestAt = b, i
		}
	}
	return bestAt
}

// Boundary strengths: where a cut between units is best.
const (
	inWord    = iota // between two pieces of one word
	word             // after a word
	clause           // after , ; : and the like
	koreanEnd        // after a Korean sentence-final ending (다, 요 …) without a period
	line             // at a line break
	sentence         // after . ! ? 。 and the like
	paragraph        // at a blank line
)

// boundary rates the cut before atom e (0 < e < len(units)).
func boundary(text string, units []atom, e int) int {
	gap := text[units[e-1].End:units[e].Start]
	if strings.Count(gap, "\n") >= 2 {
		return paragraph
	}
	prev := strings.TrimRightFunc(text[units[e-1].Start:units[e-1].End], isClosing)
	if prev == "" {
		// Only closing quotes or brackets: look at the text before them.
		prev = strings.TrimRightFunc(text[:units[e-1].End], isClosing)
	}
	last, _ := utf8.DecodeLastRuneInString(prev)
	spaced := gap != "" || startsWithSpace(text[units[e].Start:units[e].End])
	switch {
	case strings.ContainsRune(".!?。！？…‼⁇", last) && spaced:
		return sentence
	case strings.Contains(gap, "\n"):
		return line
	case strings.ContainsRune("다요까죠니네라자", last) && spaced && unicode.Is(unicode.Hangul, last):
		return koreanEnd
	case strings.ContainsRune(",;:，、；：)]}—–", last) && spaced:
		return clause
	case spaced:
		return word
	}
	return inWord
}

func isClosing(r rune) bool {
	return strings.ContainsRune(`"'”’»)]}」』】〉》`, r)
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r) || r == 'Ġ' || r == '▁'
}

// This file defines Encoding, the result of encoding a text, and the
// truncation and padding settings applied to it.

package tokenizer

// Encoding is the tokenization of one text or text pair. All slices have the
// same length, one entry per token.
type Encoding struct {
	// IDs are the token ids.
	IDs []int
	// TypeIDs are the segment ids (0 for the first text, usually 1 for the
	// second text of a pair).
	TypeIDs []int
	// AttentionMask is 1 for real tokens and 0 for padding.
	AttentionMask []int
	// SpecialTokensMask is 1 for tokens added by the post-processor
	// ([CLS], [SEP], <s>, ...) and for padding, 0 otherwise; special tokens
	// written literally in the input count as 0.
	SpecialTokensMask []int
	// Tokens are the token strings.
	Tokens []string
	// Offsets are half-open byte ranges [start, end) into the input string
	// (into the first or the second text for a pair); tokens added by the
	// post-processor and padding have [0, 0].
	Offsets [][2]int

	// seqIDs is, per token, 0 or 1 for the text it comes from and -1 for
	// special tokens and padding.
	seqIDs []int
}

// SequenceIDs returns, per token, 0 for a token of the first text, 1 for a
// token of the second text of a pair, and -1 for special tokens added by
// the post-processor and for padding. The slice is shared with e.
func (e *Encoding) SequenceIDs() []int { return e.seqIDs }

// Len returns the number of tokens.
func (e *Encoding) Len() int { return len(e.IDs) }

// newEncoding allocates an encoding of n tokens with three allocations.
func newEncoding(n, capacity int) *Encoding {
	ints := make([]int, 5*capacity)
	return &Encoding{
		IDs:               ints[0:n:capacity],
		TypeIDs:           ints[capacity : capacity+n : 2*capacity],
		AttentionMask:     ints[2*capacity : 2*capacity+n : 3*capacity],
		SpecialTokensMask: ints[3*capacity : 3*capacity+n : 4*capacity],
		seqIDs:            ints[4*capacity : 4*capacity+n : 5*capacity],
		Tokens:            make([]string, n, capacity),
		Offsets:           make([][2]int, n, capacity),
	}
}

// Direction says from which end truncation removes tokens or padding adds
// them.
type Direction int

const (
	// Right truncates or pads at the end.
	Right Direction = iota
	// Left truncates or pads at the start.
	Left
)

// TruncationStrategy says which text of a pair loses tokens.
type TruncationStrategy int

const (
	// LongestFirst removes tokens from the longer text first.
	LongestFirst TruncationStrategy = iota
	// OnlyFirst truncates only the first text.
	OnlyFirst
	// OnlySecond truncates only the second text.
	OnlySecond
)

// MaxSequenceLength bounds every length of a Truncation or Padding: the
// maximum length and stride of truncation, the fixed length and the
// multiple of padding, whether read from tokenizer.json (errs.ErrCorrupt)
// or given as an Option (errs.ErrInvalidOption). It is 2^20 = 1,048,576 tokens,
// above the context of every model in use. The Rust library takes any
// usize there, and padding allocates the length it is given: a tokenizer.json
// padding to {"Fixed": 2^62} tokens, or to a multiple of 2^63-1, would
// exhaust memory on the first Encode.
const MaxSequenceLength = 1 << 20

// Truncation limits the length of encodings. MaxLength counts the special
// tokens the post-processor adds.
type Truncation struct {
	MaxLength int // the maximum number of tokens, special tokens included
	Strategy  TruncationStrategy
	Direction Direction
	// Stride only matters for overflowing windows, which this package does
	// not return; it is kept for fidelity with tokenizer.json.
	Stride int
}

// PaddingStrategy says how long padded encodings become.
type PaddingStrategy int

const (
	// BatchLongest pads to the longest encoding of the batch.
	BatchLongest PaddingStrategy = iota
	// Fixed pads to Padding.Length.
	Fixed
)

// Padding pads encodings to a common length.
type Padding struct {
	Strategy        PaddingStrategy
	Length          int // the target length for Fixed
	Direction       Direction
	PadToMultipleOf int    // round the length up to a multiple of this; 0 for none
	PadID           int    // the id of padding tokens
	PadTypeID       int    // the type id of padding tokens
	PadToken        string // the token string of padding tokens
}

// padEncodings pads a batch in place.
func padEncodings(encs []*Encoding, p *Padding) {
	if len(encs) == 0 {
		return
	}
	n := p.Length
	if p.Strategy == BatchLongest {
		n = 0
		for _, e := range encs {
			n = max(n, len(e.IDs))
		}
	}
	if p.PadToMultipleOf > 0 && n%p.PadToMultipleOf > 0 {
		n += p.PadToMultipleOf - n%p.PadToMultipleOf
	}
	for _, e := range encs {
		padEncoding(e, n, p)
	}
}

func padEncoding(e *Encoding, n int, p *Padding) {
	k := n - len(e.IDs)
	if k <= 0 {
		return
	}
	if p.Direction == Right {
		for i := 0; i < k; i++ {
			e.IDs = append(e.IDs, p.PadID)
			e.TypeIDs = append(e.TypeIDs, p.PadTypeID)
			e.AttentionMask = append(e.AttentionMask, 0)
			e.SpecialTokensMask = append(e.SpecialTokensMask, 1)
			e.Tokens = append(e.Tokens, p.PadToken)
			e.Offsets = append(e.Offsets, [2]int{})
			e.seqIDs = append(e.seqIDs, -1)
		}
		return
	}
	old := *e
	ne := newEncoding(n, n)
	for i := 0; i < k; i++ {
		ne.IDs[i] = p.PadID
		ne.TypeIDs[i] = p.PadTypeID
		ne.SpecialTokensMask[i] = 1
		ne.Tokens[i] = p.PadToken
	}
	copy(ne.IDs[k:], old.IDs)
	copy(ne.TypeIDs[k:], old.TypeIDs)
	copy(ne.AttentionMask[k:], old.AttentionMask)
	copy(ne.SpecialTokensMask[k:], old.SpecialTokensMask)
	copy(ne.Tokens[k:], old.Tokens)
	copy(ne.Offsets[k:], old.Offsets)
	for i := range ne.seqIDs[:k] {
		ne.seqIDs[i] = -1
	}
	copy(ne.seqIDs[k:], old.seqIDs)
	*e = *ne
}

// seq is one encoded text before post-processing.
type seq struct {
	text string // the input text the offsets index
	ids  []int
	toks []string
	offs [][2]int
}

func (s *seq) reset() {
	s.ids = s.ids[:0]
	s.toks = s.toks[:0]
	s.offs = s.offs[:0]
}

func (s *seq) len() int { return len(s.ids) }

// reserve makes room for n more tokens, at least doubling the capacity
// when it grows (append grows large slices by a quarter, which for a long
// text chunk by chunk allocated four times the result).
func (s *seq) reserve(n int) {
	if cap(s.ids)-len(s.ids) >= n {
		return
	}
	c := max(2*cap(s.ids), len(s.ids)+n)
	ids := make([]int, len(s.ids), c)
	copy(ids, s.ids)
	toks := make([]string, len(s.toks), c)
	copy(toks, s.toks)
	offs := make([][2]int, len(s.offs), c)
	copy(offs, s.offs)
	s.ids, s.toks, s.offs = ids, toks, offs
}

// truncate keeps n tokens from the given end.
func (s *seq) truncate(n int, dir Direction) {
	if n >= len(s.ids) {
		return
	}
	if n < 0 {
		n = 0
	}
	if dir == Right {
		s.ids, s.toks, s.offs = s.ids[:n], s.toks[:n], s.offs[:n]
		return
	}
	k := len(s.ids) - n
	s.ids, s.toks, s.offs = s.ids[k:], s.toks[k:], s.offs[k:]
}

// truncatePair applies the Rust truncate_encodings to one or two texts.
func truncatePair(a, b *seq, t *Truncation, maxLen int) error {
	if maxLen == 0 {
		a.truncate(0, t.Direction)
		if b != nil {
			b.truncate(0, t.Direction)
		}
		return nil
	}
	total := a.len()
	if b != nil {
		total += b.len()
	}
	if total <= maxLen {
		return nil
	}
	remove := total - maxLen
	// cut truncates s to n tokens; the Rust Encoding::truncate panics when
	// the stride is not less than a nonzero n it truncates to.
	cut := func(s *seq, n int) error {
		if n > 0 && n < s.len() && t.Stride >= n {
			return errorf("truncation stride %d is not less than the %d tokens a text is truncated to", t.Stride, n)
		}
		s.truncate(n, t.Direction)
		return nil
	}
	switch t.Strategy {
	case LongestFirst:
		if b == nil {
			return cut(a, total-remove)
		}
		n1, n2 := a.len(), b.len()
		swap := false
		if n1 > n2 {
			swap = true
			n1, n2 = n2, n1
		}
		if n1 > maxLen {
			n2 = n1
		} else {
			n2 = max(n1, maxLen-n1)
		}
		if n1+n2 > maxLen {
			n1 = maxLen / 2
			n2 = n1 + maxLen%2
		}
		if swap {
			n1, n2 = n2, n1
		}
		if err := cut(a, n1); err != nil {
			return err
		}
		return cut(b, n2)
	default:
		target := a
		if t.Strategy == OnlySecond {
			if b == nil {
				return errorf("truncation OnlySecond needs a second sequence")
			}
			target = b
		}
		if target.len() <= remove {
			return errorf("sequence to truncate too short to respect max_length %d", maxLen)
		}
		return cut(target, target.len()-remove)
	}
}

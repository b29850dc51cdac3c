// jsonscan.go is a small JSON reader for the safetensors header and the
// index file. It walks the bytes in place and allocates only what it
// returns (tensor names, shapes), so that parsing costs memory in
// proportion to what the header describes: encoding/json's maps and
// RawMessages cost about 20 times the size of a header made of many small
// entries (a 50 MB header took 1.5 GB).

package safetensors

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// scanner reads one JSON document b; what names it in errors ("header",
// "index").
type scanner struct {
	b    []byte
	i    int
	what string
}

func (s *scanner) errorf(format string, a ...any) error {
	return fmt.Errorf("%s JSON at byte %d: %s: %w", s.what, s.i, fmt.Sprintf(format, a...), errs.ErrCorrupt)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// ws skips white space.
func (s *scanner) ws() {
	for s.i < len(s.b) && isSpace(s.b[s.i]) {
		s.i++
	}
}

// peek returns the next byte after white space, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// consume skips c (after white space) if it comes next.
func (s *scanner) consume(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// end checks that nothing but white space follows.
func (s *scanner) end() error {
	if s.ws(); s.i != len(s.b) {
		return s.errorf("unexpected %q after the top-level object", s.b[s.i])
	}
	return nil
}

// strEnd finds the end of the string starting at s.b[from] == '"': it
// returns the index after the closing quote, and whether the string is
// plain (no escapes, valid UTF-8), so that its bytes are its value.
func (s *scanner) strEnd(from int) (int, bool, error) {
	plain, ascii := true, true
	for j := from + 1; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			if !ascii && plain {
				plain = utf8.Valid(s.b[from+1 : j])
			}
			return j + 1, plain, nil
		case c == '\\':
			plain = false
			j++ // the escaped byte; escapes are checked when decoded
		case c < 0x20:
			s.i = j
			return 0, false, s.errorf("control character in a string")
		case c >= 0x80:
			ascii = false
		}
	}
	s.i = len(s.b)
	return 0, false, s.errorf("unterminated string")
}

// rawStr reads a string and returns its value's bytes: a slice of the
// input for a plain string, else a decoded copy.
func (s *scanner) rawStr() ([]byte, error) {
	if s.peek() != '"' {
		return nil, s.errorf("want a string")
	}
	start := s.i
	end, plain, err := s.strEnd(start)
	if err != nil {
		return nil, err
	}
	s.i = end
	if plain {
		return s.b[start+1 : end-1], nil
	}
	var v string
	if err := json.Unmarshal(s.b[start:end], &v); err != nil {
		s.i = start
		return nil, s.errorf("bad string: %v", err)
	}
	return []byte(v), nil
}

// beginObject reads the '{' of an object, whose keys nextKey then reads.
func (s *scanner) beginObject() error {
	if !s.consume('{') {
		return s.errorf("want an object")
	}
	return nil
}

// nextKey reads the next key of an object and the ':' after it, leaving s
// at its value, which the caller must read; at the end of the object it
// reads the '}' and returns ok false. first is true before the first key.
// The key is valid until the next call.
func (s *scanner) nextKey(first bool) (key []byte, ok bool, err error) {
	switch {
	case s.consume('}'):
		return nil, false, nil
	case first:
	case s.consume(','):
		if s.peek() == '}' {
			return nil, false, s.errorf("want a key after ','")
		}
	default:
		return nil, false, s.errorf("want ',' or '}'")
	}
	if key, err = s.rawStr(); err != nil {
		return nil, false, err
	}
	if !s.consume(':') {
		return nil, false, s.errorf("want ':' after key %s", clip(string(key)))
	}
	return key, true, nil
}

// object reads an object, calling f with each key (valid only during the
// call) when s is at the key's value, which f must read.
func (s *scanner) object(f func(key []byte) error) error {
	if err := s.beginObject(); err != nil {
		return err
	}
	for first := true; ; first = false {
		k, ok, err := s.nextKey(first)
		if err != nil || !ok {
			return err
		}
		if err := f(k); err != nil {
			return err
		}
	}
}

// countKeys returns the number of keys of the object at s, validating
// their values, and leaves s where it was.
func (s *scanner) countKeys() (int, error) {
	at := s.i
	defer func() { s.i = at }()
	if err := s.beginObject(); err != nil {
		return 0, err
	}
	for n, first := 0, true; ; n, first = n+1, false {
		_, ok, err := s.nextKey(first)
		if err != nil || !ok {
			return n, err
		}
		if err := s.skip(); err != nil {
			return 0, err
		}
	}
}

// beginArray reads the '[' of an array, whose elements nextElem then
// announces.
func (s *scanner) beginArray() error {
	if !s.consume('[') {
		return s.errorf("want an array")
	}
	return nil
}

// nextElem reads up to the next element of an array, which the caller
// must read, or, at the end, the ']' (ok false). first is true before the
// first element.
func (s *scanner) nextElem(first bool) (ok bool, err error) {
	switch {
	case s.consume(']'):
		return false, nil
	case first:
	case s.consume(','):
		if s.peek() == ']' {
			return false, s.errorf("want a value after ','")
		}
	default:
		return false, s.errorf("want ',' or ']'")
	}
	return true, nil
}

// arrayLen returns an upper bound of the number of elements of the array
// of numbers that starts at s, without reading it: one more than its
// commas up to the first ']'.
func (s *scanner) arrayLen() int {
	n := 1
	for j := s.i; j < len(s.b) && s.b[j] != ']'; j++ {
		if s.b[j] == ',' {
			n++
		}
	}
	return n
}

// integer reads a JSON number that is an integer (no fraction or
// exponent), as safetensors' unsigned fields are written.
func (s *scanner) integer() (int64, error) {
	s.ws()
	start := s.i
	neg := s.i < len(s.b) && s.b[s.i] == '-'
	if neg {
		s.i++
	}
	digits := s.i
	var v int64
	overflow := false
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		d := int64(s.b[s.i] - '0')
		if v > (1<<63-1-d)/10 {
			overflow = true
		}
		v = v*10 + d
		s.i++
	}
	switch {
	case s.i == digits || s.b[digits] == '0' && s.i-digits > 1:
		s.i = start
		return 0, s.errorf("want an integer")
	case s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E'):
		s.i = start
		return 0, s.errorf("want an integer, not a fraction or exponent")
	case overflow:
		s.i = start
		return 0, s.errorf("integer out of range")
	}
	if neg {
		v = -v
	}
	return v, nil
}

// skip reads any value, checking that it is valid JSON.
func (s *scanner) skip() error {
	s.ws()
	start, depth := s.i, 0
scan:
	for s.i < len(s.b) {
		c := s.b[s.i]
		if depth == 0 && s.i > start && (c == ',' || c == '}' || c == ']' || c == ':' || isSpace(c)) {
			break
		}
		switch c {
		case '"':
			end, _, err := s.strEnd(s.i)
			if err != nil {
				return err
			}
			s.i = end
		case '{', '[':
			depth++
			s.i++
		case '}', ']':
			depth--
			s.i++
		default:
			s.i++
			continue
		}
		if depth <= 0 {
			break scan
		}
	}
	if !json.Valid(s.b[start:s.i]) {
		s.i = start
		return s.errorf("invalid value")
	}
	return nil
}

// stringMap checks that the value at s is an object of strings, or null,
// and returns its bytes.
func (s *scanner) stringMap() ([]byte, error) {
	s.ws()
	start := s.i
	if s.i+4 <= len(s.b) && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return nil, nil
	}
	err := s.object(func([]byte) error {
		_, err := s.rawStr()
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.b[start:s.i], nil
}

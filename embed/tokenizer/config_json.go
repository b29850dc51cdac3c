// This file decodes the top level of tokenizer.json and locates JSON syntax
// errors, truncation and trailing data by line, column and field, as the
// Rust crate's serde_json errors do.

package tokenizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// maxJSONDepth is serde_json's recursion limit: the Rust crate fails on
// the 128th nested array or object with "recursion limit exceeded". This
// package applies it to the whole document (serde_json skips the fields it
// ignores without counting, such as unknown keys of truncation and padding;
// components are buffered whole and count everywhere).
const maxJSONDepth = 128

// maxJSONSize bounds tokenizer.json: offsets in its index are 32-bit.
const maxJSONSize = 1<<31 - 1

// jdoc is a validated tokenizer.json with an index of its larger arrays and
// objects, so that splitting an object into its members or an array into
// its elements reads only their own bytes and jumps over nested values:
// loading reads each byte a bounded number of times, however deep the
// components nest. Values handed around while parsing (json.RawMessage)
// are subslices of data, never copies.
type jdoc struct {
	data []byte
	// starts and ends locate every array or object of at least
	// jdocIndexMin bytes (ends just past its closing bracket), by start.
	starts, ends []int32
}

// jdocIndexMin is the size from which containers are indexed; smaller ones
// are skipped by reading them, which costs at most this many bytes each.
const jdocIndexMin = 64

// decodeTop validates tokenizer.json, which must be one JSON object,
// optionally surrounded by whitespace, nested at most maxJSONDepth deep, and
// returns its index and top-level fields.
func decodeTop(data []byte) (*jdoc, map[string]json.RawMessage, error) {
	if len(data) > maxJSONSize {
		return nil, nil, fieldErr("tokenizer.json", "%d bytes is larger than %d bytes", len(data), maxJSONSize)
	}
	d, deep := indexJSON(data)
	var err error
	trailing := -1
	if !json.Valid(data) {
		// Decode to locate the problem (json.Valid allocates nothing but
		// says nothing either).
		var raw json.RawMessage
		dec := json.NewDecoder(bytes.NewReader(data))
		if err = dec.Decode(&raw); err == nil {
			for i := int(dec.InputOffset()); i < len(data); i++ {
				switch data[i] {
				case ' ', '\t', '\n', '\r':
					continue
				}
				trailing = i
				break
			}
		}
	}
	// Report the problem serde_json meets first.
	if deep >= 0 && (err == nil || deep < jsonErrorOffset(data, err)) && (trailing < 0 || deep < trailing) {
		line, col := position(data, deep+1)
		field := fieldAt(data[:deep])
		if field == "" {
			field = "tokenizer.json"
		}
		return nil, nil, &FieldError{Field: field, Line: line, Column: col,
			Err: fmt.Errorf("recursion limit exceeded (more than %d nested arrays and objects) at line %d column %d: %w", maxJSONDepth-1, line, col, errs.ErrCorrupt)}
	}
	if err != nil {
		return nil, nil, jsonError(data, err)
	}
	if trailing >= 0 {
		line, col := position(data, trailing+1)
		return nil, nil, &FieldError{Field: "tokenizer.json", Line: line, Column: col,
			Err: fmt.Errorf("trailing characters after the JSON object at line %d column %d: %w", line, col, errs.ErrCorrupt)}
	}
	raw := bytes.TrimLeft(data, " \t\n\r")
	switch raw[0] {
	case '{':
	case 'n':
		return nil, nil, fieldErr("tokenizer.json", "expected a JSON object, found null")
	case '[':
		return nil, nil, fieldErr("tokenizer.json", "expected a JSON object, found array")
	case '"':
		return nil, nil, fieldErr("tokenizer.json", "expected a JSON object, found string")
	case 't', 'f':
		return nil, nil, fieldErr("tokenizer.json", "expected a JSON object, found bool")
	default:
		return nil, nil, fieldErr("tokenizer.json", "expected a JSON object, found number")
	}
	top, ok := d.members(raw)
	if !ok {
		return nil, nil, fieldErr("tokenizer.json", "expected a JSON object")
	}
	return d, top, nil
}

// indexJSON scans data once, recording the arrays and objects of at least
// jdocIndexMin bytes, and returns the offset of the first bracket nested
// maxJSONDepth deep (-1 if none), where it stops. data need not be valid:
// the index is only used once the decoder has validated it.
func indexJSON(data []byte) (*jdoc, int) {
	d := &jdoc{data: data}
	var stack [maxJSONDepth]int32
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			if depth+1 >= maxJSONDepth {
				return d, i
			}
			stack[depth] = int32(i)
			depth++
		case '}', ']':
			if depth > 0 {
				depth--
				if start := stack[depth]; i+1-int(start) >= jdocIndexMin {
					d.starts = append(d.starts, start)
					d.ends = append(d.ends, int32(i+1))
				}
			}
		}
	}
	// Containers were recorded as they closed; order them by start.
	sort.Sort(byStart{d})
	return d, -1
}

type byStart struct{ d *jdoc }

func (s byStart) Len() int           { return len(s.d.starts) }
func (s byStart) Less(i, j int) bool { return s.d.starts[i] < s.d.starts[j] }
func (s byStart) Swap(i, j int) {
	s.d.starts[i], s.d.starts[j] = s.d.starts[j], s.d.starts[i]
	s.d.ends[i], s.d.ends[j] = s.d.ends[j], s.d.ends[i]
}

// offset returns where raw starts in d.data, or -1 when raw is not a
// subslice of it (then callers decode it with encoding/json).
func (d *jdoc) offset(raw []byte) int {
	if d == nil || len(raw) == 0 {
		return -1
	}
	off := cap(d.data) - cap(raw)
	if off < 0 || off+len(raw) > len(d.data) || &d.data[off] != &raw[0] {
		return -1
	}
	return off
}

// skipSpace returns the first non-whitespace position at or after i.
func (d *jdoc) skipSpace(i int) int {
	for i < len(d.data) {
		switch d.data[i] {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		}
		break
	}
	return i
}

// valueEnd returns the end of the (valid) JSON value starting at i.
func (d *jdoc) valueEnd(i int) int {
	data := d.data
	switch data[i] {
	case '"':
		for i++; i < len(data); i++ {
			switch data[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return len(data)
	case '{', '[':
		k := sort.Search(len(d.starts), func(k int) bool { return int(d.starts[k]) >= i })
		if k < len(d.starts) && int(d.starts[k]) == i {
			return int(d.ends[k])
		}
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				for i++; i < len(data) && data[i] != '"'; i++ {
					if data[i] == '\\' {
						i++
					}
				}
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(data)
	}
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// members splits a JSON object of the document into its members (the last
// of duplicate keys wins, as in encoding/json). It reports false when raw is
// not an object. Values outside the document are decoded by encoding/json.
func (d *jdoc) members(raw []byte) (map[string]json.RawMessage, bool) {
	off := d.offset(raw)
	if off < 0 {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil || m == nil {
			return nil, false
		}
		return m, true
	}
	if raw[0] != '{' {
		return nil, false
	}
	m := map[string]json.RawMessage{}
	end := off + len(raw)
	i := d.skipSpace(off + 1)
	for i < end && d.data[i] == '"' {
		ke := d.valueEnd(i)
		key := d.data[i:ke]
		var k string
		if bytes.IndexByte(key, '\\') < 0 && utf8.Valid(key) {
			k = string(key[1 : len(key)-1])
		} else if err := json.Unmarshal(key, &k); err != nil {
			return nil, false
		}
		i = d.skipSpace(ke)
		if i >= end || d.data[i] != ':' {
			return nil, false
		}
		i = d.skipSpace(i + 1)
		ve := d.valueEnd(i)
		m[k] = d.data[i:ve] // not capped: offset reads the position from the capacity
		i = d.skipSpace(ve)
		if i < end && d.data[i] == ',' {
			i = d.skipSpace(i + 1)
		}
	}
	return m, true
}

// elements splits a JSON array of the document into its elements; false
// when raw is not an array.
func (d *jdoc) elements(raw []byte) ([]json.RawMessage, bool) {
	off := d.offset(raw)
	if off < 0 {
		var l []json.RawMessage
		if err := json.Unmarshal(raw, &l); err != nil {
			return nil, false
		}
		return l, true
	}
	if raw[0] != '[' {
		return nil, false
	}
	// Two passes, counting first: merges and vocabularies have hundreds
	// of thousands of elements, and append would allocate several times
	// the list.
	var l []json.RawMessage
	for pass := 0; pass < 2; pass++ {
		n := 0
		end := off + len(raw)
		i := d.skipSpace(off + 1)
		for i < end && d.data[i] != ']' {
			ve := d.valueEnd(i)
			if pass == 1 {
				l = append(l, d.data[i:ve])
			}
			n++
			i = d.skipSpace(ve)
			if i < end && d.data[i] == ',' {
				i = d.skipSpace(i + 1)
			}
		}
		if pass == 0 {
			l = make([]json.RawMessage, 0, n)
		}
	}
	return l, true
}

// jsonErrorOffset returns the offset in data at which decoding failed.
func jsonErrorOffset(data []byte, err error) int {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return int(syn.Offset)
	}
	return len(data)
}

// jsonError turns an error of decoding the top-level object into a
// *FieldError naming the position and, when the error is inside a value,
// the field being decoded.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var n int
	var msg string
	switch {
	case errors.As(err, &syn):
		n, msg = int(syn.Offset), syn.Error()
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		n, msg = len(data), "unexpected end of data (truncated file?)"
	case errors.As(err, &typ):
		return fieldErr("tokenizer.json", "expected a JSON object, found %s", typ.Value)
	default:
		return &FieldError{Field: "tokenizer.json", Err: fmt.Errorf("%v: %w", err, errs.ErrCorrupt)}
	}
	n = min(max(n, 0), len(data))
	line, col := position(data, n)
	field := fieldAt(data[:n])
	if field == "" {
		field = "tokenizer.json"
	}
	return &FieldError{Field: field, Line: line, Column: col,
		Err: fmt.Errorf("%s at line %d column %d: %w", msg, line, col, errs.ErrCorrupt)}
}

// position returns the line and column (both from 1, in bytes) of the last
// of the first n bytes of data, as serde_json reports positions; column 0
// means the line is empty.
func position(data []byte, n int) (line, col int) {
	head := data[:n]
	line = 1 + bytes.Count(head, []byte{'\n'})
	col = n - (bytes.LastIndexByte(head, '\n') + 1)
	return line, col
}

// fieldAt reads the JSON tokens of data, which ends where decoding failed,
// and returns the path of the value being read there, with at most two
// object keys ("model.vocab", "added_tokens[3].content"): deeper keys are
// vocabulary entries and the like.
func fieldAt(data []byte) string {
	type frame struct {
		obj     bool
		wantKey bool
		key     string
		idx     int
	}
	var st []frame
	done := func() { // a value of the innermost container is complete
		if len(st) == 0 {
			return
		}
		f := &st[len(st)-1]
		if f.obj {
			f.wantKey = true
		} else {
			f.idx++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				st = append(st, frame{obj: true, wantKey: true})
			case '[':
				st = append(st, frame{})
			default:
				if len(st) > 0 {
					st = st[:len(st)-1]
				}
				done()
			}
		case string:
			if len(st) > 0 && st[len(st)-1].obj && st[len(st)-1].wantKey {
				st[len(st)-1].key, st[len(st)-1].wantKey = v, false
				continue
			}
			done()
		default:
			done()
		}
	}
	var b []byte
	keys := 0
path:
	for _, f := range st {
		if f.obj {
			if f.wantKey || keys == 2 {
				break path
			}
			if keys > 0 {
				b = append(b, '.')
			}
			b = append(b, f.key...)
			keys++
		} else {
			if keys == 0 {
				break path
			}
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(f.idx), 10)
			b = append(b, ']')
		}
	}
	return string(b)
}

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
	"strconv"
)

// decodeTop decodes tokenizer.json into its top-level fields. The whole
// document must be one JSON object, optionally surrounded by whitespace.
func decodeTop(data []byte) (map[string]json.RawMessage, error) {
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&top); err != nil {
		return nil, jsonError(data, err)
	}
	if top == nil {
		return nil, fieldErr("tokenizer.json", "expected a JSON object, found null")
	}
	for i := int(dec.InputOffset()); i < len(data); i++ {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			continue
		}
		line, col := position(data, i+1)
		return nil, &FieldError{Field: "tokenizer.json", Line: line, Column: col,
			Err: fmt.Errorf("%w: trailing characters after the JSON object at line %d column %d", ErrInvalidConfig, line, col)}
	}
	return top, nil
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
		return &FieldError{Field: "tokenizer.json", Err: fmt.Errorf("%w: %v", ErrInvalidConfig, err)}
	}
	n = min(max(n, 0), len(data))
	line, col := position(data, n)
	field := fieldAt(data[:n])
	if field == "" {
		field = "tokenizer.json"
	}
	return &FieldError{Field: field, Line: line, Column: col,
		Err: fmt.Errorf("%w: %s at line %d column %d", ErrInvalidConfig, msg, line, col)}
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

// This file parses the model of tokenizer.json, inferring its type from its
// keys when "type" is missing, as the Rust crate does.

package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ganada/ganada/errs"
)

func parseModel(d *jdoc, path string, r json.RawMessage) (model, error) {
	o, err := decodeObj(d, path, r)
	if err != nil {
		return nil, err
	}
	typ, err := o.typ()
	if err != nil {
		return nil, err
	}
	if typ == "" {
		// Untagged: infer from the keys as the Rust crate does, trying BPE
		// (vocab map and merges), then WordPiece (all four of its fields),
		// then WordLevel (vocab map and unk_token), then Unigram.
		isList := o.has("vocab") && bytes.TrimSpace(o.m["vocab"])[0] == '['
		isMap := o.has("vocab") && !isList
		switch {
		case isMap && o.has("merges"):
			typ = "BPE"
		case isMap && o.has("unk_token") && o.has("continuing_subword_prefix") && o.has("max_input_chars_per_word"):
			typ = "WordPiece"
		case isMap && o.has("unk_token"):
			typ = "WordLevel"
		case isList:
			typ = "Unigram"
		default:
			return nil, fieldErr(path, "cannot infer the model type from its keys")
		}
	}
	switch typ {
	case "WordPiece":
		return parseWordPiece(o)
	case "WordLevel":
		return parseWordLevel(o)
	case "Unigram":
		return parseUnigram(o)
	case "BPE":
		return parseBPE(o)
	}
	return nil, unsupported(path+".type", typ)
}

// parseVocabMap reads a {"token": id} vocabulary.
func parseVocabMap(o obj) (vocabTable, error) {
	r, ok := o.m["vocab"]
	if !ok || isNull(r) {
		return vocabTable{}, fieldErr(o.path+".vocab", "missing")
	}
	var m map[string]int
	if err := json.Unmarshal(r, &m); err != nil {
		return vocabTable{}, fieldErr(o.path+".vocab", "expected a map of token to id")
	}
	for k, id := range m {
		if id < 0 || id > maxVocabID {
			return vocabTable{}, fieldErr(o.path+".vocab", "token %q has id %d out of range (0..%d)", k, id, maxVocabID)
		}
	}
	return newVocabTable(m), nil
}

func parseWordPiece(o obj) (model, error) {
	v, err := parseVocabMap(o)
	if err != nil {
		return nil, err
	}
	// The Rust WordPiece deserializer requires all its fields, none null.
	for _, k := range []string{"unk_token", "continuing_subword_prefix", "max_input_chars_per_word"} {
		if err := o.need(k); err != nil {
			return nil, err
		}
	}
	for k := range v.ids {
		if len(k) > maxTrieKey {
			return nil, &FieldError{Field: o.path + ".vocab", Err: fmt.Errorf("token %s of %d bytes (at most %d): %w", quoteShort(k), len(k), maxTrieKey, errs.ErrUnsupported)}
		}
	}
	m := &wordPiece{vocabTable: v}
	if m.unk, err = o.str("unk_token", "[UNK]", false); err != nil {
		return nil, err
	}
	if m.prefix, err = o.str("continuing_subword_prefix", "##", false); err != nil {
		return nil, err
	}
	if m.maxChars, err = o.integer("max_input_chars_per_word", 100, false); err != nil {
		return nil, err
	}
	m.unkID, m.hasUnk = v.ids[m.unk]
	m.buildTries()
	return m, nil
}

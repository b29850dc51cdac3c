// pair.go holds EncodePairInto, the allocation-reusing form of EncodePair
// that cross-encoders use for their (query, passage) batches.

package tokenizer

// EncodePairInto is EncodePair writing into enc, reusing its slices as
// EncodeInto does: encoding many pairs into one Encoding allocates
// nothing once it has grown. Offsets of the second text's tokens index
// the second string; enc's previous contents are overwritten.
func (t *Tokenizer) EncodePairInto(enc *Encoding, a, b string, addSpecialTokens bool) error {
	if enc == nil {
		return errorf("EncodePairInto needs a non-nil *Encoding")
	}
	w := getWorkspace()
	defer putWorkspace(w)
	_, err := t.encode(w, enc, a, &b, addSpecialTokens)
	return err
}

// This file derives the identity of an encoder's embedding space and
// compares a saved identity with a loading encoder's.

package ganada

import (
	"fmt"
	"github.com/ganada/ganada/errs"
	"strings"
	"unicode/utf8"

	"github.com/ganada/ganada/embed"
)

// EncoderIdentity returns the identity a Collection records for enc: enc's
// own Identity when it implements embed.Identifier, otherwise one naming
// enc's Go type (as fmt's %T prints it, e.g. "*main.myEncoder") with its
// Dim and no revision. Such encoders are told apart only by type and
// dimension, so two differently configured values of one type look alike;
// implement embed.Identifier to be safe.
func EncoderIdentity(enc embed.Encoder) embed.Identity {
	if ider, ok := enc.(embed.Identifier); ok {
		return ider.Identity()
	}
	return embed.Identity{Model: fmt.Sprintf("%T", enc), Dim: enc.Dim()}
}

// checkIdentityUTF8 returns an error wrapping errs.ErrInvalidInput if a
// string of id is not valid UTF-8, which a saved collection cannot hold.
func checkIdentityUTF8(id embed.Identity) error {
	for _, f := range []struct{ name, value string }{{"model", id.Model}, {"revision", id.Revision}, {"prompt", id.Prompt}} {
		if !utf8.ValidString(f.value) {
			return fmt.Errorf("ganada: %w: encoder identity: %s %q is not valid UTF-8", errs.ErrInvalidInput, f.name, f.value)
		}
	}
	return nil
}

// checkIdentity returns nil if got equals want, otherwise an error wrapping
// errs.ErrEncoderMismatch that lists every differing field.
func checkIdentity(want, got embed.Identity) error {
	var diffs []string
	if want.Model != got.Model {
		diffs = append(diffs, fmt.Sprintf("model %q, encoder has %q", want.Model, got.Model))
	}
	if want.Revision != got.Revision {
		diffs = append(diffs, fmt.Sprintf("revision %q, encoder has %q", want.Revision, got.Revision))
	}
	if want.Dim != got.Dim {
		diffs = append(diffs, fmt.Sprintf("dimension %d, encoder has %d", want.Dim, got.Dim))
	}
	if want.Normalized != got.Normalized {
		diffs = append(diffs, fmt.Sprintf("normalized %t, encoder has %t", want.Normalized, got.Normalized))
	}
	if want.Prompt != got.Prompt {
		diffs = append(diffs, fmt.Sprintf("prompt %q, encoder has %q", want.Prompt, got.Prompt))
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("ganada: %w: the collection was built with %s", errs.ErrEncoderMismatch, strings.Join(diffs, "; "))
}

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

// EncoderIdentity returns the identity a Collection records for enc:
// embed.IdentityOf(enc), whose QueryPrompt and DocumentPrompt are set to
// its Prompt when enc is not an embed.QueryDocumentEncoder, since the
// Collection then encodes queries and documents alike with Encode. So the
// fields always say what the encoder puts before a query and before a
// document.
func EncoderIdentity(enc embed.Encoder) embed.Identity {
	id := embed.IdentityOf(enc)
	if _, ok := enc.(embed.QueryDocumentEncoder); !ok {
		id.QueryPrompt, id.DocumentPrompt = id.Prompt, id.Prompt
	}
	return id
}

// checkIdentityUTF8 returns an error wrapping errs.ErrInvalidInput if a
// string of id is not valid UTF-8, which a saved collection cannot hold.
func checkIdentityUTF8(id embed.Identity) error {
	for _, f := range []struct{ name, value string }{{"model", id.Model}, {"revision", id.Revision}, {"prompt", id.Prompt}, {"query prompt", id.QueryPrompt}, {"document prompt", id.DocumentPrompt}} {
		if !utf8.ValidString(f.value) {
			return fmt.Errorf("ganada: encoder identity: %s %q is not valid UTF-8: %w", f.name, f.value, errs.ErrInvalidInput)
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
	if want.QueryPrompt != got.QueryPrompt {
		diffs = append(diffs, fmt.Sprintf("query prompt %q, encoder has %q", want.QueryPrompt, got.QueryPrompt))
	}
	if want.DocumentPrompt != got.DocumentPrompt {
		diffs = append(diffs, fmt.Sprintf("document prompt %q, encoder has %q", want.DocumentPrompt, got.DocumentPrompt))
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("ganada: the collection was built with %s: %w", strings.Join(diffs, "; "), errs.ErrEncoderMismatch)
}

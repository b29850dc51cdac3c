// This file defines LoadReport, what a word-vector reader left out of the
// model it read.

package static

import (
	"fmt"

	"github.com/ganada/ganada/errs"
)

// LoadReport says which entries of a word-vector file (GloVe, word2vec
// text or binary, fastText .vec) the reader left out of the model. Models
// built otherwise (New, the compact format, Model2Vec) report zeros.
type LoadReport struct {
	// Entries is the number of word entries (lines or binary records) read,
	// those left out included. With WithMaxWords reading stops once enough
	// words are kept.
	Entries int
	// Duplicates counts entries whose word appeared earlier in the file;
	// the first occurrence is kept, as word2vec's own tools do.
	Duplicates int
	// InvalidUTF8 counts entries whose word is not valid UTF-8, which are
	// skipped: no text can contain such a word (Encode requires valid
	// UTF-8). word2vec's C tool, for one, cuts words longer than its
	// MAX_STRING at a byte, which can split a multi-byte character.
	InvalidUTF8 int
}

// LoadReport returns what the reader that produced m left out of the file
// (see LoadReport). Models derived with With share it.
func (m *Model) LoadReport() LoadReport { return m.report }

// buildRead builds the model a vector-file reader read, with its report.
func buildRead(words []string, mat *matrix, name string, opts []Option, rep LoadReport) (*Model, error) {
	if len(words) == 0 && rep.InvalidUTF8 > 0 {
		return nil, fmt.Errorf("static: no words (%d words skipped: not valid UTF-8): %w", rep.InvalidUTF8, errs.ErrCorrupt)
	}
	m, err := build(words, mat, name, opts, errs.ErrCorrupt)
	if err != nil {
		return nil, err
	}
	m.report = rep
	return m, nil
}

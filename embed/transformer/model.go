// model.go holds Model: its accessors, Close and Identity.

package transformer

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"sync"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/pool"
)

// Model is a loaded sentence-embedding model. It is safe for concurrent use
// by multiple goroutines; Close waits for running calls to finish.
type Model struct {
	name, commit string
	opts         options
	files        []string // every file read, for Identity's content hash

	enc *encoder
	st  []*safetensors.File
	tok *tokenizer.Tokenizer
	truncationState
	pool                   pool.Config
	post                   []step // Dense and Normalize modules after pooling
	dim                    int
	maxSeq                 int
	lower                  bool
	prompt                 promptSpec        // Encode's: default_prompt_name's
	queryPrompt, docPrompt promptSpec        // EncodeQueries' and EncodeDocuments'
	prompts                map[string]string // config_sentence_transformers.json "prompts"
	normalized             bool
	int8                   bool

	progressMu sync.Mutex // serialises WithProgress calls of concurrent calls
	runMu      sync.Mutex
	runners    []*runner // idle runners, reused by later calls

	mu     sync.RWMutex // held for reading by running calls, for writing by Close
	closed bool

	idOnce sync.Once
	id     embed.Identity
}

// step is one module after pooling.
type step struct {
	dense     *dense
	normalize bool
}

var (
	_ embed.Encoder    = (*Model)(nil)
	_ embed.Identifier = (*Model)(nil)
)

// Dim returns the length of the vectors Encode returns.
func (m *Model) Dim() int { return m.dim }

// MaxSeqLength returns the token limit per text, special tokens included;
// longer texts are truncated.
func (m *Model) MaxSeqLength() int { return m.maxSeq }

// HiddenSize returns the width of the token vectors EncodeTokens returns.
func (m *Model) HiddenSize() int { return m.enc.cfg.HiddenSize }

// Int8 reports whether the encoder layers run with int8 weights: WithInt8
// was given and the processor has AVX-512 VNNI.
func (m *Model) Int8() bool { return m.int8 }

// Tokenizer returns the model's tokenizer, configured with the model's
// truncation and no padding.
func (m *Model) Tokenizer() *tokenizer.Tokenizer { return m.tok }

// Close releases the model's weights. It waits for running Encode calls;
// later calls return an error wrapping errs.ErrClosed. Close is idempotent.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	m.runMu.Lock()
	for _, r := range m.runners {
		r.close()
	}
	m.runners = nil
	m.runMu.Unlock()
	return m.closeFiles()
}

// getRunner returns an idle runner with the model's worker count, or a
// new one.
func (m *Model) getRunner() *runner {
	m.runMu.Lock()
	defer m.runMu.Unlock()
	for i := len(m.runners) - 1; i >= 0; i-- {
		if r := m.runners[i]; r.nw == m.opts.workers {
			m.runners = append(m.runners[:i], m.runners[i+1:]...)
			return r
		}
	}
	return newRunner(m.enc, m.opts.workers)
}

// maxIdleRunners bounds the runners a Model keeps between calls; more
// concurrent calls than this start runners that stop when they finish.
const maxIdleRunners = 4

// putRunner makes r available to later calls, dropping buffers that a
// very large batch grew.
func (m *Model) putRunner(r *runner) {
	r.trim()
	m.runMu.Lock()
	if len(m.runners) < maxIdleRunners {
		m.runners = append(m.runners, r)
		r = nil
	}
	m.runMu.Unlock()
	if r != nil {
		r.close()
	}
}

func (m *Model) closeFiles() error {
	var first error
	for _, f := range m.st {
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
	}
	m.st = nil
	return first
}

// Identity describes the embedding space: the hub id (or folder, with any
// bytes of its path that are not UTF-8 replaced by U+FFFD), the hub commit
// (or, for a local folder, a sha256 over the contents of the files that
// define the vectors, computed on first call), the dimension, whether
// vectors are unit length, and the prompt.
func (m *Model) Identity() embed.Identity {
	m.idOnce.Do(func() {
		rev := m.commit
		if rev == "" {
			rev = m.contentHash()
		}
		name := strings.ToValidUTF8(m.name, "\uFFFD")
		// Options that change the vectors but not the files are part of
		// the model's name, so that a Collection tells them apart.
		if m.opts.pooling != 0 {
			name += " (pooling " + m.opts.pooling.String() + ")"
		}
		if m.opts.pooler {
			name += " (BERT pooler)"
		}
		if m.opts.task != "" {
			name += " (task " + m.opts.task + ")"
		}
		m.id = embed.Identity{Model: name, Revision: rev, Dim: m.dim, Normalized: m.normalized,
			Prompt: m.prompt.text, QueryPrompt: m.queryPrompt.text, DocumentPrompt: m.docPrompt.text}
	})
	return m.id
}

func (m *Model) contentHash() string {
	h := sha256.New()
	for _, p := range m.files {
		f, _, err := openRegular(p)
		if err != nil {
			io.WriteString(h, "missing:"+p)
			continue
		}
		_, _ = io.Copy(h, f)
		f.Close()
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// prepare applies sentence-transformers' text preparation: strip, then
// lower-case when sentence_bert_config.json says do_lower_case.
func (m *Model) prepare(text string) string {
	text = pyStrip(text)
	if m.lower {
		text = strings.ToLower(text)
	}
	return text
}

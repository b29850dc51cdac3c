// querydoc_test.go checks WithPrompts, EncodeQueries, EncodeDocuments and
// IdentityOf with small encoders that record what they were asked to
// encode.

package embed_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
)

// recorder encodes every text as its length and records the texts.
type recorder struct {
	mu    sync.Mutex
	texts []string
	id    *embed.Identity
}

func (r *recorder) Encode(_ context.Context, texts []string) ([][]float32, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([][]float32, len(texts))
	for i, t := range texts {
		r.texts = append(r.texts, t)
		out[i] = []float32{float32(len(t)), 1}
	}
	return out, nil
}

func (r *recorder) Dim() int { return 2 }

// identified is a recorder with an identity.
type identified struct{ *recorder }

func (e identified) Identity() embed.Identity { return *e.id }

// prompter is a recorder that applies prompts itself, marking them.
type prompter struct{ *recorder }

func (p prompter) EncodePrompted(ctx context.Context, prompt string, texts []string) ([][]float32, error) {
	in := make([]string, len(texts))
	for i, t := range texts {
		in[i] = "<" + prompt + ">" + t
	}
	return p.Encode(ctx, in)
}

func TestWithPrompts(t *testing.T) {
	ctx := context.Background()
	r := &recorder{}
	e5, err := embed.WithPrompts(r, "query: ", "passage: ")
	if err != nil {
		t.Fatal(err)
	}
	e5.EncodeQueries(ctx, []string{"a"})
	e5.EncodeDocuments(ctx, []string{"b", "c"})
	e5.Encode(ctx, []string{"d"})
	embed.EncodeQueries(ctx, e5, []string{"e"})
	embed.EncodeDocuments(ctx, e5, []string{"f"})
	embed.EncodeQueries(ctx, r, []string{"g"}) // not a QueryDocumentEncoder: Encode
	embed.EncodeDocuments(ctx, r, []string{"h"})
	want := []string{"query: a", "passage: b", "passage: c", "d", "query: e", "passage: f", "g", "h"}
	if !reflect.DeepEqual(r.texts, want) {
		t.Errorf("encoded %q, want %q", r.texts, want)
	}
	id := e5.(embed.Identifier).Identity()
	if want := (embed.Identity{Model: "*embed_test.recorder", Dim: 2, QueryPrompt: "query: ", DocumentPrompt: "passage: "}); id != want {
		t.Errorf("identity %+v, want %+v", id, want)
	}
	if e5.Dim() != 2 {
		t.Error("Dim")
	}

	// An encoder that applies prompts itself gets them through EncodePrompted;
	// an empty prompt is plain Encode.
	p := prompter{&recorder{}}
	qd, err := embed.WithPrompts(p, "q", "")
	if err != nil {
		t.Fatal(err)
	}
	qd.EncodeQueries(ctx, []string{"x"})
	qd.EncodeDocuments(ctx, []string{"y"})
	if want := []string{"<q>x", "y"}; !reflect.DeepEqual(p.texts, want) {
		t.Errorf("prompter encoded %q, want %q", p.texts, want)
	}

	// Refused: no encoder, invalid UTF-8, and an encoder with prompts of
	// its own, including one WithPrompts made.
	for name, enc := range map[string]embed.Encoder{
		"prompt":          identified{&recorder{id: &embed.Identity{Model: "m", Dim: 2, Prompt: "p"}}},
		"query prompt":    identified{&recorder{id: &embed.Identity{Model: "m", Dim: 2, QueryPrompt: "q"}}},
		"document prompt": identified{&recorder{id: &embed.Identity{Model: "m", Dim: 2, DocumentPrompt: "d"}}},
		"WithPrompts":     e5,
	} {
		if _, err := embed.WithPrompts(enc, "a", "b"); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("%s: %v, want errs.ErrInvalidOption", name, err)
		}
	}
	if _, err := embed.WithPrompts(nil, "a", "b"); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("nil encoder: %v", err)
	}
	if _, err := embed.WithPrompts(r, "a\xff", "b"); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("invalid UTF-8: %v", err)
	}
	// An identified encoder keeps its identity.
	own := identified{&recorder{id: &embed.Identity{Model: "m", Revision: "r", Dim: 2, Normalized: true}}}
	qd, err = embed.WithPrompts(own, "q", "d")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := qd.(embed.Identifier).Identity(), (embed.Identity{Model: "m", Revision: "r", Dim: 2, Normalized: true, QueryPrompt: "q", DocumentPrompt: "d"}); got != want {
		t.Errorf("identity %+v, want %+v", got, want)
	}
}

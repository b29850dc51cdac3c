// This file tests that nothing that is not valid UTF-8 reaches a saved
// collection (whose strings Load requires to be valid UTF-8): Add rejects
// such document texts, IDs and metadata up front, NewCollection such
// prompts and encoder identities, so that every file Save writes, Load
// reads.

package ganada_test

import (
	"bytes"
	"errors"
	"github.com/ganada/ganada/errs"
	"reflect"
	"strings"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
)

func TestAddRejectsInvalidUTF8Text(t *testing.T) {
	for _, kind := range kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			c, err := ganada.NewCollection(byteEncoder{dim: 8}, withIndex(kind))
			if err != nil {
				t.Fatal(err)
			}
			valid := []ganada.Document{
				{ID: "ko", Text: "한국어 문장"},
				{ID: "emoji", Text: "smile 🙂", Metadata: map[string]string{"λ": "값"}},
				{ID: "replacement", Text: "already replaced \uFFFD"},
				{ID: "empty", Text: ""},
			}
			if err := c.Add(ctx, valid...); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, c)
			for _, text := range []string{"bad \xff text", "cut \xed\x95", "\xed\xa0\x80 surrogate", "\xc0\xaf overlong"} {
				err := c.Add(ctx, ganada.Document{ID: "fine", Text: "fine"}, ganada.Document{ID: "bad-text", Text: text})
				if !errors.Is(err, errs.ErrInvalidInput) {
					t.Fatalf("text %q: err = %v, want errs.ErrInvalidInput", text, err)
				}
				if !strings.Contains(err.Error(), `"bad-text"`) {
					t.Errorf("error %q does not name the document", err)
				}
				if got := snapshot(t, c); !reflect.DeepEqual(got, before) {
					t.Fatalf("text %q: a failed Add changed the collection", text)
				}
			}
			l, err := ganada.Load(ctx, saveTemp(t, c), byteEncoder{dim: 8})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(snapshot(t, l), before) {
				t.Fatal("documents differ after a round trip")
			}
		})
	}
}

// FuzzAddSaveRead checks the invariant behind the UTF-8 checks: whatever
// Add accepts, WriteTo writes and Read reads back unchanged.
func FuzzAddSaveRead(f *testing.F) {
	f.Add("id", "text", "key", "value")
	f.Add("id", "bad \xff text", "key", "value")
	f.Add("id\xfe", "text", "key", "value")
	f.Add("id", "text", "k\xc3", "value")
	f.Add("id", "text", "key", "\xed\xa0\x80")
	f.Add("한", "", "", "🙂")
	f.Fuzz(func(t *testing.T, id, text, key, value string) {
		enc := byteEncoder{dim: 8}
		c, err := ganada.NewCollection(enc, ganada.WithFlat())
		if err != nil {
			t.Fatal(err)
		}
		doc := ganada.Document{ID: id, Text: text, Metadata: map[string]string{key: value}}
		if err := c.Add(ctx, doc); err != nil {
			if !errors.Is(err, errs.ErrInvalidInput) {
				t.Fatalf("Add: %v, want errs.ErrInvalidInput or success", err)
			}
			if c.Len() != 0 {
				t.Fatal("a failed Add changed the collection")
			}
			return
		}
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		l, err := ganada.Read(ctx, &buf, enc)
		if err != nil {
			t.Fatalf("Read of a collection Add accepted %+v: %v", doc, err)
		}
		if got, ok := l.Get(id); !ok || !reflect.DeepEqual(got, doc) {
			t.Fatalf("after a round trip: %+v, want %+v", got, doc)
		}
	})
}

func TestPromptsAndIdentityMustBeUTF8(t *testing.T) {
	for _, id := range []embed.Identity{
		{Model: "model\xff", Dim: 8},
		{Model: "model", Revision: "\xfe", Dim: 8},
		{Model: "model", Dim: 8, Prompt: "query\xe2\x82: "},
	} {
		_, err := ganada.NewCollection(byteEncoder{dim: 8, identity: id})
		if !errors.Is(err, errs.ErrInvalidInput) || !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("identity %+v: err = %v, want errs.ErrInvalidInput naming UTF-8", id, err)
		}
	}
	for _, p := range [][2]string{{"q\xff: ", ""}, {"", "\xc3"}} {
		if _, err := embed.WithPrompts(byteEncoder{dim: 8}, p[0], p[1]); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("prompts %q not valid UTF-8: err = %v, want errs.ErrInvalidOption", p, err)
		}
	}
	// Valid non-ASCII prompts and identities round-trip.
	base := byteEncoder{dim: 8, identity: embed.Identity{Model: "모델", Revision: "révision", Dim: 8}}
	enc, err := embed.WithPrompts(base, "질의: ", "문서: ")
	if err != nil {
		t.Fatal(err)
	}
	id := embed.Identity{Model: "모델", Revision: "révision", Dim: 8, QueryPrompt: "질의: ", DocumentPrompt: "문서: "}
	c, err := ganada.NewCollection(enc)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Add(ctx, ganada.Document{ID: "a", Text: "가"}); err != nil {
		t.Fatal(err)
	}
	l, err := ganada.Load(ctx, saveTemp(t, c), enc)
	if err != nil {
		t.Fatal(err)
	}
	if l.Identity() != id {
		t.Fatalf("identity after a round trip: %+v", l.Identity())
	}
}

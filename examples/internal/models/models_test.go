// This file tests how -model values are dispatched to loaders, E5 prompt
// detection, and the advice given when a hub model cannot be downloaded.

package models

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/embed/transformer"
)

var ctx = context.Background()

func TestDefaultIsEmbeddedGloVe(t *testing.T) {
	m, err := Load(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Static == nil || m.Identity() != m.Static.Identity() || m.Identity().Model != glove.Default || m.Dim() != 100 || m.Tokenizer != nil {
		t.Fatalf("default model: %+v", m)
	}
}

func TestWordVectorFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vecs.txt")
	if err := os.WriteFile(path, []byte("cat 1 0 0\ndog 0.9 0.1 0\ncar 0 0 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Load(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Static == nil || m.Dim() != 3 {
		t.Fatalf("word-vector file: %+v", m)
	}
	v, err := m.Encode(ctx, []string{"cat"})
	if err != nil || v[0][0] != 1 {
		t.Fatalf("cat → %v, %v (normalised)", v, err)
	}
}

func TestTransformerFolder(t *testing.T) {
	const dir = "../../../../shared/fixtures/models/tiny-bert"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("fixture ../shared/fixtures/models/tiny-bert not present")
	}
	m, err := Load(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if tm, ok := m.Encoder.(*transformer.Model); !ok || m.Identity() != tm.Identity() || m.Tokenizer == nil || m.MaxTokens != 128 || m.Dim() != 32 {
		t.Fatalf("tiny-bert: %+v", m)
	}
	if m.QueryPrompt != "" || m.DocPrompt != "" {
		t.Fatal("tiny-bert has no prompts")
	}
	e5, err := Load(ctx, dir, "query: |passage: ")
	if err != nil {
		t.Fatal(err)
	}
	if id := e5.Identity(); e5.QueryPrompt != "query: " || e5.DocPrompt != "passage: " || id.QueryPrompt != "query: " || id.DocumentPrompt != "passage: " {
		t.Fatalf("-prompts: %+v, identity %+v", e5, id)
	}
	if _, err := Load(ctx, dir, "query: "); err == nil {
		t.Fatal("-prompts without |: no error")
	}
}

func TestBadSpecs(t *testing.T) {
	for _, spec := range []string{"./no/such/file.txt", "not a model", "../x"} {
		if _, err := Load(ctx, spec, ""); err == nil || !strings.Contains(err.Error(), "no such file or folder") {
			t.Errorf("%q: %v", spec, err)
		}
	}
	// A folder that is neither a transformer nor a Model2Vec model.
	if _, err := Load(ctx, t.TempDir(), ""); err == nil || IsHint(err) {
		t.Errorf("empty folder: %v", err)
	}
}

func TestUnreachableHubGivesAdvice(t *testing.T) {
	// A port nobody listens on: the download fails at once, offline or not.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no loopback networking")
	}
	addr := l.Addr().String()
	l.Close()
	t.Setenv("HF_ENDPOINT", "http://"+addr)
	t.Setenv("HF_HUB_CACHE", t.TempDir())
	t.Setenv("HF_HUB_OFFLINE", "")
	_, err = Load(ctx, "intfloat/multilingual-e5-small", "")
	if err == nil || !IsHint(err) {
		t.Fatalf("err = %v, want a HintError", err)
	}
	for _, want := range []string{"intfloat/multilingual-e5-small", "network access", "-model DIR", "git clone https://huggingface.co/intfloat/multilingual-e5-small"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("advice lacks %q:\n%v", want, err)
		}
	}
}

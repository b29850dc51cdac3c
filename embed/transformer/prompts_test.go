// prompts_test.go checks embed.WithPrompts over a Model: it refuses a
// model with prompts of its own, goes through EncodePrompted so that
// include_prompt false leaves the prompt's tokens out, and runs
// concurrently with the Model until it is closed.

package transformer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

func TestWithPrompts(t *testing.T) {
	texts := []string{"How do I reset my password?", "  spaced  ", "", "Reset it from the login page."}

	prompted := copyDir(t, filepath.Join("testdata", "tiny-bert"))
	os.WriteFile(filepath.Join(prompted, "config_sentence_transformers.json"),
		[]byte(`{"prompts": {"query": "query: "}}`), 0o644)
	if _, err := embed.WithPrompts(mustLoad(t, prompted), "query: ", "passage: "); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("WithPrompts over a model with a query prompt: %v, want errs.ErrInvalidOption", err)
	}

	check := func(t *testing.T, dir string) {
		m := mustLoad(t, dir)
		e5, err := embed.WithPrompts(m, "query: ", "passage: ")
		if err != nil {
			t.Fatal(err)
		}
		id := e5.(embed.Identifier).Identity()
		want := m.Identity()
		want.QueryPrompt, want.DocumentPrompt = "query: ", "passage: "
		if id != want || e5.Dim() != m.Dim() {
			t.Errorf("identity %+v, want %+v", id, want)
		}
		if _, err := embed.WithPrompts(e5, "a", "b"); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("WithPrompts twice: %v, want errs.ErrInvalidOption", err)
		}
		for _, c := range []struct {
			name   string
			f      func(context.Context, []string) ([][]float32, error)
			prompt string
		}{{"EncodeQueries", e5.EncodeQueries, "query: "}, {"EncodeDocuments", e5.EncodeDocuments, "passage: "}, {"Encode", e5.Encode, ""}} {
			got, err := c.f(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := m.EncodePrompted(context.Background(), c.prompt, texts)
			if err != nil {
				t.Fatal(err)
			}
			for i := range texts {
				if !slices.Equal(got[i], ref[i]) {
					t.Errorf("%s of %q: differs from EncodePrompted(%q) by %g", c.name, texts[i], c.prompt, testutil.MaxAbsDiff(got[i], ref[i]))
				}
			}
		}

		// Queries, documents and the plain model, concurrently.
		wantQ, _ := e5.EncodeQueries(context.Background(), texts)
		wantD, _ := e5.EncodeDocuments(context.Background(), texts)
		wantM, _ := m.Encode(context.Background(), texts)
		var wg sync.WaitGroup
		for g := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f, want := e5.EncodeQueries, wantQ
				switch g % 3 {
				case 1:
					f, want = e5.EncodeDocuments, wantD
				case 2:
					f, want = m.Encode, wantM
				}
				for range 3 {
					got, err := f(context.Background(), texts)
					if err != nil {
						t.Error(err)
						return
					}
					for i := range got {
						if !slices.Equal(got[i], want[i]) {
							t.Errorf("goroutine %d: text %d differs", g, i)
							return
						}
					}
				}
			}()
		}
		wg.Wait()

		m.Close()
		if _, err := e5.EncodeQueries(context.Background(), texts); !errors.Is(err, errs.ErrClosed) {
			t.Errorf("after Close: %v, want errs.ErrClosed", err)
		}
	}
	dir := copyDir(t, filepath.Join("testdata", "tiny-bert"))
	t.Run("include_prompt", func(t *testing.T) { check(t, dir) })
	// Pooling that leaves the prompt's tokens out ([CLS] query :): the
	// wrapper must go through EncodePrompted, not prefix the text.
	os.WriteFile(filepath.Join(dir, "1_Pooling", "config.json"), []byte(`{"word_embedding_dimension": 32,
		"pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": false,
		"pooling_mode_mean_sqrt_len_tokens": false, "pooling_mode_weightedmean_tokens": false,
		"pooling_mode_lasttoken": false, "include_prompt": false}`), 0o644)
	t.Run("exclude_prompt", func(t *testing.T) {
		check(t, dir)
		m := mustLoad(t, dir)
		e5, _ := embed.WithPrompts(m, "query: ", "passage: ")
		got, _ := e5.EncodeQueries(context.Background(), texts[:1])
		naive := mustEncode(t, m, []string{"query: " + texts[0]})
		if slices.Equal(got[0], naive[0]) {
			t.Error("include_prompt false: the prompt's tokens were pooled")
		}
	})
}

// prompted_test.go checks that a Prompted view of one Model encodes exactly
// as a Model loaded with the same prompt, alone and concurrently.

package transformer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

func TestPrompted(t *testing.T) {
	dir := copyDir(t, filepath.Join("testdata", "tiny-bert"))
	os.WriteFile(filepath.Join(dir, "config_sentence_transformers.json"),
		[]byte(`{"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": null}`), 0o644)
	texts := []string{"How do I reset my password?", "  spaced  ", "", "Reset it from the login page."}

	check := func(t *testing.T) {
		base := mustLoad(t, dir)
		q, err := base.Prompted("query: ")
		if err != nil {
			t.Fatal(err)
		}
		p, err := base.PromptedName("passage")
		if err != nil {
			t.Fatal(err)
		}
		none, err := base.Prompted("")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			view *Prompted
			ref  *Model
		}{
			{q, mustLoad(t, dir, WithPrompt("query: "))},
			{p, mustLoad(t, dir, WithPromptName("passage"))},
			{none, base},
		} {
			if tc.view.Prompt() != tc.ref.Prompt() || tc.view.Identity() != tc.ref.Identity() {
				t.Errorf("view %q: identity %+v, want %+v", tc.view.Prompt(), tc.view.Identity(), tc.ref.Identity())
			}
			if tc.view.pr.tokens != tc.ref.prompt.tokens {
				t.Errorf("view %q: %d prompt tokens, want %d", tc.view.Prompt(), tc.view.pr.tokens, tc.ref.prompt.tokens)
			}
			got, err := tc.view.Encode(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			want := mustEncode(t, tc.ref, texts)
			for i := range texts {
				if !slices.Equal(got[i], want[i]) {
					t.Errorf("view %q, text %q: differs from the model loaded with the prompt by %g", tc.view.Prompt(), texts[i], testutil.MaxAbsDiff(got[i], want[i]))
				}
			}
			toks, err := tc.view.EncodeTokens(context.Background(), texts[:1])
			if err != nil {
				t.Fatal(err)
			}
			wantToks, err := tc.ref.EncodeTokens(context.Background(), texts[:1])
			if err != nil {
				t.Fatal(err)
			}
			if len(toks[0]) != len(wantToks[0]) || !slices.Equal(toks[0][1], wantToks[0][1]) {
				t.Errorf("view %q: token states differ", tc.view.Prompt())
			}
		}
		if q.Dim() != base.Dim() || q.Model() != base {
			t.Error("Dim or Model of the view")
		}
		if _, err := base.PromptedName("nope"); err == nil {
			t.Error("unknown prompt name: no error")
		}

		// The views and the model run concurrently, each with its prompt.
		wantQ, _ := q.Encode(context.Background(), texts)
		wantP, _ := p.Encode(context.Background(), texts)
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				enc, want := q, wantQ
				if g%2 == 1 {
					enc, want = p, wantP
				}
				for range 3 {
					got, err := enc.Encode(context.Background(), texts)
					if err != nil {
						t.Error(err)
						return
					}
					for i := range got {
						if !slices.Equal(got[i], want[i]) {
							t.Errorf("concurrent %q: text %d differs", enc.Prompt(), i)
							return
						}
					}
				}
			}(g)
		}
		wg.Wait()

		base.Close()
		if _, err := q.Encode(context.Background(), texts); !errors.Is(err, errs.ErrClosed) {
			t.Errorf("after Close: %v, want errs.ErrClosed", err)
		}
	}
	t.Run("include_prompt", check)
	// Pooling that leaves the prompt's tokens out ([CLS] query :).
	os.WriteFile(filepath.Join(dir, "1_Pooling", "config.json"), []byte(`{"word_embedding_dimension": 32,
		"pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": false,
		"pooling_mode_mean_sqrt_len_tokens": false, "pooling_mode_weightedmean_tokens": false,
		"pooling_mode_lasttoken": false, "include_prompt": false}`), 0o644)
	t.Run("exclude_prompt", check)
}

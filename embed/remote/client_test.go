// client_test.go tests the shared client core against the OpenAI fake:
// retries and Retry-After, error answers (status, message, no key),
// truncated and oversized bodies, wrong shapes, timeouts, cancellation,
// the concurrency bound, and the options' checks.

package remote

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

var smallDims = map[string]int{"m": 8}

// openAITest is an OpenAI encoder of model "m" (8 dimensions) on a fake.
func openAITest(t *testing.T, opts ...Option) (*Encoder, *fake) {
	t.Helper()
	f := newFake(t, openAIFake("/v1/embeddings", smallDims, bearerAuth, true, ""))
	opts = append([]Option{WithAPIKey(testKey), WithBaseURL(f.URL + "/v1"), WithExpectedDim(8),
		WithRetries(3, 5*time.Millisecond, 20*time.Millisecond)}, opts...)
	enc, err := NewOpenAI("m", opts...)
	if err != nil {
		t.Fatal(err)
	}
	return enc, f
}

func TestRetryAfter(t *testing.T) {
	enc, f := openAITest(t)
	f.fail(fault{status: 429, header: map[string]string{"Retry-After": "1"},
		body: `{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}`})
	start := time.Now()
	got, err := enc.Encode(ctx, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("answered after %v: Retry-After: 1 not honoured", el)
	}
	checkVecs(t, got, []string{"a", "b"}, "m", 8)
	if f.calls.Load() != 2 || enc.Usage().Requests != 2 {
		t.Errorf("%d calls, usage %+v, want 2", f.calls.Load(), enc.Usage())
	}
	// An HTTP date in the past means no extra wait; a wait over the cap fails.
	f.fail(fault{status: 503, header: map[string]string{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, body: "overloaded"})
	if _, err := enc.Encode(ctx, []string{"c"}); err != nil {
		t.Fatal(err)
	}
	f.fail(fault{status: 429, header: map[string]string{"Retry-After": "3600"}, body: `{"error":{"message":"quota"}}`})
	_, err = enc.Encode(ctx, []string{"d"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 429 || ae.RetryAfter != time.Hour || !strings.Contains(err.Error(), "Retry-After") {
		t.Errorf("Retry-After of an hour: %v", err)
	}
}

func TestRetriesExhausted(t *testing.T) {
	enc, f := openAITest(t)
	for range 4 {
		f.fail(fault{status: 502, body: `<html>bad gateway</html>`})
	}
	_, err := enc.Encode(ctx, []string{"a"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 502 || !errors.Is(err, errs.ErrEncoder) || !strings.Contains(ae.Message, "bad gateway") {
		t.Errorf("after 4 × 502: %v", err)
	}
	if f.calls.Load() != 4 {
		t.Errorf("%d calls, want 1 + 3 retries", f.calls.Load())
	}
	// A 400 is not retried.
	f.calls.Store(0)
	f.fail(fault{status: 400, body: `{"error":{"message":"'$.input' is invalid.","type":"invalid_request_error"}}`})
	_, err = enc.Encode(ctx, []string{"a"})
	if !errors.Is(err, errs.ErrInvalidInput) || f.calls.Load() != 1 || !strings.Contains(err.Error(), "'$.input' is invalid.") || !strings.Contains(err.Error(), "HTTP 400") {
		t.Errorf("400: %v after %d calls", err, f.calls.Load())
	}
}

func TestErrorHidesKey(t *testing.T) {
	f := newFake(t, openAIFake("/v1/embeddings", smallDims, bearerAuth, true, ""))
	wrong := "sk-wrong-key-that-must-not-leak-42"
	enc, err := NewOpenAI("m", WithAPIKey(wrong), WithBaseURL(f.URL+"/v1"), WithExpectedDim(8))
	if err != nil {
		t.Fatal(err)
	}
	_, err = enc.Encode(ctx, []string{"a"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatalf("wrong key: %v", err)
	}
	if strings.Contains(err.Error(), wrong) || strings.Contains(fmt.Sprintf("%+v %#v", err, ae), wrong) {
		t.Errorf("the key leaks into the error: %v", err)
	}
	if !strings.Contains(err.Error(), "Incorrect API key provided: [redacted]") {
		t.Errorf("error %q: want the provider's message with the key cut out", err)
	}
	// A connection error names the URL, never the key.
	enc, _ = NewOpenAI("m", WithAPIKey(wrong), WithBaseURL("http://127.0.0.1:1/v1"), WithExpectedDim(8), WithRetries(0, time.Millisecond, time.Millisecond))
	_, err = enc.Encode(ctx, []string{"a"})
	if err == nil || strings.Contains(err.Error(), wrong) || !errors.Is(err, errs.ErrEncoder) {
		t.Errorf("connection refused: %v", err)
	}
	// Option errors do not show the key either.
	if _, err := NewOpenAI("m", WithAPIKey("sk-line\nbreak")); err == nil || strings.Contains(err.Error(), "sk-line") {
		t.Errorf("bad key option: %v", err)
	}
	// No key at all names the environment variable.
	t.Setenv("OPENAI_API_KEY", "")
	if _, err := NewOpenAI("m"); !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), "OPENAI_API_KEY") {
		t.Errorf("no key: %v", err)
	}
}

func TestMalformedResponses(t *testing.T) {
	cases := []struct {
		name   string
		mutate func([][]float32) [][]float32
		want   error
	}{
		{"wrong dimension", func(v [][]float32) [][]float32 { v[0] = v[0][:7]; return v }, errs.ErrEncoder},
		{"too few vectors", func(v [][]float32) [][]float32 { return v[:len(v)-1] }, errs.ErrEncoder},
		{"NaN", func(v [][]float32) [][]float32 { v[1][3] = float32(math.NaN()); return v }, errs.ErrNonFinite},
		{"Inf", func(v [][]float32) [][]float32 { v[1][3] = float32(math.Inf(-1)); return v }, errs.ErrNonFinite},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			enc, f := openAITest(t) // base64: NaN and Inf travel
			f.mutate = c.mutate
			_, err := enc.Encode(ctx, []string{"a", "b", "c"})
			if !errors.Is(err, c.want) {
				t.Errorf("%v, want %v", err, c.want)
			}
		})
	}
	t.Run("truncated JSON", func(t *testing.T) {
		enc, f := openAITest(t)
		f.fail(fault{status: 200, body: `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2`})
		_, err := enc.Encode(ctx, []string{"a"})
		if !errors.Is(err, errs.ErrCorrupt) || f.calls.Load() != 1 {
			t.Errorf("%v after %d calls, want ErrCorrupt, no retry", err, f.calls.Load())
		}
	})
	t.Run("cut connection", func(t *testing.T) {
		enc, f := openAITest(t)
		f.fail(fault{cutBody: true})
		got, err := enc.Encode(ctx, []string{"a"}) // retried
		if err != nil || f.calls.Load() != 2 {
			t.Fatalf("%v after %d calls, want a retry that succeeds", err, f.calls.Load())
		}
		checkVecs(t, got, []string{"a"}, "m", 8)
		for range 4 {
			f.fail(fault{cutBody: true})
		}
		if _, err := enc.Encode(ctx, []string{"a"}); !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("always cut: %v, want ErrCorrupt", err)
		}
	})
	t.Run("repeated index", func(t *testing.T) {
		enc, f := openAITest(t, WithBase64(false))
		f.fail(fault{status: 200, body: `{"data":[{"index":0,"embedding":[1,2,3,4,5,6,7,8]},{"index":0,"embedding":[1,2,3,4,5,6,7,8]}]}`})
		if _, err := enc.Encode(ctx, []string{"a", "b"}); !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("%v, want ErrCorrupt", err)
		}
	})
	t.Run("huge number", func(t *testing.T) {
		enc, f := openAITest(t, WithBase64(false))
		f.fail(fault{status: 200, body: `{"data":[{"index":0,"embedding":[1e300,2,3,4,5,6,7,8]}]}`})
		if _, err := enc.Encode(ctx, []string{"a"}); !errors.Is(err, errs.ErrNonFinite) {
			t.Errorf("%v, want ErrNonFinite", err)
		}
	})
	t.Run("oversized", func(t *testing.T) {
		enc, f := openAITest(t, WithBase64(false))
		f.fail(fault{status: 200, body: `{"data":[],"pad":"` + strings.Repeat("x", 1<<20) + `"}`})
		_, err := enc.Encode(ctx, []string{"a"})
		if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), "larger than") {
			t.Errorf("%v, want ErrCorrupt for a body over the limit", err)
		}
	})
}

func TestTimeoutAndCancel(t *testing.T) {
	t.Run("client timeout is retried, then fails", func(t *testing.T) {
		enc, f := openAITest(t, WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}), WithRetries(1, time.Millisecond, time.Millisecond))
		f.delay = 2 * time.Second
		start := time.Now()
		_, err := enc.Encode(ctx, []string{"a"})
		if err == nil || !errors.Is(err, errs.ErrEncoder) || errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			t.Errorf("timeout: %v", err)
		}
		if el := time.Since(start); el > time.Second || f.calls.Load() != 2 {
			t.Errorf("%v and %d calls: want two quick timeouts", el, f.calls.Load())
		}
	})
	t.Run("context deadline", func(t *testing.T) {
		enc, f := openAITest(t)
		f.delay = 2 * time.Second
		c, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := enc.Encode(c, texts(50))
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
			t.Errorf("%v after %v", err, time.Since(start))
		}
	})
	t.Run("cancel during Retry-After", func(t *testing.T) {
		enc, f := openAITest(t)
		f.fail(fault{status: 429, header: map[string]string{"Retry-After": "30"}, body: `{}`})
		c, cancel := context.WithCancel(ctx)
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, err := enc.Encode(c, []string{"a"})
		if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
			t.Errorf("%v after %v", err, time.Since(start))
		}
	})
	t.Run("cancelled before", func(t *testing.T) {
		enc, f := openAITest(t)
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := enc.Encode(c, []string{"a"}); !errors.Is(err, context.Canceled) || f.calls.Load() != 0 {
			t.Errorf("%v, %d calls", err, f.calls.Load())
		}
	})
}

// TestConcurrencyBound runs many callers at once, beside a CPU burner, and
// checks the server never sees more requests in flight than the bound and
// every caller gets its own vectors.
func TestConcurrencyBound(t *testing.T) {
	testutil.BurnCPU(t)
	enc, f := openAITest(t, WithConcurrency(3), WithBatchSize(4))
	f.delay = 2 * time.Millisecond
	callers := 16
	if testing.Short() {
		callers = 6
	}
	var wg sync.WaitGroup
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := make([]string, 37)
			for i := range in {
				in[i] = fmt.Sprintf("caller %d text %d", c, i)
			}
			got, err := enc.EncodeDocuments(ctx, in)
			if err != nil {
				t.Error(err)
				return
			}
			for i := range in {
				want := fakeVec(in[i], "m", 8)
				for j := range want {
					if got[i][j] != want[j] {
						t.Errorf("caller %d text %d: wrong vector", c, i)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if p := f.peak.Load(); p > 3 {
		t.Errorf("%d requests in flight at once, bound 3", p)
	}
	if want := int64(callers * 10); f.calls.Load() != want {
		t.Errorf("%d requests, want %d (37 texts in batches of 4 per caller)", f.calls.Load(), want)
	}
}

func TestOptions(t *testing.T) {
	bad := []struct {
		opt  Option
		name string
	}{
		{WithAPIKey(""), "WithAPIKey"},
		{WithBaseURL("ftp://x"), "WithBaseURL"},
		{WithBaseURL("not a url"), "WithBaseURL"},
		{WithHTTPClient(nil), "WithHTTPClient"},
		{WithDimensions(0), "WithDimensions"},
		{WithExpectedDim(-1), "WithExpectedDim"},
		{WithRetries(-1, time.Second, time.Second), "WithRetries"},
		{WithRetries(1, time.Second, time.Millisecond), "WithRetries"},
		{WithConcurrency(0), "WithConcurrency"},
		{WithBatchSize(0), "WithBatchSize"},
		{WithBatchTokens(0), "WithBatchTokens"},
		{WithTokenCounter(nil), "WithTokenCounter"},
		{WithUsage(nil), "WithUsage"},
		{WithHeader("Authorization", "x"), "WithHeader"},
		{WithHeader("X-A", "a\nb"), "WithHeader"},
		{WithEmbeddingType("float16"), "WithEmbeddingType"},
		{WithTask(""), "WithTask"},
		{WithLateChunking(true), "WithLateChunking"}, // not OpenAI's
	}
	for _, b := range bad {
		_, err := NewOpenAI("text-embedding-3-small", WithAPIKey(testKey), b.opt)
		if !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), b.name) {
			t.Errorf("%s: %v, want ErrInvalidOption naming it", b.name, err)
		}
	}
	if _, err := NewOpenAI("text-embedding-3-small", WithAPIKey(testKey), nil); err != nil {
		t.Errorf("nil option: %v", err)
	}
	if _, err := NewCohere("embed-v4.0", WithAPIKey(testKey), WithEmbeddingType("binary"), WithDimensions(300)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("binary of 300 dimensions: %v", err)
	}
	for _, m := range []string{"", "a?b", "x\ny"} {
		if _, err := NewOpenAI(m, WithAPIKey(testKey)); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("model %q: %v", m, err)
		}
	}
	enc, f := openAITest(t, WithHeader("OpenAI-Project", "proj_1"))
	if _, err := enc.Encode(ctx, []string{"a", "\xff"}); !errors.Is(err, errs.ErrInvalidInput) || f.calls.Load() != 0 {
		t.Errorf("invalid UTF-8: %v", err)
	}
	if _, err := enc.Encode(ctx, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if h := f.requestHeaders()[0]; h.Get("Openai-Project") != "proj_1" || h.Get("Authorization") != "Bearer "+testKey || h.Get("Content-Type") != "application/json" {
		t.Errorf("request headers %v", h)
	}
	if got, err := enc.Encode(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no texts: %v %v", got, err)
	}
}

func TestBatchesAndTokenCounter(t *testing.T) {
	enc, err := NewVoyage("voyage-3-large", WithAPIKey(testKey), WithBatchTokens(100), WithTokenCounter(func(s string) int { return len(strings.Fields(s)) }))
	if err != nil {
		t.Fatal(err)
	}
	in := []string{strings.Repeat("w ", 60), strings.Repeat("w ", 30), strings.Repeat("w ", 20), strings.Repeat("w ", 500), "w"}
	got := enc.batches(in)
	want := []span{{0, 2}, {2, 3}, {3, 4}, {4, 5}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("batches %v, want %v", got, want)
	}
}

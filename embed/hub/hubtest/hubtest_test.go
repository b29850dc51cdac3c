// This file shows a Hub serving package hub's client and checks its
// answers: revisions, quoted revision names, absent files, LFS redirects,
// Range requests, and the misbehaviours it can be told.

package hubtest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/embed/hub/hubtest"
	"github.com/ganada/ganada/errs"
)

// Download a file of a fake repository with package hub, then again from
// the cache.
func Example() {
	h := hubtest.New("org/model", hubtest.Commit, map[string][]byte{
		"config.json":       []byte(`{"model_type":"bert"}`),
		"model.safetensors": make([]byte, 1000),
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	cache, err := os.MkdirTemp("", "hubtest")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(cache)

	c, err := hub.New(hub.WithEndpoint(srv.URL), hub.WithCacheDir(cache), hub.WithOffline(false))
	if err != nil {
		panic(err)
	}
	r, err := c.Repo("org/model", "main")
	if err != nil {
		panic(err)
	}
	for range 2 {
		p, err := r.File(context.Background(), "config.json")
		if err != nil {
			panic(err)
		}
		b, _ := os.ReadFile(p)
		fmt.Println(string(b), h.Gets("config.json"))
	}
	_, err = r.File(context.Background(), "pytorch_model.bin")
	fmt.Println(errors.Is(err, errs.ErrNotFound))
	// Output:
	// {"model_type":"bert"} 1
	// {"model_type":"bert"} 1
	// true
}

func do(t *testing.T, method, url, rg string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if rg != "" {
		req.Header.Set("Range", rg)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestAnswers(t *testing.T) {
	big := []byte(strings.Repeat("0123456789", 10))
	h := hubtest.New("org/m", hubtest.Commit, map[string][]byte{"a/config.json": []byte("{}"), "w.safetensors": big})
	h.Revisions = []string{"main", "refs/pr/1"}
	srv := h.Start(t)
	base := srv.URL + "/org/m/resolve/"
	for _, tc := range []struct {
		url, code string
		status    int
	}{
		{base + "main/a/config.json", "", 200},
		{base + hubtest.Commit + "/a/config.json", "", 200},
		{base + "refs%2Fpr%2F1/a/config.json", "", 200},
		{base + "v2/a/config.json", "RevisionNotFound", 404},
		{base + "main/b.json", "EntryNotFound", 404},
		{srv.URL + "/org/other/resolve/main/a/config.json", "RepoNotFound", 404},
		{base + "main/w.safetensors", "", 302},
	} {
		resp := do(t, http.MethodHead, tc.url, "")
		if resp.StatusCode != tc.status || resp.Header.Get("X-Error-Code") != tc.code {
			t.Errorf("%s: %d %q", tc.url, resp.StatusCode, resp.Header.Get("X-Error-Code"))
		}
		if tc.status < 400 && resp.Header.Get("X-Repo-Commit") != hubtest.Commit {
			t.Errorf("%s: X-Repo-Commit %q", tc.url, resp.Header.Get("X-Repo-Commit"))
		}
	}
	resp := do(t, http.MethodHead, base+"main/w.safetensors", "")
	if resp.Header.Get("X-Linked-Etag") != `"`+hubtest.SHA256(big)+`"` || resp.Header.Get("X-Linked-Size") != "100" ||
		!strings.HasSuffix(resp.Header.Get("Location"), "/cdn/w.safetensors") || h.ETag("w.safetensors") != hubtest.SHA256(big) {
		t.Errorf("LFS headers %v", resp.Header)
	}
	if got := do(t, http.MethodHead, base+"main/a/config.json", "").Header.Get("ETag"); got != `"`+hubtest.GitBlobID([]byte("{}"))+`"` {
		t.Errorf("ETag %s", got)
	}
	resp = do(t, http.MethodGet, srv.URL+"/cdn/w.safetensors", "bytes=90-")
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 206 || string(b) != "0123456789" || resp.Header.Get("Content-Range") != "bytes 90-99/100" {
		t.Errorf("Range: %d %q %q", resp.StatusCode, b, resp.Header.Get("Content-Range"))
	}
	if resp := do(t, http.MethodGet, srv.URL+"/cdn/w.safetensors", "bytes=101-"); resp.StatusCode != 416 {
		t.Errorf("Range past the end: %d", resp.StatusCode)
	}
	if r := h.Ranges(); len(r) != 2 || r[0] != "w.safetensors bytes=90-" {
		t.Errorf("Ranges %q", r)
	}

	h.FailGets("w.safetensors", hubtest.Failure{Status: 429, RetryAfter: "7"})
	if resp := do(t, http.MethodGet, srv.URL+"/cdn/w.safetensors", ""); resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("FailGets: %d %v", resp.StatusCode, resp.Header)
	}
	h.Corrupt("w.safetensors", true)
	if b, _ := io.ReadAll(do(t, http.MethodGet, srv.URL+"/cdn/w.safetensors", "").Body); string(b) == string(big) || len(b) != len(big) {
		t.Error("Corrupt: body unchanged")
	}
	h.Corrupt("w.safetensors", false)
	h.DropAfter("w.safetensors", 1000) // longer than the body: all of it, then the cut
	if b, _ := io.ReadAll(do(t, http.MethodGet, srv.URL+"/cdn/w.safetensors", "").Body); string(b) != string(big) {
		t.Errorf("DropAfter: %d bytes", len(b))
	}
	if h.Gets("w.safetensors") != 5 || h.Sent("w.safetensors") != 10+100+100 {
		t.Errorf("Gets %d, Sent %d", h.Gets("w.safetensors"), h.Sent("w.safetensors"))
	}
	h.SetDown(true)
	if resp := do(t, http.MethodHead, base+"main/a/config.json", ""); resp.StatusCode != 503 {
		t.Errorf("down: %d", resp.StatusCode)
	}
	if n := h.Requests(); n != len(h.Authorizations()) || n < 10 {
		t.Errorf("Requests %d", n)
	}
}

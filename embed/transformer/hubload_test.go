// hubload_test.go loads a model by hub id from a local httptest server
// that serves the tiny-bert folder under /{repo}/resolve/{revision}/{file},
// as the Hugging Face hub does, then again offline from the cache.

package transformer

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/internal/testutil"
)

const fakeCommit = "aaaabbbbccccddddeeeeffff0000111122223333"

// serveFolder imitates the hub for one repository backed by a folder. The
// first GET of model.safetensors is cut after 1 MB. requests returns the
// number of requests served so far, of any method.
func serveFolder(t *testing.T, repo, dir string) (srv *httptest.Server, requests func() int) {
	var mu sync.Mutex
	dropped := false
	n := 0
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		rest, ok := strings.CutPrefix(r.URL.Path, "/"+repo+"/resolve/")
		if !ok {
			w.Header().Set("X-Error-Code", "RepoNotFound")
			http.Error(w, "no repo", http.StatusNotFound)
			return
		}
		_, name, _ := strings.Cut(rest, "/")
		w.Header().Set("X-Repo-Commit", fakeCommit)
		body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || strings.HasPrefix(name, "goldens/") {
			w.Header().Set("X-Error-Code", "EntryNotFound")
			http.Error(w, "no entry", http.StatusNotFound)
			return
		}
		if strings.HasSuffix(name, ".safetensors") {
			s := sha256.Sum256(body)
			w.Header().Set("X-Linked-Etag", `"`+hex.EncodeToString(s[:])+`"`)
		} else {
			h := sha1.New()
			fmt.Fprintf(h, "blob %d\x00", len(body))
			h.Write(body)
			w.Header().Set("ETag", `"`+hex.EncodeToString(h.Sum(nil))+`"`)
		}
		start := 0
		if rg := r.Header.Get("Range"); rg != "" {
			start, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"))
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(body)-1, len(body)))
			w.Header().Set("Content-Length", strconv.Itoa(len(body)-start))
			w.WriteHeader(http.StatusPartialContent)
		} else {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		}
		if r.Method != http.MethodGet {
			return
		}
		mu.Lock()
		drop := name == "model.safetensors" && !dropped
		dropped = dropped || drop
		mu.Unlock()
		if drop {
			w.Write(body[start : start+1<<20])
			w.(http.Flusher).Flush()
			if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
				c.Close()
			}
			return
		}
		w.Write(body[start:])
	}))
	t.Cleanup(srv.Close)
	return srv, func() int {
		mu.Lock()
		defer mu.Unlock()
		return n
	}
}

func TestLoadFromHub(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	srv, requests := serveFolder(t, "ganada/tiny-bert", g.dir)
	cache := t.TempDir()
	t.Setenv("HF_HUB_OFFLINE", "")
	hubOpts := WithHubOptions(hub.WithEndpoint(srv.URL), hub.WithCacheDir(cache))
	m, err := Load("ganada/tiny-bert", hubOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	id := m.Identity()
	if id.Model != "ganada/tiny-bert" || id.Revision != fakeCommit || id.Dim != 32 || !id.Normalized {
		t.Errorf("Identity %+v", id)
	}
	texts := goldenTexts(g)[:12]
	got := mustEncode(t, m, texts)
	for i, it := range g.Items[:12] {
		if d := testutil.MaxAbsDiff(got[i], it.normalized); d > 1e-5 {
			t.Errorf("item %d: diff %g", i, d)
		}
	}
	snap := filepath.Join(cache, "models--ganada--tiny-bert", "snapshots", fakeCommit)
	for _, f := range []string{"config.json", "model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json", "sentence_bert_config.json"} {
		if _, err := os.Stat(filepath.Join(snap, f)); err != nil {
			t.Errorf("not cached: %s", f)
		}
	}
	if _, err := os.Stat(filepath.Join(snap, "model.fp16.safetensors")); err == nil {
		t.Error("downloaded a file the model does not use")
	}

	// Offline: the same model from the cache, no request.
	before := requests()
	t.Setenv("HF_HUB_OFFLINE", "1")
	t.Setenv("HF_HUB_CACHE", cache)
	off, err := Load("ganada/tiny-bert")
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	if d := testutil.MaxAbsDiff(mustEncode(t, off, texts[:1])[0], got[0]); d > 1e-6 {
		t.Errorf("offline model differs by %g", d)
	}
	if requests() != before {
		t.Errorf("offline load made %d requests", requests()-before)
	}
	// The snapshot folder itself is a local model folder.
	if _, err := Load(snap); err != nil {
		t.Errorf("snapshot folder: %v", err)
	}
	// Offline and not cached: a clear error.
	if _, err := Load("ganada/other-model"); !errors.Is(err, hub.ErrOffline) {
		t.Errorf("offline uncached: %v", err)
	}
	t.Setenv("HF_HUB_OFFLINE", "")
	if _, err := Load("ganada/other-model", hubOpts); !errors.Is(err, hub.ErrRepoNotFound) {
		t.Errorf("missing repo: %v", err)
	}
	// A local folder wins over a hub id of the same spelling; a path that
	// is neither a folder nor an id fails clearly.
	if _, err := LoadContext(context.Background(), "./no/such/folder"); err == nil {
		t.Error("missing folder: no error")
	}
}

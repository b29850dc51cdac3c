// hub_test.go runs the download path against a local httptest server that
// imitates the hub's /{repo}/resolve/{revision}/{file} endpoint, with LFS
// redirects, Range requests, dropped connections, corrupted and slowed
// bodies.

package hub

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ganada/ganada/embed/hub/hubtest"
	"github.com/ganada/ganada/errs"
)

func TestMain(m *testing.M) {
	retryBase = time.Millisecond // keep retried downloads fast
	os.Exit(m.Run())
}

const (
	testRepo   = "org/tiny-model"
	testCommit = hubtest.Commit
)

// newFakeHub returns the test repository: small regular files, a 300 kB
// LFS weights file and a name that needs quoting in URLs.
func newFakeHub() *hubtest.Hub {
	big := make([]byte, 300_000)
	for i := range big {
		big[i] = byte(i*7 + i/256)
	}
	return hubtest.New(testRepo, testCommit, map[string][]byte{
		"config.json":               []byte(`{"model_type":"bert"}`),
		"1_Pooling/config.json":     []byte(`{"pooling_mode_mean_tokens":true}`),
		"model.safetensors":         big,
		"weird name+(1).json":       []byte(`{}`),
		"sentence_bert_config.json": []byte(`{"max_seq_length": 128}`),
	})
}

// failure is an error answer of the fake hub.
type failure = hubtest.Failure

// gitSHA1 and sha256hex are the hub's ETags of a regular and an LFS file.
var (
	gitSHA1   = hubtest.GitBlobID
	sha256hex = hubtest.SHA256
)

// mustNew is New for tests: a bad option fails the test.
func mustNew(tb testing.TB, opts ...Option) *Client {
	tb.Helper()
	c, err := New(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// isNotCached reports whether err is the error of a file the cache lacks
// when the network may not be used.
func isNotCached(err error) bool {
	var nc *NotCachedError
	return errors.Is(err, errs.ErrNotFound) && errors.As(err, &nc)
}

func newTestClient(t *testing.T, srv *httptest.Server, opts ...Option) (*Client, string) {
	t.Helper()
	cache := t.TempDir()
	all := append([]Option{WithEndpoint(srv.URL), WithCacheDir(cache), WithToken("secret"), WithOffline(false)}, opts...)
	return mustNew(t, all...), cache
}

func TestDownloadLayout(t *testing.T) {
	fh := newFakeHub()
	srv := httptest.NewServer(fh)
	defer srv.Close()
	c, cache := newTestClient(t, srv)
	r, err := c.Repo(testRepo, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, want := range fh.Files {
		p, err := r.File(ctx, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wantPath := filepath.Join(cache, "models--org--tiny-model", "snapshots", testCommit, filepath.FromSlash(name))
		if p != wantPath {
			t.Errorf("%s: path %s, want %s", name, p, wantPath)
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: content differs (%v)", name, err)
		}
		// A relative symlink into blobs/, named by the etag.
		target, err := os.Readlink(p)
		if err != nil {
			t.Fatalf("%s: not a symlink: %v", name, err)
		}
		etag := gitSHA1(want)
		if fh.LFS[name] {
			etag = sha256hex(want)
		}
		if filepath.IsAbs(target) || filepath.Base(target) != etag {
			t.Errorf("%s: symlink target %s, want a relative path to blobs/%s", name, target, etag)
		}
	}
	ref, err := os.ReadFile(filepath.Join(cache, "models--org--tiny-model", "refs", "main"))
	if err != nil || string(ref) != testCommit {
		t.Errorf("refs/main = %q, %v", ref, err)
	}
	if r.Commit() != testCommit {
		t.Errorf("Commit = %q", r.Commit())
	}
	auths := fh.Authorizations()
	for _, a := range auths {
		if a != "Bearer secret" {
			t.Errorf("Authorization header %q", a)
		}
	}
	// Absent file: ErrNotFound (and fs.ErrNotExist), remembered in .no_exist.
	if _, err := r.File(ctx, "pytorch_model.bin"); !errors.Is(err, errs.ErrNotFound) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cache, "models--org--tiny-model", ".no_exist", testCommit, "pytorch_model.bin")); err != nil {
		t.Errorf(".no_exist marker: %v", err)
	}
	if ok, err := r.Has(ctx, "pytorch_model.bin"); ok || err != nil {
		t.Errorf("Has(absent) = %v, %v", ok, err)
	}
	if ok, err := r.Has(ctx, "config.json"); !ok || err != nil {
		t.Errorf("Has(present) = %v, %v", ok, err)
	}
	// A second fetch is served from the cache without a GET.
	before := fh.Gets("model.safetensors")
	if _, err := r.File(ctx, "model.safetensors"); err != nil {
		t.Fatal(err)
	}
	if fh.Gets("model.safetensors") != before {
		t.Errorf("cached file downloaded again")
	}

	// Offline, the cache answers; the server is not contacted.
	n := fh.Requests()
	off := mustNew(t, WithEndpoint(srv.URL), WithCacheDir(cache), WithOffline(true))
	ro, _ := off.Repo(testRepo, "main")
	if p, err := ro.File(ctx, "config.json"); err != nil || !strings.HasSuffix(p, "config.json") {
		t.Errorf("offline cached file: %q, %v", p, err)
	}
	if _, err := ro.File(ctx, "pytorch_model.bin"); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("offline known-absent file: %v", err)
	}
	if _, err := ro.File(ctx, "tokenizer.json"); !isNotCached(err) {
		t.Errorf("offline uncached file: %v", err)
	}
	if fh.Requests() != n {
		t.Errorf("offline client contacted the server")
	}
	// HF_HUB_OFFLINE=1 in the environment has the same effect.
	t.Setenv("HF_HUB_OFFLINE", "1")
	t.Setenv("HF_HUB_CACHE", cache)
	t.Setenv("HF_ENDPOINT", srv.URL)
	re, _ := mustNew(t).Repo(testRepo, "")
	if _, err := re.File(ctx, "tokenizer.json"); !isNotCached(err) {
		t.Errorf("HF_HUB_OFFLINE uncached file: %v", err)
	}
	if fh.Requests() != n {
		t.Errorf("HF_HUB_OFFLINE client contacted the server")
	}
	// Hub down: fall back on the cache for cached files.
	t.Setenv("HF_HUB_OFFLINE", "")
	fh.SetDown(true)
	rd, _ := mustNew(t).Repo(testRepo, "main")
	if _, err := rd.File(ctx, "config.json"); err != nil {
		t.Errorf("hub down, cached file: %v", err)
	}
	if _, err := rd.File(ctx, "tokenizer.json"); err == nil {
		t.Errorf("hub down, uncached file: no error")
	}
	// A pinned commit that is cached needs no request at all.
	rc, _ := mustNew(t).Repo(testRepo, testCommit)
	if _, err := rc.File(ctx, "1_Pooling/config.json"); err != nil {
		t.Errorf("pinned commit: %v", err)
	}
}

func TestDroppedConnectionResumes(t *testing.T) {
	fh := newFakeHub()
	fh.DropAfter("model.safetensors", 100_000)
	srv := httptest.NewServer(fh)
	defer srv.Close()
	var progress []int64
	c, _ := newTestClient(t, srv, WithProgress(func(file string, done, total int64) {
		if file != testRepo+"/model.safetensors" || total != 300_000 {
			t.Errorf("progress(%q, %d, %d)", file, done, total)
		}
		progress = append(progress, done)
	}))
	r, _ := c.Repo(testRepo, "main")
	p, err := r.File(context.Background(), "model.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if !bytes.Equal(got, fh.Files["model.safetensors"]) {
		t.Fatal("content differs after resume")
	}
	if rl := fh.Ranges(); len(rl) != 1 || rl[0] != "model.safetensors bytes=100000-" {
		t.Errorf("Range requests: %q", rl)
	}
	if fh.Sent("model.safetensors") != 300_000 {
		t.Errorf("server sent %d bytes, want 300000 (no byte twice)", fh.Sent("model.safetensors"))
	}
	if len(progress) == 0 || progress[len(progress)-1] != 300_000 {
		t.Errorf("progress ended at %v", progress)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "..", "..", "blobs", "*.incomplete")); len(m) != 0 {
		t.Errorf("leftover %v", m)
	}
}

func TestResumeLeftoverPartialFile(t *testing.T) {
	fh := newFakeHub()
	srv := httptest.NewServer(fh)
	defer srv.Close()
	c, cache := newTestClient(t, srv)
	body := fh.Files["model.safetensors"]
	blobs := filepath.Join(cache, "models--org--tiny-model", "blobs")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		t.Fatal(err)
	}
	// A previous process died after 123456 bytes.
	if err := os.WriteFile(filepath.Join(blobs, sha256hex(body)+".incomplete"), body[:123456], 0o644); err != nil {
		t.Fatal(err)
	}
	r, _ := c.Repo(testRepo, "main")
	p, err := r.File(context.Background(), "model.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, body) {
		t.Fatal("content differs")
	}
	if fh.Sent("model.safetensors") != len(body)-123456 {
		t.Errorf("server sent %d bytes, want %d", fh.Sent("model.safetensors"), len(body)-123456)
	}

	// A corrupt leftover is detected by the checksum and downloaded afresh.
	fh2 := newFakeHub()
	srv2 := httptest.NewServer(fh2)
	defer srv2.Close()
	c2, cache2 := newTestClient(t, srv2)
	blobs2 := filepath.Join(cache2, "models--org--tiny-model", "blobs")
	os.MkdirAll(blobs2, 0o755)
	bad := append([]byte(nil), body[:1000]...)
	bad[10] ^= 1
	os.WriteFile(filepath.Join(blobs2, sha256hex(body)+".incomplete"), bad, 0o644)
	r2, _ := c2.Repo(testRepo, "main")
	p2, err := r2.File(context.Background(), "model.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p2); !bytes.Equal(got, body) {
		t.Fatal("content differs after corrupt leftover")
	}
}

func TestChecksumMismatch(t *testing.T) {
	for _, name := range []string{"model.safetensors", "config.json"} {
		fh := newFakeHub()
		fh.Corrupt(name, true)
		srv := httptest.NewServer(fh)
		c, cache := newTestClient(t, srv)
		r, _ := c.Repo(testRepo, "main")
		_, err := r.File(context.Background(), name)
		if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want errs.ErrCorrupt naming the file", name, err)
		}
		// Nothing is left in the cache: no blob, no pointer, no partial
		// file (only the download's lock file, which is never removed).
		entries := 0
		locks := filepath.Join(cache, ".locks") + string(filepath.Separator)
		filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.Contains(p, "refs") && !strings.HasPrefix(p, locks) {
				entries++
				t.Errorf("%s: left %s", name, p)
			}
			return nil
		})
		srv.Close()
	}
}

func TestErrors(t *testing.T) {
	fh := newFakeHub()
	srv := httptest.NewServer(fh)
	defer srv.Close()
	c, _ := newTestClient(t, srv)
	ctx := context.Background()
	if _, err := c.Repo("../etc", ""); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("bad id: %v", err)
	}
	if _, err := c.Repo("a/b/c", ""); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("bad id: %v", err)
	}
	r, _ := c.Repo(testRepo, "main")
	for _, bad := range []string{"", "/etc/passwd", "../x", "a/../../b", "a//b"} {
		if _, err := r.File(ctx, bad); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("file %q: %v", bad, err)
		}
	}
	other, _ := c.Repo("org/other", "main")
	if ok, err := other.Has(ctx, "config.json"); ok || !isRepoNotFound(err) {
		t.Errorf("Has in missing repo: %v, %v", ok, err)
	}
	if _, err := other.File(ctx, "config.json"); !isRepoNotFound(err) {
		t.Errorf("missing repo: %v", err)
	}
	badRev, _ := c.Repo(testRepo, "v9")
	if _, err := badRev.File(ctx, "config.json"); !isRepoNotFound(err) {
		t.Errorf("missing revision: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.File(cctx, "config.json"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// Not a hub: no X-Repo-Commit.
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hi")) }))
	defer plain.Close()
	pc := mustNew(t, WithEndpoint(plain.URL), WithCacheDir(t.TempDir()), WithOffline(false))
	pr, _ := pc.Repo(testRepo, "")
	if _, err := pr.File(ctx, "config.json"); err == nil || !strings.Contains(err.Error(), "X-Repo-Commit") {
		t.Errorf("plain server: %v", err)
	}
}

func TestOpenSource(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "config.json"), []byte("{}"), 0o644)
	s, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(Dir); !ok {
		t.Fatalf("Open(dir) = %T", s)
	}
	if p, err := s.File(context.Background(), "config.json"); err != nil || p != filepath.Join(dir, "config.json") {
		t.Errorf("File = %q, %v", p, err)
	}
	if ok, err := s.Has(context.Background(), "nope.json"); ok || err != nil {
		t.Errorf("Has(missing) = %v, %v", ok, err)
	}
	if _, err := s.File(context.Background(), "nope.json"); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
	s, err = Open("sentence-transformers/all-MiniLM-L6-v2@abc", "")
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := s.(*Repo); !ok || r.ID() != "sentence-transformers/all-MiniLM-L6-v2" || r.Revision() != "abc" {
		t.Errorf("Open(id@rev) = %#v", s)
	}
	if _, err := Open("./no/such/folder", ""); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("missing folder: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "config.json"), ""); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("file: %v", err)
	}
}

func TestCacheDirEnv(t *testing.T) {
	t.Setenv("HF_HUB_CACHE", "")
	t.Setenv("HF_HOME", "/x/hf")
	if got := CacheDir(); got != filepath.Join("/x/hf", "hub") {
		t.Errorf("HF_HOME: %s", got)
	}
	t.Setenv("HF_HUB_CACHE", "/y")
	if got := CacheDir(); got != "/y" {
		t.Errorf("HF_HUB_CACHE: %s", got)
	}
	t.Setenv("HF_TOKEN", " tok ")
	if c := mustNew(t); c.token != "tok" {
		t.Errorf("HF_TOKEN: %q", c.token)
	}
	if RepoFolder("intfloat/multilingual-e5-small") != "models--intfloat--multilingual-e5-small" {
		t.Error(RepoFolder("intfloat/multilingual-e5-small"))
	}
}

// TestPartialSnapshot checks a cache holding some files of a revision and
// no .no_exist markers, as huggingface_hub leaves it when other files were
// never requested: when the hub cannot be asked, the snapshot answers Has
// (absent files are absent) and File explains what is missing.
func TestPartialSnapshot(t *testing.T) {
	fh := newFakeHub()
	srv := httptest.NewServer(fh)
	defer srv.Close()
	c, cache := newTestClient(t, srv)
	ctx := context.Background()
	r, _ := c.Repo(testRepo, "main")
	if _, err := r.File(ctx, "config.json"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cache, "models--org--tiny-model", ".no_exist")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("unexpected .no_exist folder: %v", err)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	clients := map[string]*Client{
		"offline":            mustNew(t, WithEndpoint(srv.URL), WithCacheDir(cache), WithOffline(true)),
		"connection refused": mustNew(t, WithEndpoint(closedURL), WithCacheDir(cache), WithOffline(false)),
		"hub down (503)":     mustNew(t, WithEndpoint(srv.URL), WithCacheDir(cache), WithOffline(false)),
	}
	fh.SetDown(true)
	for mode, cl := range clients {
		r, _ := cl.Repo(testRepo, "main")
		if ok, err := r.Has(ctx, "config.json"); !ok || err != nil {
			t.Errorf("%s: Has(cached) = %v, %v", mode, ok, err)
		}
		// Present on the hub, never downloaded: absent for the snapshot.
		if ok, err := r.Has(ctx, "sentence_bert_config.json"); ok || err != nil {
			t.Errorf("%s: Has(not in snapshot) = %v, %v, want false, nil", mode, ok, err)
		}
		_, err := r.File(ctx, "sentence_bert_config.json")
		if err == nil || !strings.Contains(err.Error(), "not fully in the cache") || !strings.Contains(err.Error(), "hf download "+testRepo) ||
			!strings.Contains(err.Error(), "sentence_bert_config.json") {
			t.Errorf("%s: File(not in snapshot): %v", mode, err)
		}
		if mode == "offline" && !isNotCached(err) {
			t.Errorf("%s: File(not in snapshot) is not a not-cached errs.ErrNotFound: %v", mode, err)
		}
		if r.Commit() != testCommit {
			t.Errorf("%s: Commit %q", mode, r.Commit())
		}
		// No snapshot of this revision: Has cannot answer.
		other, _ := cl.Repo(testRepo, "v2")
		if ok, err := other.Has(ctx, "config.json"); ok || err == nil {
			t.Errorf("%s: Has without a snapshot = %v, %v, want an error", mode, ok, err)
		}
	}
}

// TestOpenCacheFolder opens a repository folder of the cache by its path:
// refs/main picks the snapshot (or the only snapshot when there is no
// ref), the Source is the repository offline, and the server is never
// contacted.
func TestOpenCacheFolder(t *testing.T) {
	fh := newFakeHub()
	srv := httptest.NewServer(fh)
	defer srv.Close()
	c, cache := newTestClient(t, srv)
	ctx := context.Background()
	r, _ := c.Repo(testRepo, "main")
	for _, name := range []string{"config.json", "1_Pooling/config.json"} {
		if _, err := r.File(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.File(ctx, "pytorch_model.bin"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatal(err)
	}
	folder := filepath.Join(cache, RepoFolder(testRepo))
	n := fh.Requests()
	check := func(t *testing.T, s Source, wantRev string) {
		t.Helper()
		repo, ok := s.(*Repo)
		if !ok {
			t.Fatalf("Source %T, want *Repo", s)
		}
		if repo.ID() != testRepo || repo.Revision() != wantRev || s.Name() != testRepo {
			t.Errorf("id %q, revision %q, name %q", repo.ID(), repo.Revision(), s.Name())
		}
		p, err := s.File(ctx, "1_Pooling/config.json")
		if err != nil || p != filepath.Join(folder, "snapshots", testCommit, "1_Pooling", "config.json") {
			t.Errorf("File = %q, %v", p, err)
		}
		if s.Commit() != testCommit {
			t.Errorf("Commit %q", s.Commit())
		}
		if ok, err := s.Has(ctx, "model.safetensors"); ok || err != nil {
			t.Errorf("Has(not in snapshot) = %v, %v", ok, err)
		}
		if ok, err := s.Has(ctx, "pytorch_model.bin"); ok || err != nil {
			t.Errorf("Has(known absent) = %v, %v", ok, err)
		}
		_, err = s.File(ctx, "model.safetensors")
		if !isNotCached(err) || !strings.Contains(err.Error(), "not fully in the cache") {
			t.Errorf("File(not in snapshot): %v", err)
		}
	}
	for _, arg := range []string{folder, folder + string(filepath.Separator)} {
		s, err := Open(arg, "", WithEndpoint(srv.URL), WithOffline(false))
		if err != nil {
			t.Fatal(err)
		}
		check(t, s, "main")
	}
	s, err := Open(folder, testCommit)
	if err != nil {
		t.Fatal(err)
	}
	check(t, s, testCommit)
	if _, err := Open(folder, "v2"); !isRepoNotFound(err) {
		t.Errorf("revision without a ref: %v", err)
	}

	// Without refs/main, the only snapshot; with two, an error.
	if err := os.Remove(filepath.Join(folder, "refs", "main")); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(folder, ""); err != nil {
		t.Fatal(err)
	}
	check(t, s, testCommit)
	other := strings.Repeat("ab", 20)
	if err := os.Mkdir(filepath.Join(folder, "snapshots", other), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = Open(folder, "")
	if !isRepoNotFound(err) || !strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), testCommit) {
		t.Errorf("two snapshots and no ref: %v", err)
	}
	if s, err = Open(folder, testCommit); err != nil {
		t.Fatal(err)
	}
	check(t, s, testCommit)
	if fh.Requests() != n {
		t.Errorf("opening the cache folder contacted the server")
	}

	// A renamed copy of the folder: its snapshot as a local folder.
	renamed := filepath.Join(t.TempDir(), "my-model")
	if err := os.Rename(folder, renamed); err != nil {
		t.Fatal(err)
	}
	s, err = Open(renamed, testCommit)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := s.(Dir); !ok || string(d) != filepath.Join(renamed, "snapshots", testCommit) {
		t.Errorf("renamed folder: Source %#v", s)
	}
	if _, err := s.File(ctx, "config.json"); err != nil {
		t.Error(err)
	}
}

// recordSleeps makes the retry waits instant and returns what they were.
func recordSleeps(t *testing.T) *[]time.Duration {
	var mu sync.Mutex
	var waits []time.Duration
	real := sleep
	sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	t.Cleanup(func() { sleep = real })
	return &waits
}

// TestRetryBackoff checks the waits between download attempts: doubling
// from retryBase after a 5xx or a dropped connection, Retry-After (in
// seconds or as a date, capped at retryAfterMax) after a 429 or 503.
func TestRetryBackoff(t *testing.T) {
	const name = "model.safetensors" // an LFS file, served from /cdn/
	date := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	cases := []struct {
		what  string
		fails []failure
		drop  bool
		want  func(d []time.Duration) bool
	}{
		{"503 then success", []failure{{Status: 503}}, false,
			func(d []time.Duration) bool { return len(d) == 1 && d[0] == retryBase }},
		{"three 5xx", []failure{{Status: 503}, {Status: 500}, {Status: 502}}, false,
			func(d []time.Duration) bool {
				return len(d) == 3 && d[0] == retryBase && d[1] == 2*retryBase && d[2] == 4*retryBase
			}},
		{"dropped connection", nil, true,
			func(d []time.Duration) bool { return len(d) == 1 && d[0] == retryBase }},
		{"429 Retry-After seconds", []failure{{Status: 429, RetryAfter: "7"}}, false,
			func(d []time.Duration) bool { return len(d) == 1 && d[0] == 7*time.Second }},
		{"503 Retry-After date", []failure{{Status: 503, RetryAfter: date}}, false,
			func(d []time.Duration) bool { return len(d) == 1 && d[0] > 25*time.Second && d[0] <= 30*time.Second }},
		{"Retry-After capped", []failure{{Status: 429, RetryAfter: "86400"}, {Status: 429, RetryAfter: "99999999999999999"}}, false,
			func(d []time.Duration) bool { return len(d) == 2 && d[0] == retryAfterMax && d[1] == retryAfterMax }},
		{"Retry-After unreadable", []failure{{Status: 429, RetryAfter: "soon"}}, false,
			func(d []time.Duration) bool { return len(d) == 1 && d[0] == retryBase }},
	}
	for _, tc := range cases {
		t.Run(tc.what, func(t *testing.T) {
			waits := recordSleeps(t)
			fh := newFakeHub()
			fh.FailGets(name, tc.fails...)
			if tc.drop {
				fh.DropAfter(name, 1000)
			}
			srv := httptest.NewServer(fh)
			defer srv.Close()
			c, _ := newTestClient(t, srv)
			r, _ := c.Repo(testRepo, "main")
			p, err := r.File(context.Background(), name)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(p); !bytes.Equal(got, fh.Files[name]) {
				t.Fatal("content differs")
			}
			if !tc.want(*waits) {
				t.Errorf("waits %v", *waits)
			}
			want := len(tc.fails) + 1
			if tc.drop {
				want++
			}
			if n := fh.Gets(name); n != want {
				t.Errorf("%d GETs, want %d", n, want)
			}
		})
	}

	// The backoff is capped, and the retries are counted.
	if d := retryDelay(40, 0); d != retryMaxBackoff {
		t.Errorf("retryDelay(40) = %v, want %v", d, retryMaxBackoff)
	}
	waits := recordSleeps(t)
	fh := newFakeHub()
	fh.FailGets(name, []failure{{Status: 503}, {Status: 503}, {Status: 503}, {Status: 503}}...)
	srv := httptest.NewServer(fh)
	defer srv.Close()
	c, _ := newTestClient(t, srv, WithRetries(2))
	r, _ := c.Repo(testRepo, "main")
	if _, err := r.File(context.Background(), name); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("after 3 × 503 with 2 retries: %v", err)
	}
	if len(*waits) != 2 || fh.Gets(name) != 3 {
		t.Errorf("waits %v, %d GETs; want 2 waits, 3 GETs", *waits, fh.Gets(name))
	}
}

// TestRetryWaitCancelled checks that a cancelled context ends a wait
// between attempts at once.
func TestRetryWaitCancelled(t *testing.T) {
	fh := newFakeHub()
	fh.FailGets("model.safetensors", []failure{{Status: 429, RetryAfter: "3600"}}...)
	srv := httptest.NewServer(fh)
	defer srv.Close()
	c, _ := newTestClient(t, srv)
	r, _ := c.Repo(testRepo, "main")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := r.File(ctx, "model.safetensors")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("returned after %v", d)
	}
}

// TestHubDownAsksOnce checks that a Repo stops asking a hub that failed
// once (here: answering 503, then taking longer than HF_HUB_ETAG_TIMEOUT)
// and answers from the cached snapshot, so that a model on a network that
// drops traffic loads after one metadata timeout, not one per file.
func TestHubDownAsksOnce(t *testing.T) {
	fh := newFakeHub()
	srv := httptest.NewServer(fh)
	defer srv.Close()
	c, cache := newTestClient(t, srv)
	ctx := context.Background()
	r, _ := c.Repo(testRepo, "main")
	if _, err := r.File(ctx, "config.json"); err != nil {
		t.Fatal(err)
	}

	fh.SetDown(true)
	before := fh.Requests()
	r, _ = mustNew(t, WithEndpoint(srv.URL), WithCacheDir(cache), WithOffline(false)).Repo(testRepo, "main")
	for i := 0; i < 3; i++ {
		if ok, err := r.Has(ctx, "sentence_bert_config.json"); ok || err != nil {
			t.Fatalf("Has(not in snapshot) = %v, %v", ok, err)
		}
		if _, err := r.File(ctx, "config.json"); err != nil {
			t.Fatalf("File(cached) with the hub down: %v", err)
		}
	}
	if n := fh.Requests() - before; n != 1 {
		t.Errorf("%d requests to a hub that answered 503, want 1", n)
	}

	var heads atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		heads.Add(1)
		select {
		case <-time.After(5 * time.Second):
		case <-req.Context().Done():
		}
	}))
	defer slow.Close()
	t.Setenv("HF_HUB_ETAG_TIMEOUT", "0.05")
	r, _ = mustNew(t, WithEndpoint(slow.URL), WithCacheDir(cache), WithOffline(false)).Repo(testRepo, "main")
	start := time.Now()
	for _, name := range []string{"config.json", "tokenizer.json", "modules.json"} {
		if _, err := r.Has(ctx, name); err != nil {
			t.Fatalf("Has(%s) with a silent hub: %v", name, err)
		}
	}
	if p, err := r.File(ctx, "config.json"); err != nil || !isFile(p) {
		t.Fatalf("File(cached) with a silent hub: %q, %v", p, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a silent hub cost %v", d)
	}
	if n := heads.Load(); n != 1 {
		t.Errorf("%d requests to a silent hub, want 1", n)
	}
}

// lock_test.go checks the cross-process download lock: two Clients sharing
// a cache (as two processes would; flock on separate open files excludes
// within one process too) download a blob once, a download waiting for the
// lock honours its context, and a blob another holder finished is not
// fetched again.

package hub

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func requireLocking(t *testing.T) {
	t.Helper()
	if !lockSupported {
		t.Skip("no file locking on this platform (lock_other.go)")
	}
}

// testLockPath is where huggingface_hub takes the lock for blob etag of
// testRepo in cache.
func testLockPath(cache, etag string) string {
	return filepath.Join(cache, ".locks", "models--org--tiny-model", etag+".lock")
}

func TestSharedCacheDownloadsOnce(t *testing.T) {
	requireLocking(t)
	fh := newFakeHub()
	fh.Slow = 25 * time.Millisecond // ~10 pauses: the second Client starts mid-download
	srv := httptest.NewServer(fh)
	defer srv.Close()
	const name = "model.safetensors"
	want := fh.Files[name]

	cache := t.TempDir()
	started := make(chan struct{})
	var once sync.Once
	opts := []Option{WithEndpoint(srv.URL), WithCacheDir(cache), WithToken(""), WithOffline(false)}
	first := mustNew(t, append(opts, WithProgress(func(string, int64, int64) { once.Do(func() { close(started) }) }))...)
	second := mustNew(t, opts...) // its own in-process mutexes: only the file lock excludes

	ctx := context.Background()
	var wg sync.WaitGroup
	paths := make([]string, 2)
	errs := make([]error, 2)
	fetch := func(i int, c *Client) {
		defer wg.Done()
		r, err := c.Repo(testRepo, "main")
		if err == nil {
			paths[i], err = r.File(ctx, name)
		}
		errs[i] = err
	}
	wg.Add(2)
	go fetch(0, first)
	select {
	case <-started: // the first download holds the lock and has written bytes
	case <-time.After(30 * time.Second):
		t.Fatal("first download did not start")
	}
	go fetch(1, second)
	wg.Wait()

	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("client %d: %v", i, errs[i])
		}
		got, err := os.ReadFile(paths[i])
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("client %d: %s holds the wrong bytes (%v)", i, paths[i], err)
		}
	}
	// The second Client waited for the lock and then found the blob: one
	// GET, the file's bytes sent exactly once, nothing resumed.
	if n := fh.Gets(name); n != 1 {
		t.Errorf("%d GETs of %s, want 1", n, name)
	}
	if n := fh.Sent(name); n != len(want) {
		t.Errorf("server sent %d bytes of %s, want %d (once)", n, name, len(want))
	}
	if rg := fh.Ranges(); len(rg) != 0 {
		t.Errorf("Range requests %q, want none", rg)
	}
	// The lock file is left where huggingface_hub takes it; no partial
	// file remains.
	if _, err := os.Stat(testLockPath(cache, sha256hex(want))); err != nil {
		t.Errorf("lock file: %v", err)
	}
	blobs := filepath.Join(cache, "models--org--tiny-model", "blobs")
	if m, _ := filepath.Glob(filepath.Join(blobs, "*.incomplete")); len(m) != 0 {
		t.Errorf("left over: %v", m)
	}
}

func TestLockWaitCancelled(t *testing.T) {
	requireLocking(t)
	fh := newFakeHub()
	srv := httptest.NewServer(fh)
	defer srv.Close()
	c, cache := newTestClient(t, srv)
	const name = "model.safetensors"
	lock := testLockPath(cache, sha256hex(fh.Files[name]))
	if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
		t.Fatal(err)
	}
	// Another holder (a separate open file, as another process's) keeps the
	// lock.
	unlock, err := lockFile(context.Background(), lock)
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Repo(testRepo, "main")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := r.File(ctx, name); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("File while the lock is held elsewhere: %v, want %v", err, context.DeadlineExceeded)
	}
	if n := fh.Gets(name); n != 0 {
		t.Errorf("%d GETs while the lock was held elsewhere", n)
	}
	// A free lock is taken at once, even with a cancelled context.
	unlock()
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if un, err := lockFile(cctx, lock); err != nil {
		t.Errorf("lockFile with a free lock should not wait: %v", err)
	} else {
		un()
	}
	// Released, the download goes ahead.
	p, err := r.File(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, fh.Files[name]) {
		t.Fatalf("content differs (%v)", err)
	}
}

// TestLockRechecksBlob: a download that waited for the lock uses the blob
// the holder finished instead of fetching it again.
func TestLockRechecksBlob(t *testing.T) {
	requireLocking(t)
	fh := newFakeHub()
	srv := httptest.NewServer(fh)
	defer srv.Close()
	c, cache := newTestClient(t, srv)
	const name = "model.safetensors"
	r, err := c.Repo(testRepo, "main")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	meta, err := r.head(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	blob := filepath.Join(cache, "models--org--tiny-model", "blobs", meta.etag)
	lock := r.lockPath(meta.etag)
	if lock != testLockPath(cache, meta.etag) {
		t.Fatalf("lock path %s, want %s", lock, testLockPath(cache, meta.etag))
	}
	if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockFile(ctx, lock)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.download(ctx, name, meta, blob, lock) }()
	time.Sleep(50 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("download returned while the lock was held: %v", err)
	default:
	}
	// The holder finishes the blob, then lets go.
	if err := os.MkdirAll(filepath.Dir(blob), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blob, fh.Files[name], 0o644); err != nil {
		t.Fatal(err)
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := fh.Gets(name); n != 0 {
		t.Errorf("%d GETs of a blob finished while waiting for its lock", n)
	}
}

// stress_test.go runs the download paths at once under contention: many
// goroutines (some sharing a Client, so its in-process mutex serialises
// them; most with their own Client, so only the file lock does) and child
// processes (this test binary run again with stressChildEnv set) download
// the same and different files, at a branch and at its commit, from one
// slowed httptest hub into one cache, beside a CPU-burning goroutine. Every
// blob must be fetched exactly once per etag, every file must end complete
// and verified, and it must all end in bounded time.

package hub

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ganada/ganada/embed/hub/hubtest"
	"github.com/ganada/ganada/internal/testutil"
)

// stressChildEnv carries the hub URL and cache folder ("url|cache|workers")
// to a child process.
const stressChildEnv = "GANADA_HUB_STRESS_CHILD"

// stressHub is the fake hub with files that share blobs: two LFS files with
// one sha256, two regular files with one git sha1, and distinct ones.
func stressHub() *hubtest.Hub {
	fh := newFakeHub()
	other := make([]byte, 200_000)
	for i := range other {
		other[i] = byte(i*13 + i/97)
	}
	fh.Files["copy/model.safetensors"] = fh.Files["model.safetensors"]
	fh.LFS["copy/model.safetensors"] = true
	fh.Files["other.safetensors"] = other
	fh.LFS["other.safetensors"] = true
	fh.Files["copy/config.json"] = fh.Files["config.json"]
	fh.Slow = 3 * time.Millisecond // a 300 kB body takes ~10 pauses: downloads overlap
	return fh
}

// stressWorker downloads every file of fh, in an order of its own, through
// c at revision rev, and checks each file's bytes.
func stressWorker(ctx context.Context, c *Client, fh *hubtest.Hub, rev string, seed uint64) error {
	names := make([]string, 0, len(fh.Files))
	for n := range fh.Files {
		names = append(names, n)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	r, err := c.Repo(testRepo, rev)
	if err != nil {
		return err
	}
	for _, n := range names {
		p, err := r.File(ctx, n)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, fh.Files[n]) {
			return fmt.Errorf("%s: %s holds %d wrong bytes (%v)", n, p, len(got), err)
		}
	}
	return nil
}

// runWorkers starts n workers (every fourth sharing one Client) once start
// is closed, and returns their errors when all are done.
func runWorkers(ctx context.Context, n int, opts []Option, fh *hubtest.Hub, start <-chan struct{}, salt uint64) []error {
	errs := make([]error, n)
	shared, err := New(opts...)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := shared
			if i%4 != 0 {
				var err error
				if c, err = New(opts...); err != nil {
					errs[i] = err
					return
				}
			}
			rev := "main"
			if i%3 == 2 {
				rev = testCommit
			}
			<-start
			errs[i] = stressWorker(ctx, c, fh, rev, salt*1000+uint64(i))
		}()
	}
	wg.Wait()
	return errs
}

// TestStressChild is the child process's part of TestStressSharedCache; it
// does nothing unless stressChildEnv is set.
func TestStressChild(t *testing.T) {
	v := os.Getenv(stressChildEnv)
	if v == "" {
		t.Skip("run by TestStressSharedCache as a child process")
	}
	parts := strings.Split(v, "|")
	if len(parts) != 4 {
		t.Fatalf("%s=%q", stressChildEnv, v)
	}
	workers, _ := strconv.Atoi(parts[2])
	salt, _ := strconv.ParseUint(parts[3], 10, 64)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	opts := []Option{WithEndpoint(parts[0]), WithCacheDir(parts[1]), WithToken(""), WithOffline(false)}
	start := make(chan struct{})
	done := make(chan []error)
	go func() { done <- runWorkers(ctx, workers, opts, stressHub(), start, salt) }()
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin) // the parent closes stdin to start everyone at once
	close(start)
	for i, err := range <-done {
		if err != nil {
			t.Errorf("child worker %d: %v", i, err)
		}
	}
}

func TestStressSharedCache(t *testing.T) {
	requireLocking(t)
	workers, children, childWorkers := 24, 3, 6
	if testing.Short() {
		workers, children, childWorkers = 10, 2, 4
	}
	fh := stressHub()
	srv := httptest.NewServer(fh)
	defer srv.Close()
	cache := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	defer testutil.BurnCPU(t)() // busy work without Gosched

	// Children: started first, each prints "ready" and waits for its stdin
	// to close.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	type child struct {
		cmd   *exec.Cmd
		stdin io.Closer
		out   bytes.Buffer
		done  chan struct{}
	}
	kids := make([]*child, children)
	for i := range kids {
		k := &child{done: make(chan struct{})}
		k.cmd = exec.CommandContext(ctx, exe, "-test.run=^TestStressChild$", "-test.count=1", "-test.timeout=80s")
		k.cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%s|%d|%d", stressChildEnv, srv.URL, cache, childWorkers, i+1))
		k.cmd.Stderr = &lockedWriter{w: &k.out}
		in, err := k.cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, err := k.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		k.stdin = in
		if err := k.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready := make(chan bool, 1)
		go func() { // read up to "ready", then keep the rest for the report
			defer close(k.done)
			sc := bufio.NewScanner(out)
			said := false
			for sc.Scan() {
				if !said && sc.Text() == "ready" {
					said = true
					ready <- true
					continue
				}
				k.cmd.Stderr.Write([]byte(sc.Text() + "\n"))
			}
			if !said {
				ready <- false
			}
		}()
		select {
		case ok := <-ready:
			if !ok {
				<-k.done
				k.cmd.Wait()
				t.Fatalf("child %d did not start:\n%s", i, k.out.String())
			}
		case <-ctx.Done():
			t.Fatalf("child %d did not start in time", i)
		}
		kids[i] = k
	}

	start := make(chan struct{})
	opts := []Option{WithEndpoint(srv.URL), WithCacheDir(cache), WithToken(""), WithOffline(false)}
	errc := make(chan []error)
	go func() { errc <- runWorkers(ctx, workers, opts, fh, start, 0) }()
	for _, k := range kids {
		k.stdin.Close()
	}
	close(start)
	began := time.Now()
	for i, err := range <-errc {
		if err != nil {
			t.Errorf("worker %d: %v", i, err)
		}
	}
	for i, k := range kids {
		<-k.done
		if err := k.cmd.Wait(); err != nil {
			t.Errorf("child %d: %v\n%s", i, err, k.out.String())
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("not done after %v: a download hung", time.Since(began))
	}
	t.Logf("%d goroutines and %d processes × %d goroutines done in %v", workers, children, childWorkers, time.Since(began))

	// Each blob was fetched exactly once, whole, and by one GET.
	gets, sent, sizes := map[string]int{}, map[string]int{}, map[string]int{}
	for name := range fh.Files {
		e := fh.ETag(name)
		gets[e] += fh.Gets(name)
		sent[e] += fh.Sent(name)
		sizes[e] = len(fh.Files[name])
	}
	for e, n := range gets {
		if n != 1 || sent[e] != sizes[e] {
			t.Errorf("blob %s: %d GETs, %d bytes sent; want 1 GET of %d bytes", e, n, sent[e], sizes[e])
		}
	}
	if r := fh.Ranges(); len(r) != 0 {
		t.Errorf("Range requests %q: something was resumed", r)
	}
	// Every blob is complete and verified, nothing partial is left, every
	// pointer of both revisions' snapshot leads to its blob.
	repo := filepath.Join(cache, RepoFolder(testRepo))
	entries, _ := os.ReadDir(filepath.Join(repo, "blobs"))
	if len(entries) != len(gets) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("blobs/ holds %v, want the %d blobs", names, len(gets))
	}
	for name, body := range fh.Files {
		e := fh.ETag(name)
		if err := verify(filepath.Join(repo, "blobs", e), &fileMeta{etag: e, size: int64(len(body))}); err != nil {
			t.Errorf("blob of %s: %v", name, err)
		}
		p := filepath.Join(repo, "snapshots", testCommit, filepath.FromSlash(name))
		if target, err := filepath.EvalSymlinks(p); err != nil || filepath.Base(target) != e {
			t.Errorf("pointer %s leads to %s (%v)", p, target, err)
		}
		if _, err := os.Stat(testLockPath(cache, e)); err != nil {
			t.Errorf("lock file of %s: %v", name, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(repo, "refs", "main")); err != nil || string(b) != testCommit {
		t.Errorf("refs/main %q, %v", b, err)
	}
	var strays []string
	filepath.WalkDir(repo, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if strings.Contains(d.Name(), ".tmp") || strings.HasSuffix(d.Name(), ".incomplete") {
			strays = append(strays, p)
		}
		return nil
	})
	if len(strays) != 0 {
		t.Errorf("left over: %v", strays)
	}
}

// lockedWriter serialises writes to w (the child's stderr and the copy of
// its stdout share one buffer).
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

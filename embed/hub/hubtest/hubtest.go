// Package hubtest serves a model repository over HTTP the way the Hugging
// Face hub does, for tests of code that downloads models through package
// hub (point hub.WithEndpoint at the server's URL) without the network.
//
// A Hub answers /{repo}/resolve/{revision}/{path} like huggingface.co:
//
//   - HEAD and GET carry X-Repo-Commit (the commit the revision resolves
//     to) and an ETag: the git blob id of the file, or for an LFS file
//     X-Linked-Etag (its sha256) and X-Linked-Size, with a 302 redirect to
//     /cdn/{path} where the body is served (any file's body is there);
//   - Range requests ("bytes=N-") are answered with 206 and Content-Range;
//   - errors carry X-Error-Code: RepoNotFound, RevisionNotFound or
//     EntryNotFound, with status 404.
//
// Revisions are the commit itself and the names in Hub.Revisions ("main"
// by default), all resolving to Hub.Commit. The Hub counts what it serves
// (requests, GETs and bytes per file, Range headers, Authorization
// headers) and can be told to misbehave: cut a body short, answer errors
// first, corrupt a body, go down, or send slowly.
//
//	h, err := hubtest.FromDir("org/model", hubtest.Commit, "testdata/model")
//	...
//	srv := h.Start(t)
//	c, err := hub.New(hub.WithEndpoint(srv.URL), hub.WithCacheDir(t.TempDir()), hub.WithOffline(false))
package hubtest

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Commit is a commit hash for tests that need one (any 40 lowercase hex
// digits will do).
const Commit = "0123456789abcdef0123456789abcdef01234567"

// SlowChunk is how many body bytes a Hub with Slow set sends between
// pauses.
const SlowChunk = 32 << 10

// Hub is a fake Hugging Face hub serving one repository; it is an
// http.Handler. Set its fields before the first request and do not change
// them while it serves; the methods may be called at any time, from any
// goroutine.
type Hub struct {
	// Repo is the repository id served, such as "org/model"; requests for
	// another get 404 RepoNotFound.
	Repo string
	// Commit is the commit (40 hex digits) every revision resolves to.
	Commit string
	// Revisions are the names that resolve to Commit besides Commit
	// itself; nil means "main". Others get 404 RevisionNotFound.
	Revisions []string
	// Files are the repository's files by slash-separated path.
	Files map[string][]byte
	// LFS marks the files stored in LFS: their HEAD and GET answer 302 to
	// /cdn/{path} with X-Linked-Etag (the sha256) and X-Linked-Size. New
	// and FromDir mark the weight files (.safetensors, .bin, .onnx, .gguf,
	// .pt, .pth, .h5, .msgpack).
	LFS map[string]bool
	// Slow, when positive, is a pause after each SlowChunk bytes of a body.
	Slow time.Duration

	mu        sync.Mutex
	dropAfter map[string]int
	failGets  map[string][]Failure
	corrupt   map[string]bool
	down      bool
	gets      map[string]int
	sent      map[string]int
	ranges    []string
	auths     []string
}

// Failure is an error answer: a status and its Retry-After header (""
// for none).
type Failure struct {
	Status     int
	RetryAfter string
}

// New returns a Hub serving files as repository repo at commit.
func New(repo, commit string, files map[string][]byte) *Hub {
	h := &Hub{Repo: repo, Commit: commit, Files: files, LFS: map[string]bool{}}
	for name := range files {
		switch path.Ext(name) {
		case ".safetensors", ".bin", ".onnx", ".gguf", ".pt", ".pth", ".h5", ".msgpack":
			h.LFS[name] = true
		}
	}
	return h
}

// FromDir returns a Hub serving the regular files under dir (a model
// folder) as repository repo at commit.
func FromDir(repo, commit, dir string) (*Hub, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hubtest: %w", err)
	}
	return New(repo, commit, files), nil
}

// Start serves h on a new local httptest server, closed when the test
// ends.
func (h *Hub) Start(tb testing.TB) *httptest.Server {
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

// GitBlobID returns the git blob id of b (the hub's ETag of a regular
// file), in hex.
func GitBlobID(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// SHA256 returns the sha256 of b (the hub's ETag of an LFS file), in hex.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ETag returns the ETag the Hub gives the file name, which is also its
// blob's name in a hub cache.
func (h *Hub) ETag(name string) string {
	if h.LFS[name] {
		return SHA256(h.Files[name])
	}
	return GitBlobID(h.Files[name])
}

// DropAfter makes the next GET of name's body send only n bytes and then
// cut the connection.
func (h *Hub) DropAfter(name string, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dropAfter == nil {
		h.dropAfter = map[string]int{}
	}
	h.dropAfter[name] = n
}

// FailGets makes the next GETs of name's body answer fails, one per
// request, before the body is served again.
func (h *Hub) FailGets(name string, fails ...Failure) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failGets == nil {
		h.failGets = map[string][]Failure{}
	}
	h.failGets[name] = append(h.failGets[name], fails...)
}

// Corrupt sets whether name's body is served with one byte flipped (its
// headers unchanged).
func (h *Hub) Corrupt(name string, on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.corrupt == nil {
		h.corrupt = map[string]bool{}
	}
	h.corrupt[name] = on
}

// SetDown sets whether the Hub answers every request with 503.
func (h *Hub) SetDown(down bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.down = down
}

// Requests returns how many requests the Hub has received, of any method
// and path.
func (h *Hub) Requests() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.auths)
}

// Gets returns how many GETs of name's body the Hub has received (those
// answered with a Failure included).
func (h *Hub) Gets(name string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.gets[name]
}

// Sent returns how many bytes of name's body the Hub has written (counted
// before writing: the client may finish first).
func (h *Hub) Sent(name string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sent[name]
}

// Ranges returns the Range headers of the GETs of bodies so far, each as
// "{path} {header}".
func (h *Hub) Ranges() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.ranges...)
}

// Authorizations returns the Authorization header of every request so
// far ("" where there was none).
func (h *Hub) Authorizations() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.auths...)
}

func (h *Hub) knows(rev string) bool {
	if rev == h.Commit {
		return true
	}
	if h.Revisions == nil {
		return rev == "main"
	}
	for _, r := range h.Revisions {
		if r == rev {
			return true
		}
	}
	return false
}

// ServeHTTP answers one request (see the package documentation).
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.auths = append(h.auths, r.Header.Get("Authorization"))
	down := h.down
	h.mu.Unlock()
	if down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	if name, ok := strings.CutPrefix(r.URL.Path, "/cdn/"); ok {
		if _, ok := h.Files[name]; !ok {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		h.serveBody(w, r, name)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/"+h.Repo+"/resolve/")
	if !ok {
		w.Header().Set("X-Error-Code", "RepoNotFound")
		http.Error(w, "repo not found", http.StatusNotFound)
		return
	}
	// The revision may itself hold slashes (refs/pr/1) when quoted in the
	// URL: split the escaped path.
	rev, name, _ := strings.Cut(rest, "/")
	if esc, ok := strings.CutPrefix(r.URL.EscapedPath(), "/"+h.Repo+"/resolve/"); ok {
		if e, _, ok := strings.Cut(esc, "/"); ok && strings.Contains(e, "%") {
			if u, err := url.PathUnescape(e); err == nil && strings.HasPrefix(rest, u+"/") {
				rev, name = u, rest[len(u)+1:]
			}
		}
	}
	if !h.knows(rev) {
		w.Header().Set("X-Error-Code", "RevisionNotFound")
		http.Error(w, "revision not found", http.StatusNotFound)
		return
	}
	w.Header().Set("X-Repo-Commit", h.Commit)
	body, ok := h.Files[name]
	if !ok {
		w.Header().Set("X-Error-Code", "EntryNotFound")
		http.Error(w, "entry not found", http.StatusNotFound)
		return
	}
	if h.LFS[name] {
		w.Header().Set("X-Linked-Etag", `"`+SHA256(body)+`"`)
		w.Header().Set("X-Linked-Size", strconv.Itoa(len(body)))
		w.Header().Set("ETag", `"`+GitBlobID([]byte("pointer"))+`"`)
		w.Header().Set("Location", "http://"+r.Host+"/cdn/"+name)
		w.WriteHeader(http.StatusFound)
		return
	}
	h.serveBody(w, r, name)
}

func (h *Hub) serveBody(w http.ResponseWriter, r *http.Request, name string) {
	body := h.Files[name]
	if !h.LFS[name] {
		w.Header().Set("ETag", `"`+GitBlobID(body)+`"`)
	}
	get := r.Method == http.MethodGet
	h.mu.Lock()
	corrupt := h.corrupt[name]
	drop, dropping := h.dropAfter[name]
	if fs := h.failGets[name]; get && len(fs) > 0 {
		h.failGets[name] = fs[1:]
		h.count(name)
		h.mu.Unlock()
		if fs[0].RetryAfter != "" {
			w.Header().Set("Retry-After", fs[0].RetryAfter)
		}
		http.Error(w, http.StatusText(fs[0].Status), fs[0].Status)
		return
	}
	if get {
		h.count(name)
		if rg := r.Header.Get("Range"); rg != "" {
			h.ranges = append(h.ranges, name+" "+rg)
		}
		if dropping {
			delete(h.dropAfter, name)
		}
	}
	slow := h.Slow
	h.mu.Unlock()
	dropping = dropping && get
	if corrupt && len(body) > 0 {
		body = append([]byte(nil), body...)
		body[len(body)/2] ^= 0xff
	}
	start := 0
	if rg := r.Header.Get("Range"); rg != "" {
		start, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"))
		if start < 0 || start > len(body) {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", len(body)))
			http.Error(w, "range not satisfiable", http.StatusRequestedRangeNotSatisfiable)
			return
		}
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(body)-1, len(body)))
		w.Header().Set("Content-Length", strconv.Itoa(len(body)-start))
		w.WriteHeader(http.StatusPartialContent)
	} else {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
	}
	if r.Method == http.MethodHead {
		return
	}
	part := body[start:]
	if dropping {
		part = part[:min(drop, len(part))]
	}
	h.mu.Lock()
	if h.sent == nil {
		h.sent = map[string]int{}
	}
	h.sent[name] += len(part)
	h.mu.Unlock()
	for slow > 0 && len(part) > SlowChunk {
		if _, err := w.Write(part[:SlowChunk]); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		part = part[SlowChunk:]
		select {
		case <-time.After(slow):
		case <-r.Context().Done():
			return
		}
	}
	w.Write(part)
	if dropping {
		w.(http.Flusher).Flush()
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	}
}

// count records a GET of name; h.mu is held.
func (h *Hub) count(name string) {
	if h.gets == nil {
		h.gets = map[string]int{}
	}
	h.gets[name]++
}

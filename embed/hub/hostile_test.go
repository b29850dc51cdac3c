// hostile_test.go serves hostile or broken hub answers from httptest
// servers: commit, etag and size headers that would become paths or sizes,
// redirect loops and redirects off http(s), Content-Range answers that do
// not fit the resumed file, bodies longer or shorter than announced, 416,
// HTML error pages, truncated chunked bodies, huge headers and a
// Retry-After of years. Each must end in a bounded time with an
// errors.Is-testable error (or a correct file), never a write outside the
// cache's own names.

package hub

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ganada/ganada/embed/hub/hubtest"
	"github.com/ganada/ganada/errs"
)

// goodHead is what the fake hub answers to HEAD config.json.
func goodHead(fh *hubtest.Hub) map[string]string {
	return map[string]string{"X-Repo-Commit": testCommit, "ETag": `"` + gitSHA1(fh.Files["config.json"]) + `"`,
		"Content-Length": strconv.Itoa(len(fh.Files["config.json"]))}
}

// checkCacheNames fails if the cache holds a path outside the layout:
// .locks/{repo}/{etag}.lock, {repo}/blobs|refs|snapshots|.no_exist/...
func checkCacheNames(t *testing.T, cache string) {
	t.Helper()
	filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(cache, p)
		rel = filepath.ToSlash(rel)
		if err != nil || rel == "." || d.IsDir() {
			return nil
		}
		ok := strings.HasPrefix(rel, ".locks/models--org--tiny-model/") && strings.HasSuffix(rel, ".lock") && strings.Count(rel, "/") == 2
		for _, sub := range []string{"blobs/", "refs/", "snapshots/" + testCommit + "/", ".no_exist/" + testCommit + "/"} {
			ok = ok || strings.HasPrefix(rel, "models--org--tiny-model/"+sub)
		}
		if !ok {
			t.Errorf("cache holds %s", rel)
		}
		return nil
	})
}

func TestHostileHeaders(t *testing.T) {
	const name = "config.json"
	big := strings.Repeat("a", 200)
	cases := []struct {
		what   string
		status int
		set    map[string]string // over goodHead; "" deletes
		want   string            // in the error message
	}{
		{"commit is a path", 200, map[string]string{"X-Repo-Commit": "../../../../tmp/evil"}, "X-Repo-Commit"},
		{"commit upper case", 200, map[string]string{"X-Repo-Commit": strings.ToUpper(testCommit)}, "X-Repo-Commit"},
		{"commit too short", 200, map[string]string{"X-Repo-Commit": testCommit[:39]}, "X-Repo-Commit"},
		{"commit missing", 200, map[string]string{"X-Repo-Commit": ""}, "X-Repo-Commit"},
		{"etag is a path", 200, map[string]string{"ETag": `"../../x"`}, "ETag"},
		{"etag is another blob's partial file", 200, map[string]string{"ETag": `"` + gitSHA1([]byte("x")) + `.incomplete"`}, "ETag"},
		{"etag dot", 200, map[string]string{"ETag": `"."`}, "ETag"},
		{"etag device name", 200, map[string]string{"ETag": `"con"`}, "ETag"},
		{"etag huge", 200, map[string]string{"ETag": `"` + big + `"`}, "ETag"},
		{"etag missing", 200, map[string]string{"ETag": ""}, "ETag"},
		{"linked etag dot-dot", 200, map[string]string{"X-Linked-Etag": `".."`}, "X-Linked-Etag"},
		{"linked size negative", 200, map[string]string{"X-Linked-Size": "-1"}, "X-Linked-Size"},
		{"linked size float", 200, map[string]string{"X-Linked-Size": "1e3"}, "X-Linked-Size"},
		{"linked size plus", 200, map[string]string{"X-Linked-Size": "+5"}, "X-Linked-Size"},
		{"linked size 60 GB", 200, map[string]string{"X-Linked-Size": "60000000000"}, "X-Linked-Size"},
		{"linked size overflows", 200, map[string]string{"X-Linked-Size": "99999999999999999999999"}, "X-Linked-Size"},
		{"content length 60 GB", 200, map[string]string{"Content-Length": "60000000000"}, "Content-Length"},
		{"redirect without a size", 302, map[string]string{"Location": "http://127.0.0.1:1/cdn/x"}, "no file size"},
		{"redirect to file://", 302, map[string]string{"Location": "file:///etc/passwd", "X-Linked-Size": "3"}, "only http and https"},
		{"redirect to ftp://", 302, map[string]string{"Location": "ftp://127.0.0.1/x", "X-Linked-Size": "3"}, "only http and https"},
		{"redirect to data:", 302, map[string]string{"Location": "data:,hello", "X-Linked-Size": "3"}, "only http and https"},
	}
	for _, tc := range cases {
		t.Run(tc.what, func(t *testing.T) {
			fh := newFakeHub()
			var gets atomic.Int32
			srv := overHub(fh, func(w http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodGet {
					gets.Add(1)
				}
				if r.Method != http.MethodHead || !strings.HasSuffix(r.URL.Path, "/"+name) {
					return false
				}
				h := goodHead(fh)
				for k, v := range tc.set {
					h[k] = v
				}
				for k, v := range h {
					if v != "" {
						w.Header().Set(k, v)
					}
				}
				w.WriteHeader(tc.status)
				return true
			})
			defer srv.Close()
			c, cache := newTestClient(t, srv)
			r, _ := c.Repo(testRepo, "main")
			start := time.Now()
			_, err := r.File(context.Background(), name)
			t.Log(err)
			if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want errs.ErrCorrupt naming %s", err, tc.want)
			}
			if err != nil && len(err.Error()) > 1000 {
				t.Errorf("error message of %d bytes", len(err.Error()))
			}
			if gets.Load() != 0 {
				t.Errorf("%d GETs after a bad HEAD answer", gets.Load())
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			checkCacheNames(t, cache)
			if _, err := os.Stat(filepath.Join(cache, RepoFolder(testRepo), "snapshots")); err == nil {
				t.Errorf("a snapshot folder was made")
			}
		})
	}

	// A bad answer counts as the hub failing: a cached file still loads
	// (as after huggingface_hub's FileMetadataError).
	fh := newFakeHub()
	good := overHub(fh, func(http.ResponseWriter, *http.Request) bool { return false })
	defer good.Close()
	c, cache := newTestClient(t, good)
	r, _ := c.Repo(testRepo, "main")
	if _, err := r.File(context.Background(), name); err != nil {
		t.Fatal(err)
	}
	bad := overHub(fh, func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("X-Repo-Commit", "../"+testCommit)
		w.WriteHeader(http.StatusOK)
		return true
	})
	defer bad.Close()
	rb, _ := mustNew(t, WithEndpoint(bad.URL), WithCacheDir(cache), WithOffline(false)).Repo(testRepo, "main")
	if p, err := rb.File(context.Background(), name); err != nil || !isFile(p) {
		t.Errorf("cached file behind a bad answer: %q, %v", p, err)
	}
}

// TestHostileNotFound: the commit of an EntryNotFound answer names the
// .no_exist folder, so it must be a commit hash too.
func TestHostileNotFound(t *testing.T) {
	fh := newFakeHub()
	srv := overHub(fh, func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("X-Repo-Commit", "../../../../evil")
		w.Header().Set("X-Error-Code", "EntryNotFound")
		w.WriteHeader(http.StatusNotFound)
		return true
	})
	defer srv.Close()
	c, cache := newTestClient(t, srv)
	r, _ := c.Repo(testRepo, "main")
	if _, err := r.File(context.Background(), "nope.json"); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("error %v, want errs.ErrNotFound", err)
	}
	checkCacheNames(t, cache)
	if _, err := os.Stat(filepath.Join(cache, RepoFolder(testRepo), ".no_exist")); err == nil {
		t.Error(".no_exist made from a bad commit")
	}
}

// TestRedirectLoops: a HEAD that redirects to itself (relative) and a GET
// whose CDN redirects to itself end after maxRedirects with errs.ErrCorrupt,
// without retries.
func TestRedirectLoops(t *testing.T) {
	for _, where := range []string{"HEAD", "GET"} {
		t.Run(where, func(t *testing.T) {
			waits := recordSleeps(t)
			fh := newFakeHub()
			var n atomic.Int32
			srv := overHub(fh, func(w http.ResponseWriter, r *http.Request) bool {
				if r.Method != where {
					return false
				}
				n.Add(1)
				if where == "HEAD" {
					w.Header().Set("Location", r.URL.Path) // relative, to itself
				} else {
					w.Header().Set("Location", "http://"+r.Host+r.URL.Path+"?again")
				}
				w.WriteHeader(http.StatusFound)
				return true
			})
			defer srv.Close()
			c, _ := newTestClient(t, srv)
			r, _ := c.Repo(testRepo, "main")
			_, err := r.File(context.Background(), "model.safetensors")
			t.Log(err)
			if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), "redirects") {
				t.Errorf("error %v, want errs.ErrCorrupt about redirects", err)
			}
			if k := n.Load(); k > maxRedirects+1 || len(*waits) != 0 {
				t.Errorf("%d requests, %d retries", k, len(*waits))
			}
		})
	}
	// A download redirected to file:// is refused, not retried.
	waits := recordSleeps(t)
	fh := newFakeHub()
	srv := overHub(fh, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/cdn/") {
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
			return true
		}
		return false
	})
	defer srv.Close()
	c, _ := newTestClient(t, srv)
	r, _ := c.Repo(testRepo, "main")
	if _, err := r.File(context.Background(), "model.safetensors"); !errors.Is(err, errs.ErrCorrupt) || len(*waits) != 0 {
		t.Errorf("GET redirected to file://: %v after %d retries, want errs.ErrCorrupt at once", err, len(*waits))
	}
}

// TestHostileDownloads serves hostile answers to the GET of the LFS file,
// most of them on a resumed download (a 1000-byte partial file is left).
func TestHostileDownloads(t *testing.T) {
	const name = "model.safetensors"
	body := newFakeHub().Files[name]
	size := len(body)
	cases := []struct {
		what    string
		partial bool
		serve   func(w http.ResponseWriter, r *http.Request, n int) bool // n: 0 for the first GET
		want    error                                                    // nil: the file ends complete
		check   func(t *testing.T, inc string, gets int)
	}{
		{"Content-Range starts elsewhere: start over", true, func(w http.ResponseWriter, r *http.Request, n int) bool {
			if n > 0 {
				return false
			}
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", size-1, size))
			w.WriteHeader(http.StatusPartialContent)
			w.Write(body)
			return true
		}, nil, nil},
		{"Content-Range unreadable: start over", true, func(w http.ResponseWriter, r *http.Request, n int) bool {
			if n > 0 {
				return false
			}
			w.Header().Set("Content-Range", "bytes x-y/z")
			w.WriteHeader(http.StatusPartialContent)
			return true
		}, nil, nil},
		{"Content-Range past the end: start over", true, func(w http.ResponseWriter, r *http.Request, n int) bool {
			if n > 0 {
				return false
			}
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 1000-%d/*", 2*size))
			w.WriteHeader(http.StatusPartialContent)
			return true
		}, nil, nil},
		{"Content-Range of another size", true, func(w http.ResponseWriter, r *http.Request, n int) bool {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 1000-%d/%d", size-1, size+1))
			w.WriteHeader(http.StatusPartialContent)
			w.Write(body[1000:])
			return true
		}, errs.ErrCorrupt, func(t *testing.T, inc string, gets int) {
			if gets != 1 {
				t.Errorf("%d GETs, want 1 (not retried)", gets)
			}
		}},
		{"416 on resume: start over", true, func(w http.ResponseWriter, r *http.Request, n int) bool {
			if r.Header.Get("Range") == "" {
				return false
			}
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return true
		}, nil, func(t *testing.T, inc string, gets int) {
			if gets != 2 {
				t.Errorf("%d GETs, want 2", gets)
			}
		}},
		{"Content-Length longer than announced", true, func(w http.ResponseWriter, r *http.Request, n int) bool {
			w.Header().Set("Content-Length", strconv.Itoa(size+10))
			w.Write(append(append([]byte(nil), body...), make([]byte, 10)...))
			return true
		}, errs.ErrCorrupt, func(t *testing.T, inc string, gets int) {
			if st, err := os.Stat(inc); err != nil || st.Size() != 1000 {
				t.Errorf("the partial file was not kept: %v, %v", st, err)
			}
		}},
		{"chunked body longer than announced", false, func(w http.ResponseWriter, r *http.Request, n int) bool {
			w.Write(body[:1000])
			w.(http.Flusher).Flush() // no Content-Length: chunked
			w.Write(body[1000:])
			w.Write([]byte("and then some"))
			return true
		}, errs.ErrCorrupt, func(t *testing.T, inc string, gets int) {
			if st, err := os.Stat(inc); err == nil && st.Size() != 0 {
				t.Errorf("suspect bytes kept: %d", st.Size())
			}
		}},
		{"200 with an HTML page", true, func(w http.ResponseWriter, r *http.Request, n int) bool {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>Please log in to the Wi-Fi</body></html>"))
			return true
		}, errs.ErrCorrupt, func(t *testing.T, inc string, gets int) {
			if st, err := os.Stat(inc); err != nil || st.Size() != 1000 {
				t.Errorf("the partial file was not kept: %v, %v", st, err)
			}
		}},
		{"200 with a chunked HTML page", false, func(w http.ResponseWriter, r *http.Request, n int) bool {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>"))
			w.(http.Flusher).Flush()
			w.Write([]byte("busy</html>"))
			return true
		}, io.ErrUnexpectedEOF, func(t *testing.T, inc string, gets int) {
			if gets != 3 {
				t.Errorf("%d GETs, want 3 (2 retries)", gets)
			}
		}},
		{"gzip despite Accept-Encoding: identity", false, func(w http.ResponseWriter, r *http.Request, n int) bool {
			var b bytes.Buffer
			z := gzip.NewWriter(&b)
			z.Write(body)
			z.Close()
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
			w.Write(b.Bytes())
			return true
		}, errs.ErrCorrupt, nil},
		{"chunked body cut mid-chunk: resumed", false, func(w http.ResponseWriter, r *http.Request, n int) bool {
			if n > 0 {
				return false
			}
			w.Write(body[:5000])
			w.(http.Flusher).Flush()
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err == nil {
				fmt.Fprintf(buf, "%x\r\n", 4000) // announce a chunk, send part of it
				buf.Write(body[5000:6000])
				buf.Flush()
				conn.Close()
			}
			return true
		}, nil, func(t *testing.T, inc string, gets int) {
			if gets != 2 {
				t.Errorf("%d GETs, want 2", gets)
			}
		}},
		{"huge response headers", false, func(w http.ResponseWriter, r *http.Request, n int) bool {
			w.Header().Set("X-Junk", strings.Repeat("j", 2<<20))
			w.Write(body)
			return true
		}, errAny, nil},
	}
	for _, tc := range cases {
		t.Run(tc.what, func(t *testing.T) {
			recordSleeps(t)
			fh := newFakeHub()
			var gets atomic.Int32
			srv := overHub(fh, func(w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodGet || r.URL.Path != "/cdn/"+name {
					return false
				}
				return tc.serve(w, r, int(gets.Add(1))-1)
			})
			defer srv.Close()
			c, cache := newTestClient(t, srv, WithRetries(2))
			blobs := filepath.Join(cache, RepoFolder(testRepo), "blobs")
			inc := filepath.Join(blobs, sha256hex(body)+".incomplete")
			if tc.partial {
				os.MkdirAll(blobs, 0o755)
				os.WriteFile(inc, body[:1000], 0o644)
			}
			r, _ := c.Repo(testRepo, "main")
			start := time.Now()
			p, err := r.File(context.Background(), name)
			t.Log(err)
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("error %v, want the file", err)
			case tc.want == nil:
				if got, _ := os.ReadFile(p); !bytes.Equal(got, body) {
					t.Fatal("content differs")
				}
			case tc.want == errAny && err == nil, tc.want != errAny && !errors.Is(err, tc.want):
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), name) {
				t.Errorf("error %v does not name the file", err)
			}
			if tc.check != nil {
				tc.check(t, inc, int(gets.Load()))
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			checkCacheNames(t, cache)
		})
	}
}

// errAny stands for any error in TestHostileDownloads.
var errAny = errors.New("any error")

// TestRetryAfterYears: a Retry-After of years (in seconds or as a date)
// waits retryAfterMax.
func TestRetryAfterYears(t *testing.T) {
	waits := recordSleeps(t)
	fh := newFakeHub()
	fh.FailGets("model.safetensors", []failure{{Status: 429, RetryAfter: "315360000000"}, {Status: 503, RetryAfter: "Fri, 31 Dec 9999 23:59:59 GMT"}, {Status: 429, RetryAfter: "99999999999999999999999999"}}...)
	srv := httptest.NewServer(fh)
	defer srv.Close()
	c, _ := newTestClient(t, srv)
	r, _ := c.Repo(testRepo, "main")
	if _, err := r.File(context.Background(), "model.safetensors"); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 3 {
		t.Fatalf("waits %v", *waits)
	}
	for _, d := range *waits {
		if d != retryAfterMax {
			t.Errorf("waits %v, want %v each", *waits, retryAfterMax)
		}
	}
}

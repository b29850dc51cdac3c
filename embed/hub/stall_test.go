// stall_test.go checks the download's idle timeout: a server that sends
// its headers (or part of a body) and then nothing must not hang File; the
// stall is retried with a Range request like a dropped connection and
// finally reported as an error wrapping os.ErrDeadlineExceeded.

package hub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ganada/ganada/embed/hub/hubtest"
)

// overHub serves fh, except the requests override handles (returning true).
func overHub(fh *hubtest.Hub, override func(w http.ResponseWriter, r *http.Request) bool) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !override(w, r) {
			fh.ServeHTTP(w, r)
		}
	}))
}

// rangeFrom returns the first byte a request's Range asks for (0 without).
func rangeFrom(r *http.Request) int {
	s := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Range"), "bytes="), "-")
	n, _ := strconv.Atoi(s)
	return n
}

// stallingHub answers the first `stalls` GETs of the LFS file with
// headers and `chunk` bytes (none and no headers either when chunk < 0),
// then nothing until the client gives up.
func stallingHub(t *testing.T, fh *hubtest.Hub, stalls int32, chunk int) (*httptest.Server, *atomic.Int32, func() []string) {
	var left, gets atomic.Int32
	left.Store(stalls)
	var mu sync.Mutex
	var ranges []string
	srv := overHub(fh, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodGet || r.URL.Path != "/cdn/model.safetensors" {
			return false
		}
		gets.Add(1)
		mu.Lock()
		ranges = append(ranges, r.Header.Get("Range"))
		mu.Unlock()
		if left.Add(-1) < 0 {
			return false
		}
		if chunk >= 0 {
			body := fh.Files["model.safetensors"]
			start := rangeFrom(r)
			w.Header().Set("Content-Length", strconv.Itoa(len(body)-start))
			if start > 0 {
				w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(body)-1, len(body)))
				w.WriteHeader(http.StatusPartialContent)
			}
			w.Write(body[start : start+chunk])
			w.(http.Flusher).Flush()
		}
		select { // stall
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
			t.Errorf("the client did not give up on a stalled GET")
		}
		return true
	})
	return srv, &gets, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), ranges...)
	}
}

func TestStalledDownload(t *testing.T) {
	const name = "model.safetensors"
	idle := 100 * time.Millisecond
	t.Run("body stalls twice, then resumes", func(t *testing.T) {
		recordSleeps(t)
		fh := newFakeHub()
		srv, gets, ranges := stallingHub(t, fh, 2, 1000)
		defer srv.Close()
		c, _ := newTestClient(t, srv, WithDownloadTimeout(idle))
		r, _ := c.Repo(testRepo, "main")
		start := time.Now()
		p, err := r.File(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, fh.Files[name]) {
			t.Fatal("content differs")
		}
		if gets.Load() != 3 || strings.Join(ranges(), ",") != ",bytes=1000-,bytes=2000-" {
			t.Errorf("%d GETs with Range %q, want 3 resuming at 1000 and 2000", gets.Load(), ranges())
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})
	for _, tc := range []struct {
		what  string
		chunk int
	}{{"body always stalls", 1000}, {"no response headers", -1}} {
		t.Run(tc.what, func(t *testing.T) {
			waits := recordSleeps(t)
			fh := newFakeHub()
			srv, gets, _ := stallingHub(t, fh, 100, tc.chunk)
			defer srv.Close()
			c, _ := newTestClient(t, srv, WithDownloadTimeout(idle), WithRetries(2))
			r, _ := c.Repo(testRepo, "main")
			start := time.Now()
			_, err := r.File(context.Background(), name)
			if !errors.Is(err, os.ErrDeadlineExceeded) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "HF_HUB_DOWNLOAD_TIMEOUT") {
				t.Fatalf("error %v, want one wrapping os.ErrDeadlineExceeded naming the file", err)
			}
			if gets.Load() != 3 || len(*waits) != 2 {
				t.Errorf("%d GETs, %d waits; want 3 and 2 (retried like a dropped connection)", gets.Load(), len(*waits))
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	t.Run("a slow but steady body is not a stall", func(t *testing.T) {
		fh := newFakeHub()
		fh.Slow = 40 * time.Millisecond // 9 pauses: < the timeout each, > it in total
		srv := httptest.NewServer(fh)
		defer srv.Close()
		c, _ := newTestClient(t, srv, WithDownloadTimeout(3*idle), WithRetries(0))
		r, _ := c.Repo(testRepo, "main")
		if _, err := r.File(context.Background(), name); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDownloadTimeoutSetting(t *testing.T) {
	t.Setenv("HF_HUB_DOWNLOAD_TIMEOUT", "0.25")
	if d := mustNew(t).downloadTimeout; d != 250*time.Millisecond {
		t.Errorf("HF_HUB_DOWNLOAD_TIMEOUT=0.25: %v", d)
	}
	if d := mustNew(t, WithDownloadTimeout(time.Minute)).downloadTimeout; d != time.Minute {
		t.Errorf("WithDownloadTimeout over the environment: %v", d)
	}
	if d := mustNew(t, nil).downloadTimeout; d != 250*time.Millisecond {
		t.Errorf("a nil option changes the default: %v", d)
	}
	for _, bad := range []string{"abc", "0", "-3", "1e99", "NaN"} {
		t.Setenv("HF_HUB_DOWNLOAD_TIMEOUT", bad)
		if d := mustNew(t).downloadTimeout; d != defaultDownloadTimeout {
			t.Errorf("HF_HUB_DOWNLOAD_TIMEOUT=%s: %v, want the default", bad, d)
		}
	}
}

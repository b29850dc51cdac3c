// errors_test.go checks the error vocabulary of the package: each kind of
// failure wraps its errs sentinel (or fs.ErrPermission), and the kinds Has
// and File must tell apart stay apart.

package hub

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

func TestErrorKinds(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
		}))
		c, _ := newTestClient(t, srv)
		r, err := c.Repo(testRepo, "main")
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.File(context.Background(), "config.json")
		if !errors.Is(err, fs.ErrPermission) || errors.Is(err, errs.ErrNotFound) || !strings.Contains(err.Error(), "HF_TOKEN") {
			t.Errorf("HTTP %d: File: %v, want fs.ErrPermission saying HF_TOKEN", status, err)
		}
		if ok, err := r.Has(context.Background(), "config.json"); ok || !errors.Is(err, fs.ErrPermission) {
			t.Errorf("HTTP %d: Has: %v, %v", status, ok, err)
		}
		srv.Close()
	}

	// Offline and not cached: errs.ErrNotFound (fs.ErrNotExist), not a
	// repository that does not exist, and Has without a snapshot fails.
	off := mustNew(t, WithCacheDir(t.TempDir()), WithOffline(true))
	r, _ := off.Repo(testRepo, "main")
	_, err := r.File(context.Background(), "config.json")
	if !errors.Is(err, errs.ErrNotFound) || !errors.Is(err, fs.ErrNotExist) || !isNotCached(err) || isRepoNotFound(err) || knownAbsent(err) {
		t.Errorf("offline, not cached: %v", err)
	}
	if ok, err := r.Has(context.Background(), "config.json"); ok || err == nil {
		t.Errorf("offline Has without a snapshot: %v, %v", ok, err)
	}

	// Caller's bad input: errs.ErrInvalidInput, never counted as the hub
	// being down.
	if _, err := off.Repo("a/b/c", ""); !errors.Is(err, errs.ErrInvalidInput) || !strings.Contains(err.Error(), "a/b/c") {
		t.Errorf("bad repository id: %v", err)
	}
	if _, err := r.File(context.Background(), "../x"); !errors.Is(err, errs.ErrInvalidInput) || unreachable(context.Background(), err) {
		t.Errorf("bad file name: %v", err)
	}
	// A bad answer is errs.ErrCorrupt and counts as the hub failing.
	if err := answerError("HEAD x: bad"); !errors.Is(err, errs.ErrCorrupt) || !unreachable(context.Background(), err) || !strings.HasPrefix(err.Error(), "hub: ") {
		t.Errorf("bad answer: %v", err)
	}
}

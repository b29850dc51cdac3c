// names_test.go checks the repository id and revision rules: ids as
// huggingface_hub's validate_repo_id accepts them (so that no two ids share
// a cache folder), revisions whose refs/{revision} file stays inside refs/
// ("." once wrote refs itself as a file and broke the repository's cache).

package hub

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

func TestRepoIDRules(t *testing.T) {
	long := strings.Repeat("a", 96)
	valid := []string{"foo", "foo/bar", "123", "Foo-BAR_foo.bar123", "_x", "x_", "_", "a/b", "a.b/c-d",
		"sentence-transformers/all-MiniLM-L6-v2", "intfloat/multilingual-e5-small", long, long + "/" + long, "a/b.gi", "a.git_"}
	invalid := []string{"", "/", "a/", "/a", "a/b/c", "datasets/foo/bar", ".repo_id", "-x", "x-", "x.", "a/.b", "a/b-",
		"foo--bar", "org--x/name", "org/x--name", "other..repo..id", "a/b..c", "foo.git", "a/b.git", long + "a",
		"a/" + long + "a", long + "a/b", "a b", "a\tb", "a\x00b", "caf\u00e9", "a\\b", "a:b", "a@b", "a/b@main", "..", "."}
	for _, id := range valid {
		if !ValidRepoID(id) {
			t.Errorf("ValidRepoID(%q) = false, want true", id)
		}
	}
	for _, id := range invalid {
		if ValidRepoID(id) {
			t.Errorf("ValidRepoID(%q) = true, want false", id)
		}
		if _, err := mustNew(t, WithOffline(true)).Repo(id, ""); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("Repo(%q): %v, want errs.ErrInvalidInput", id, err)
		}
	}
}

func TestRevisionRules(t *testing.T) {
	valid := []string{"main", "v1.0", "refs/pr/1", strings.Repeat("a", 255), "refs/convert/parquet", testCommit, "release-2024_01", "a.b", "..a", "a..b", "x."}
	invalid := []string{"", ".", "..", "./main", "main/.", "a/../b", "../refs", "/main", "/etc/passwd", "main/", "a//b",
		`a\b`, `..\x`, "a\x00b", "a\nb", "a\x7f", "C:main", "main:stream", strings.Repeat("a", 256), "refs/" + strings.Repeat("a", 256)}
	for _, rev := range valid {
		if err := validRevision(rev); err != nil {
			t.Errorf("validRevision(%q): %v", rev, err)
		}
	}
	for _, rev := range invalid {
		if err := validRevision(rev); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("validRevision(%q): %v, want errs.ErrInvalidInput", rev, err)
		}
		if _, err := Open(testRepo+"@"+rev, ""); rev != "" && !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("Open(%q): %v, want errs.ErrInvalidInput", testRepo+"@"+rev, err)
		}
		if _, err := OpenCacheFolder(t.TempDir(), rev); rev != "" && !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("OpenCacheFolder(dir, %q): %v, want errs.ErrInvalidInput", rev, err)
		}
	}
}

// TestDotRevision is the original failure: Load("org/name@.") wrote the
// commit into refs itself (refs/. is refs), after which no revision of the
// repository could be cached. Now it is refused before any I/O, and a
// branch with slashes is quoted in the URL and kept inside refs/.
func TestDotRevision(t *testing.T) {
	fh := newFakeHub()
	var escaped []string
	srv := overHub(fh, func(w http.ResponseWriter, r *http.Request) bool {
		if p := r.URL.EscapedPath(); strings.Contains(p, "/resolve/refs%2Fpr%2F1/") {
			escaped = append(escaped, p)
			r.URL.Path = strings.Replace(r.URL.Path, "/resolve/refs/pr/1/", "/resolve/main/", 1)
			r.URL.RawPath = ""
		}
		return false
	})
	defer srv.Close()
	c, cache := newTestClient(t, srv)
	ctx := context.Background()
	for _, rev := range []string{".", "..", "main/", "refs/../main"} {
		s, err := Open(testRepo+"@"+rev, "", WithEndpoint(srv.URL), WithCacheDir(cache), WithOffline(false))
		if !errors.Is(err, errs.ErrInvalidInput) {
			t.Fatalf("Open(@%s) = %v, %v, want errs.ErrInvalidInput", rev, s, err)
		}
		if _, err := c.Repo(testRepo, rev); !errors.Is(err, errs.ErrInvalidInput) {
			t.Fatalf("Repo(%q): %v, want errs.ErrInvalidInput", rev, err)
		}
	}
	if _, err := os.Stat(filepath.Join(cache, RepoFolder(testRepo))); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused revision touched the cache: %v", err)
	}
	// The repository's cache still works, and refs/pr/1 is a file under
	// refs/refs/pr/ (as huggingface_hub writes it).
	for _, rev := range []string{"main", "refs/pr/1"} {
		r, err := c.Repo(testRepo, rev)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.File(ctx, "config.json"); err != nil {
			t.Fatalf("%s: %v", rev, err)
		}
		ref := filepath.Join(cache, RepoFolder(testRepo), "refs", filepath.FromSlash(rev))
		if b, err := os.ReadFile(ref); err != nil || string(b) != testCommit {
			t.Errorf("%s: %q, %v", ref, b, err)
		}
	}
	if len(escaped) == 0 {
		t.Error("refs/pr/1 was not quoted as refs%2Fpr%2F1 in the URL")
	}
}

// FuzzNames checks, for any string, that an accepted revision names a
// file strictly inside refs/ that no other revision names, and that an
// accepted repository id has a cache folder no other id has.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"main", ".", "..", "refs/pr/1", "a/../b", "org--x/name", "org/x--name", `a\b`, "/x", "a//b", "x/", "_a/b_", "a.git"} {
		f.Add(s)
	}
	refs := filepath.Join("cache", "refs")
	f.Fuzz(func(t *testing.T, s string) {
		if validRevision(s) == nil {
			p := filepath.Join(refs, filepath.FromSlash(s))
			rel, err := filepath.Rel(refs, p)
			if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.ToSlash(rel) != s {
				t.Errorf("revision %q: refs file %s (relative %q, %v)", s, p, rel, err)
			}
		}
		if ValidRepoID(s) {
			folder := RepoFolder(s)
			back := strings.ReplaceAll(strings.TrimPrefix(folder, "models--"), "--", "/")
			if back != s || strings.ContainsAny(folder, `/\`) || len(folder) > 255 {
				t.Errorf("id %q: folder %q does not name it alone", s, folder)
			}
		}
	})
}

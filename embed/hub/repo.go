// repo.go resolves one file of a repository at a revision: from the cache
// when it is there, else by asking the hub for its commit and etag and
// downloading it.

package hub

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ganada/ganada/errs"
)

// repoMissing is the error for a repository or revision that does not
// exist (or is hidden); it wraps errs.ErrNotFound. Has tells it from a file
// the repository lacks, which answers false.
type repoMissing struct{ err error }

func (e *repoMissing) Error() string { return e.err.Error() }
func (e *repoMissing) Unwrap() error { return e.err }

// repoNotFound returns a repoMissing whose message is "hub: " and format,
// then errs.ErrNotFound's.
func repoNotFound(format string, args ...any) error {
	return &repoMissing{fmt.Errorf("hub: "+format+": %w", append(args, errs.ErrNotFound)...)}
}

func isRepoNotFound(err error) bool {
	var m *repoMissing
	return errors.As(err, &m)
}

// NotCachedError is the error of File for a file the cache does not hold
// when the network may not be used (offline: HF_HUB_OFFLINE, WithOffline,
// OpenCacheFolder). It wraps errs.ErrNotFound, and its message says how to
// fetch the file. Unlike a file the repository lacks (also
// errs.ErrNotFound), it does not say that the file does not exist: test
// for it with errors.As to tell the two apart.
type NotCachedError struct{ err error }

// Error returns the message.
func (e *NotCachedError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error (errs.ErrNotFound).
func (e *NotCachedError) Unwrap() error { return e.err }

// knownAbsent reports whether err says that the file does not exist (on
// the hub, or recorded so in the cache), rather than that it could not be
// looked up or that the repository does not exist.
func knownAbsent(err error) bool {
	var nc *NotCachedError
	return errors.Is(err, errs.ErrNotFound) && !errors.As(err, &nc) && !isRepoNotFound(err)
}

// Repo is a model repository at a revision (branch, tag or commit). Its
// files are fetched into the cache on demand. It is safe for concurrent use.
type Repo struct {
	c        *Client
	id       string
	revision string
	storage  string

	mu     sync.Mutex
	commit string // resolved commit, once known
	down   error  // why the hub could not be reached, once it could not
}

// hubDown returns the error that showed the hub unreachable for this
// Repo, or nil. After one such failure the Repo answers from the cache
// without asking again, so that loading a cached model on a network that
// drops traffic costs one metadata timeout, not one per file.
func (r *Repo) hubDown() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.down
}

func (r *Repo) setDown(err error) {
	r.mu.Lock()
	if r.down == nil {
		r.down = err
	}
	r.mu.Unlock()
}

// Repo returns the repository id ("org/name") at revision ("" means
// "main"). It does no I/O.
func (c *Client) Repo(id, revision string) (*Repo, error) {
	if !ValidRepoID(id) {
		return nil, fmt.Errorf("hub: repository id %q: %w", id, errs.ErrInvalidInput)
	}
	if revision == "" {
		revision = "main"
	}
	if err := validRevision(revision); err != nil {
		return nil, err
	}
	return &Repo{c: c, id: id, revision: revision, storage: filepath.Join(c.cacheDir, RepoFolder(id))}, nil
}

// ID returns the repository id.
func (r *Repo) ID() string { return r.id }

// Revision returns the revision asked for.
func (r *Repo) Revision() string { return r.revision }

// Commit returns the commit hash the revision resolved to, or "" before any
// file was resolved.
func (r *Repo) Commit() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.commit
}

func (r *Repo) setCommit(c string) {
	r.mu.Lock()
	r.commit = c
	r.mu.Unlock()
}

// cachedCommit returns the commit the revision is known to resolve to
// without the network: the revision itself if it is a commit hash, else the
// content of refs/{revision}.
func (r *Repo) cachedCommit() string {
	if commitHash.MatchString(r.revision) {
		return r.revision
	}
	b, err := os.ReadFile(filepath.Join(r.storage, "refs", filepath.FromSlash(r.revision)))
	if err != nil {
		return ""
	}
	c := strings.TrimSpace(string(b))
	if !commitHash.MatchString(c) {
		return ""
	}
	return c
}

func (r *Repo) pointer(commit, name string) string {
	return filepath.Join(r.storage, "snapshots", commit, filepath.FromSlash(name))
}

// snapshot returns the commit of the revision's cached snapshot, and
// whether its folder exists.
func (r *Repo) snapshot() (string, bool) {
	commit := r.cachedCommit()
	if commit == "" {
		return "", false
	}
	st, err := os.Stat(filepath.Join(r.storage, "snapshots", commit))
	return commit, err == nil && st.IsDir()
}

// notCached says that name is not in the cache and how to fetch it.
func (r *Repo) notCached(name string) string {
	get := "hf download " + r.id
	if r.revision != "main" {
		get += " --revision " + r.revision
	}
	how := "load it once with network access, or run `" + get + "` (huggingface_hub's CLI)"
	if commit, ok := r.snapshot(); ok {
		return fmt.Sprintf("%s is not in the cached snapshot %s of %s@%s in %s: the model is not fully in the cache; %s",
			name, commit, r.id, r.revision, r.storage, how)
	}
	return fmt.Sprintf("%s@%s has no cached snapshot in %s; %s", r.id, r.revision, r.storage, how)
}

// fromCache returns the cached path of name, or an error wrapping
// errs.ErrNotFound: the file is known not to exist (knownAbsent), or it is
// not cached (a NotCachedError).
func (r *Repo) fromCache(name string) (string, error) {
	if commit := r.cachedCommit(); commit != "" {
		if p := r.pointer(commit, name); isFile(p) {
			r.setCommit(commit)
			return p, nil
		}
		if _, err := os.Stat(filepath.Join(r.storage, ".no_exist", commit, filepath.FromSlash(name))); err == nil {
			return "", fmt.Errorf("hub: %s in %s@%s: %w", name, r.id, commit, errs.ErrNotFound)
		}
	}
	return "", &NotCachedError{fmt.Errorf("hub: offline: %s: %w", r.notCached(name), errs.ErrNotFound)}
}

// unreachable reports whether err, from asking the hub about a file, means
// the hub could not answer (network failure, 5xx, refused access) rather
// than that the file or repository does not exist or the caller's input is
// invalid; the cache then answers, as in huggingface_hub. An answer that
// cannot be used safely (badAnswer, errs.ErrCorrupt) counts as the hub
// failing, as huggingface_hub's FileMetadataError.
func unreachable(ctx context.Context, err error) bool {
	return ctx.Err() == nil && !errors.Is(err, errs.ErrNotFound) && !errors.Is(err, errs.ErrInvalidInput)
}

// File returns the local path of the named file (slash-separated, relative
// to the repository root), downloading it into the cache if needed. A file
// the repository does not have returns an error wrapping errs.ErrNotFound
// (and so fs.ErrNotExist), as does a repository or revision the hub does
// not have.
//
// When offline, or when the hub cannot be reached, the cached snapshot of
// the revision is used if it holds the file; if it does not, the error
// (a NotCachedError when offline, the network error otherwise)
// says so and how to fetch the file.
func (r *Repo) File(ctx context.Context, name string) (string, error) {
	if err := validFile(name); err != nil {
		return "", err
	}
	if commitHash.MatchString(r.revision) {
		if p := r.pointer(r.revision, name); isFile(p) {
			r.setCommit(r.revision)
			return p, nil
		}
	}
	if r.c.offline {
		return r.fromCache(name)
	}
	if err := r.hubDown(); err != nil {
		return r.fallBack(err, name)
	}
	meta, err := r.head(ctx, name)
	if err != nil {
		if !unreachable(ctx, err) {
			return "", err
		}
		r.setDown(err)
		return r.fallBack(err, name)
	}
	r.setCommit(meta.commit)
	pointer := r.pointer(meta.commit, name)
	if isFile(pointer) {
		_ = r.writeRef(meta.commit)
		return pointer, nil
	}
	blob := filepath.Join(r.storage, "blobs", meta.etag)
	lock := r.c.lockFor(blob)
	lock.Lock()
	defer lock.Unlock()
	if !isFile(blob) {
		if err := r.c.download(ctx, r.id+"/"+name, meta, blob, r.lockPath(meta.etag)); err != nil {
			return "", err
		}
	}
	if err := r.writeRef(meta.commit); err != nil {
		return "", err
	}
	if err := linkPointer(blob, pointer); err != nil {
		return "", fmt.Errorf("hub: %s: %w", name, err)
	}
	return pointer, nil
}

// fallBack answers File from the cache after err showed the hub
// unreachable or failing.
func (r *Repo) fallBack(err error, name string) (string, error) {
	p, cerr := r.fromCache(name)
	if cerr == nil || knownAbsent(cerr) {
		return p, cerr
	}
	return "", fmt.Errorf("%w; %s", err, r.notCached(name))
}

// Has reports whether the repository has the named file without
// downloading it: from the cache when it holds the file or knows it absent,
// else by a HEAD request.
//
// When the hub cannot be asked (offline, or unreachable) and the revision
// has a snapshot in the cache, the snapshot answers: a file it does not
// hold counts as absent, as huggingface_hub and transformers treat optional
// files of a partly downloaded model (File still fails for it). Without a
// snapshot, Has returns the error.
func (r *Repo) Has(ctx context.Context, name string) (bool, error) {
	if err := validFile(name); err != nil {
		return false, err
	}
	if _, err := r.fromCache(name); err == nil {
		return true, nil
	} else if knownAbsent(err) {
		return false, nil
	} else if r.c.offline {
		if _, ok := r.snapshot(); ok {
			return false, nil
		}
		return false, err
	}
	if err := r.hubDown(); err != nil {
		if _, ok := r.snapshot(); ok {
			return false, nil
		}
		return false, err
	}
	meta, err := r.head(ctx, name)
	if knownAbsent(err) {
		return false, nil
	}
	if err != nil {
		if unreachable(ctx, err) {
			r.setDown(err)
			if _, ok := r.snapshot(); ok {
				return false, nil
			}
		}
		return false, err
	}
	r.setCommit(meta.commit)
	return true, nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// lockPath is the file lock guarding the download of the blob etag:
// {cache}/.locks/{repo folder}/{etag}.lock, where huggingface_hub takes it.
func (r *Repo) lockPath(etag string) string {
	return filepath.Join(filepath.Dir(r.storage), ".locks", filepath.Base(r.storage), etag+".lock")
}

// writeRef records that the revision resolved to commit (refs/{revision}).
func (r *Repo) writeRef(commit string) error {
	if r.revision == commit {
		return nil
	}
	p := filepath.Join(r.storage, "refs", filepath.FromSlash(r.revision))
	if b, err := os.ReadFile(p); err == nil && string(b) == commit {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return writeFileAtomic(p, []byte(commit))
}

// tmpSeq numbers the temporary symlinks of linkPointer.
var tmpSeq atomic.Uint64

// linkPointer makes snapshots/{commit}/{file} a relative symlink to the
// blob, or a copy where symlinks are not supported.
func linkPointer(blob, pointer string) error {
	if err := os.MkdirAll(filepath.Dir(pointer), 0o755); err != nil {
		return err
	}
	rel, err := filepath.Rel(filepath.Dir(pointer), blob)
	if err != nil {
		rel = blob
	}
	// A name no other goroutine or process uses: two Clients of one
	// process may link the same pointer at once.
	tmp := pointer + ".tmp" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(tmpSeq.Add(1), 10)
	_ = os.Remove(tmp)
	if err := os.Symlink(rel, tmp); err == nil {
		if err := os.Rename(tmp, pointer); err != nil {
			_ = os.Remove(tmp)
			return err
		}
		return nil
	}
	b, err := os.ReadFile(blob)
	if err != nil {
		return err
	}
	return writeFileAtomic(pointer, b)
}

// fileMeta is what the hub's HEAD response says about a file.
type fileMeta struct {
	commit   string
	etag     string
	size     int64
	location string // URL to GET (after a redirect to a CDN, its address)
}

// maxFileSize bounds the size the hub may announce: 50 GB, the largest
// file huggingface_hub downloads over plain http (MAX_HTTP_DOWNLOAD_SIZE).
const maxFileSize = 50_000_000_000

// head asks the hub for a file's commit, etag, size and location, following
// relative redirects only (as huggingface_hub does, e.g. to a renamed
// repository), at most maxRedirects. The token goes only to the endpoint's
// origin (see sendsToken).
func (r *Repo) head(ctx context.Context, name string) (*fileMeta, error) {
	ctx, cancel := context.WithTimeout(ctx, r.c.etagTimeout)
	defer cancel()
	u := r.c.endpoint + "/" + r.id + "/resolve/" + url.PathEscape(r.revision) + "/" + escapePath(name)
	cur, err := url.Parse(u)
	if err != nil {
		return nil, fmt.Errorf("hub: endpoint %q: %v: %w", r.c.endpoint, err, errs.ErrInvalidInput)
	}
	for hops := 0; ; hops++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, cur.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept-Encoding", "identity")
		if r.c.sendsToken(cur) {
			r.c.auth(req)
		}
		resp, err := r.c.head.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // it repeats the method and URL
			}
			return nil, fmt.Errorf("hub: HEAD %s: %w", cur.Redacted(), err)
		}
		resp.Body.Close()
		if err := r.statusError(resp, name); err != nil {
			return nil, err
		}
		var next *url.URL
		if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
			ref, err := url.Parse(loc)
			if err != nil {
				return nil, answerError("HEAD %s: Location %q: %v", cur.Redacted(), clip(loc), err)
			}
			next = cur.ResolveReference(ref)
			if err := checkTarget("HEAD "+cur.Redacted(), next); err != nil {
				return nil, err
			}
			if ref.Scheme == "" && ref.Host == "" { // relative: follow
				if hops >= maxRedirects {
					return nil, answerError("HEAD %s: more than %d redirects", u, maxRedirects)
				}
				cur = next
				continue
			}
		}
		return r.meta(resp, cur, next, name)
	}
}

// meta reads and checks the file's metadata from the final HEAD answer
// (from cur; next is where it redirects to, or nil): the commit must be a
// 40-hex hash (it names the snapshot folder), the etag must be usable as a
// file name (it names the blob and the lock) and the size must be a
// decimal within maxFileSize.
func (r *Repo) meta(resp *http.Response, cur, next *url.URL, name string) (*fileMeta, error) {
	where := "HEAD " + cur.Redacted()
	m := &fileMeta{commit: resp.Header.Get("X-Repo-Commit"), location: cur.String()}
	if next != nil {
		m.location = next.String()
	}
	switch {
	case m.commit == "":
		return nil, answerError("%s: no X-Repo-Commit header: is %s a Hugging Face hub?", where, r.c.endpoint)
	case !commitHash.MatchString(m.commit):
		return nil, answerError("%s: X-Repo-Commit %q is not a 40-hex commit hash", where, clip(m.commit))
	}
	etagHeader := "X-Linked-Etag"
	m.etag = normalizeEtag(resp.Header.Get(etagHeader))
	if m.etag == "" {
		etagHeader = "ETag"
		m.etag = normalizeEtag(resp.Header.Get(etagHeader))
	}
	if !validEtag(m.etag) {
		return nil, answerError("%s: %s %q cannot name a blob file (1 to %d of A-Z a-z 0-9 _ + = -)", where, etagHeader, clip(m.etag), maxEtag)
	}
	sizeHeader := "X-Linked-Size"
	size := resp.Header.Get(sizeHeader)
	if size == "" && next == nil {
		sizeHeader = "Content-Length"
		size = resp.Header.Get(sizeHeader)
	}
	if size == "" {
		return nil, answerError("%s: no file size (X-Linked-Size or Content-Length) for %s", where, name)
	}
	n, ok := parseSize(size)
	if !ok {
		return nil, answerError("%s: %s %q is not a size from 0 to %d bytes", where, sizeHeader, clip(size), int64(maxFileSize))
	}
	m.size = n
	return m, nil
}

// parseSize reads a byte count: decimal digits only, at most maxFileSize.
func parseSize(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 12 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n <= maxFileSize
}

// maxEtag is the longest etag accepted (a sha256 has 64 hex digits).
const maxEtag = 128

// validEtag reports whether an etag can name blobs/{etag} and
// .locks/.../{etag}.lock: 1 to maxEtag ASCII letters, digits, '_', '+',
// '=' or '-', and not a Windows device name. Without '.', it cannot be
// another blob's .incomplete or temporary file, nor "." or "..".
func validEtag(e string) bool {
	if e == "" || len(e) > maxEtag {
		return false
	}
	for i := 0; i < len(e); i++ {
		c := e[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '+' || c == '=' || c == '-') {
			return false
		}
	}
	switch u := strings.ToUpper(e); {
	case u == "CON" || u == "PRN" || u == "AUX" || u == "NUL":
		return false
	case len(u) == 4 && (strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && u[3] >= '0' && u[3] <= '9':
		return false
	}
	return true
}

// clip shortens a header value quoted in an error message.
func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "..."
	}
	return s
}

func (r *Repo) statusError(resp *http.Response, name string) error {
	switch {
	case resp.StatusCode < 400:
		return nil
	case resp.StatusCode == http.StatusNotFound:
		code := resp.Header.Get("X-Error-Code")
		if code == "EntryNotFound" {
			if c := resp.Header.Get("X-Repo-Commit"); commitHash.MatchString(c) {
				p := filepath.Join(r.storage, ".no_exist", c, filepath.FromSlash(name))
				if os.MkdirAll(filepath.Dir(p), 0o755) == nil {
					if f, err := os.Create(p); err == nil {
						f.Close()
					}
				}
				_ = r.writeRef(c)
			}
			return fmt.Errorf("hub: %s in %s@%s: %w", name, r.id, r.revision, errs.ErrNotFound)
		}
		if code == "RevisionNotFound" {
			return repoNotFound("revision %s@%s", r.id, r.revision)
		}
		return repoNotFound("repository %s (missing, or private or gated: set HF_TOKEN)", r.id)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("hub: %s: HTTP %d for %s (private or gated repository: set HF_TOKEN): %w", r.id, resp.StatusCode, name, fs.ErrPermission)
	}
	return fmt.Errorf("hub: %s@%s/%s: HTTP %s", r.id, r.revision, name, resp.Status)
}

func (c *Client) auth(req *http.Request) {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
}

func escapePath(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// normalizeEtag strips the weak prefix and quotes: W/"abc" → abc.
func normalizeEtag(e string) string {
	e = strings.TrimPrefix(strings.TrimSpace(e), "W/")
	return strings.Trim(e, `"`)
}

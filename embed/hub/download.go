// download.go fetches one blob under its file lock: resumable GET into
// {etag}.incomplete, size and checksum verification, fsync and atomic
// rename into blobs/{etag}.

package hub

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ganada/ganada/errs"
)

var (
	sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)
	sha1Hex   = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// Waits between download attempts: retryBase doubled after each failed
// attempt up to retryMaxBackoff, or what a 429 or 5xx answer's Retry-After
// asks, up to retryAfterMax. Variables so that tests can shorten them.
var (
	retryBase       = 500 * time.Millisecond
	retryMaxBackoff = 8 * time.Second
	retryAfterMax   = time.Minute
)

// retryable marks a failure worth resuming: a dropped connection, a
// timeout, or a 5xx / 429 answer (with its Retry-After, if any: after > 0).
type retryable struct {
	err   error
	after time.Duration
}

func (e retryable) Error() string { return e.err.Error() }
func (e retryable) Unwrap() error { return e.err }

// download fetches m into blob. file names it in errors and progress.
// It holds the file lock at lockPath throughout, so that another process
// sharing the cache neither writes the same .incomplete file meanwhile nor
// downloads again a blob this one has just finished.
func (c *Client) download(ctx context.Context, file string, m *fileMeta, blob, lockPath string) error {
	if err := os.MkdirAll(filepath.Dir(blob), 0o755); err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(lockPath), 0o755); err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	unlock, err := lockFile(ctx, lockPath)
	if err != nil {
		return err
	}
	defer unlock()
	if isFile(blob) {
		return nil // another process finished it while we waited
	}
	inc := blob + ".incomplete"
	fresh := false // a from-scratch retry after a checksum mismatch was done
	for {
		resumed, err := c.fetch(ctx, file, m, inc)
		if err != nil {
			return err
		}
		err = verify(inc, m)
		if err == nil {
			break
		}
		_ = os.Remove(inc)
		if !resumed || fresh || !errors.Is(err, errs.ErrCorrupt) {
			return fmt.Errorf("hub: %s: %w", file, err)
		}
		fresh = true // the kept partial file may have been bad: start over once
	}
	if err := os.Rename(inc, blob); err != nil {
		return fmt.Errorf("hub: %s: %w", file, err)
	}
	syncDir(filepath.Dir(blob))
	return nil
}

// fetch downloads into inc, resuming what it holds and retrying dropped
// connections. It reports whether any attempt resumed a partial file.
func (c *Client) fetch(ctx context.Context, file string, m *fileMeta, inc string) (resumed bool, err error) {
	for attempt := 0; ; attempt++ {
		r, err := c.fetchOnce(ctx, file, m, inc)
		resumed = resumed || r
		if err == nil {
			return resumed, nil
		}
		if ctx.Err() != nil {
			return resumed, ctx.Err()
		}
		var re retryable
		if attempt >= c.retries || !errors.As(err, &re) {
			return resumed, fmt.Errorf("hub: download %s: %w", file, err)
		}
		if err := sleep(ctx, retryDelay(attempt, re.after)); err != nil {
			return resumed, err
		}
	}
}

// retryDelay is the wait before retrying after failed attempt number
// attempt (from 0): Retry-After when the server sent one, capped at
// retryAfterMax, else an exponential backoff.
func retryDelay(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, retryAfterMax)
	}
	d := retryBase
	for i := 0; i < attempt && d < retryMaxBackoff; i++ {
		d *= 2
	}
	return min(d, retryMaxBackoff)
}

// sleep waits for d or until ctx is done, whichever comes first, and then
// returns ctx.Err().
var sleep = func(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	return ctx.Err()
}

// parseRetryAfter reads a Retry-After header: delay seconds, or an HTTP
// date. It returns 0 when absent or unreadable (a negative number too), and
// at most a little over retryAfterMax.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if strings.Trim(h, "0123456789") == "" { // delay-seconds, of any length
		n, err := strconv.ParseInt(h, 10, 64)
		switch {
		case err != nil: // more than int64: years beyond any cap
			return retryAfterMax
		case n == 0:
			return 0
		}
		return time.Duration(min(n, int64(retryAfterMax/time.Second)+1)) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// fetchOnce makes one GET of m.location into inc, resuming from inc's
// size with a Range request. A failure worth another attempt (a dropped
// connection, a stall longer than the download timeout, a 5xx or 429, a
// Range answered with the wrong bytes) is a retryable; an answer that
// contradicts the HEAD's size is an error wrapping errs.ErrCorrupt, and so
// is a refused redirect (a badAnswer, not retried).
func (c *Client) fetchOnce(ctx context.Context, file string, m *fileMeta, inc string) (resumed bool, err error) {
	f, err := os.OpenFile(inc, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return false, err
	}
	defer func() {
		if serr := f.Sync(); err == nil && serr != nil {
			err = serr
		}
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	off := st.Size()
	if off > m.size {
		if err := f.Truncate(0); err != nil {
			return false, err
		}
		off = 0
	}
	if off == m.size && m.size > 0 {
		return true, nil
	}

	// The watchdog cancels the attempt when the response, or the next bytes
	// of its body, take longer than the download timeout.
	idle := c.downloadTimeout
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stalled := fmt.Errorf("no data for %v (HF_HUB_DOWNLOAD_TIMEOUT): %w", idle, os.ErrDeadlineExceeded)
	watchdog := time.AfterFunc(idle, func() { cancel(stalled) })
	defer watchdog.Stop()
	failed := func(err error) error { // classifies a transport error
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case context.Cause(actx) == stalled:
			return retryable{err: stalled}
		case isBadAnswer(err): // a refused redirect: asking again changes nothing
			var ue *url.Error
			if errors.As(err, &ue) {
				return ue.Err // it repeats the method and URL
			}
			return err
		}
		return retryable{err: err}
	}

	req, err := http.NewRequestWithContext(actx, http.MethodGet, m.location, nil)
	if err != nil {
		return false, answerError("GET %q: %v", clip(m.location), err)
	}
	req.Header.Set("Accept-Encoding", "identity")
	if c.sendsToken(req.URL) {
		c.auth(req)
	}
	if off > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-")
	}
	resp, err := c.get.Do(req)
	watchdog.Stop()
	if err != nil {
		return false, failed(err)
	}
	defer resp.Body.Close()
	where := "GET " + resp.Request.URL.Redacted()
	switch {
	case resp.StatusCode == http.StatusPartialContent:
		start, end, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if ok && total >= 0 && total != m.size {
			return false, fmt.Errorf("checksum mismatch: %s: Content-Range %q: the file has %d bytes, the hub announced %d: %w", where, clip(resp.Header.Get("Content-Range")), total, m.size, errs.ErrCorrupt)
		}
		if !ok || start != off || end >= m.size {
			// Not the bytes asked for: start over without a Range.
			if err := f.Truncate(0); err != nil {
				return false, err
			}
			return false, retryable{err: fmt.Errorf("%s: Range bytes=%d- answered with Content-Range %q", where, off, clip(resp.Header.Get("Content-Range")))}
		}
		resumed = off > 0
	case resp.StatusCode == http.StatusOK:
		if resp.ContentLength >= 0 && resp.ContentLength != m.size {
			return false, fmt.Errorf("checksum mismatch: %s: Content-Length %d, the hub announced %d bytes: %w", where, resp.ContentLength, m.size, errs.ErrCorrupt)
		}
		// The server ignored or was not sent a Range: start over.
		if err := f.Truncate(0); err != nil {
			return false, err
		}
		off = 0
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && off > 0:
		_ = f.Truncate(0)
		return false, retryable{err: fmt.Errorf("%s: HTTP %s for bytes=%d-", where, resp.Status, off)}
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return false, retryable{err: fmt.Errorf("%s: HTTP %s", where, resp.Status), after: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	default:
		return false, fmt.Errorf("%s: HTTP %s", where, resp.Status)
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return resumed, err
	}
	buf := make([]byte, 256<<10)
	done := off
	for {
		watchdog.Reset(idle)
		n, rerr := resp.Body.Read(buf)
		watchdog.Stop()
		if n > 0 {
			if done+int64(n) > m.size {
				_ = f.Truncate(0) // whatever it sent is suspect
				return false, fmt.Errorf("checksum mismatch: %s: more than the announced %d bytes: %w", where, m.size, errs.ErrCorrupt)
			}
			if _, err := f.Write(buf[:n]); err != nil {
				return resumed, err
			}
			done += int64(n)
			if c.progress != nil {
				c.progress(file, done, m.size)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return resumed, failed(rerr)
		}
	}
	if done != m.size {
		return resumed, retryable{err: fmt.Errorf("%s: connection closed after %d of %d bytes: %w", where, done, m.size, io.ErrUnexpectedEOF)}
	}
	return resumed, nil
}

// parseContentRange parses "bytes start-end/total" (total -1 for "*"),
// with 0 <= start <= end and end < total.
func parseContentRange(cr string) (start, end, total int64, ok bool) {
	s, ok := strings.CutPrefix(strings.TrimSpace(cr), "bytes ")
	if !ok {
		return 0, 0, 0, false
	}
	rng, tot, ok1 := strings.Cut(s, "/")
	a, b, ok2 := strings.Cut(rng, "-")
	if !ok1 || !ok2 {
		return 0, 0, 0, false
	}
	var ok3, ok4 bool
	start, ok3 = parseSize(a)
	end, ok4 = parseSize(b)
	total = -1
	if tot != "*" {
		var ok5 bool
		if total, ok5 = parseSize(tot); !ok5 || end >= total {
			return 0, 0, 0, false
		}
	}
	return start, end, total, ok3 && ok4 && start <= end
}

// verify checks the file's size and, where the etag is a content hash, its
// checksum: sha256 for LFS files (64 hex digits), the git blob sha1 of
// "blob {size}\x00{content}" for regular files (40 hex digits). Other etags
// cannot be checked and only the size is verified.
func verify(path string, m *fileMeta) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() != m.size {
		return fmt.Errorf("checksum mismatch: %d bytes, the hub announced %d: %w", st.Size(), m.size, errs.ErrCorrupt)
	}
	var h hash.Hash
	switch {
	case sha256Hex.MatchString(m.etag):
		h = sha256.New()
	case sha1Hex.MatchString(m.etag):
		h = sha1.New()
		fmt.Fprintf(h, "blob %d\x00", st.Size())
	default:
		return nil
	}
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != m.etag {
		return fmt.Errorf("checksum mismatch: content hashes to %s, etag is %s: %w", got, m.etag, errs.ErrCorrupt)
	}
	return nil
}

// writeFileAtomic writes b to path through a temporary file in the same
// folder: write, fsync, rename, fsync the folder.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return err
	}
	syncDir(dir)
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

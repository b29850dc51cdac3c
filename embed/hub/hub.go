// Package hub finds Hugging Face model files on disk and downloads them from
// the Hugging Face Hub into the same cache layout the Python library
// huggingface_hub uses, so models downloaded by either are shared:
//
//	$HF_HUB_CACHE (default $HF_HOME/hub, default ~/.cache/huggingface/hub)
//	├── .locks/models--{org}--{name}/{etag}.lock   download locks
//	└── models--{org}--{name}/
//	    ├── blobs/{etag}                 file contents, named by their etag
//	    ├── refs/{revision}              the commit a branch or tag resolved to
//	    ├── snapshots/{commit}/{file}    relative symlinks to ../../blobs/{etag}
//	    └── .no_exist/{commit}/{file}    files known to be absent
//
// Downloads resume from a partial blobs/{etag}.incomplete file with an HTTP
// Range request, retry a dropped connection or a 429 or 5xx answer with
// exponential backoff (honouring Retry-After), check the size and checksum
// (the sha256 the hub sends as X-Linked-Etag for LFS files; the git blob
// sha1 it sends as ETag for small files), and are moved into place with an
// atomic rename after fsync.
//
// A download holds an exclusive OS file lock (flock on Unix, LockFileEx on
// Windows) on .locks/models--{org}--{name}/{etag}.lock in the cache folder,
// the lock file huggingface_hub takes, so that processes sharing the cache
// (two instances of an application starting at once, or Python and Go)
// download each blob once: a process that finds the lock held waits for it
// (until its context is cancelled), then uses the blob the other one
// finished. Lock files are left in place, as huggingface_hub leaves them.
// Platforms without file locking (js/wasm, wasip1, plan9, solaris, aix)
// skip the lock; there only downloads within one process are serialised.
//
// When offline (HF_HUB_OFFLINE=1) or when the hub cannot be reached, the
// cached snapshot of the revision answers, as in huggingface_hub: its files
// are used, and a file it lacks counts as absent for Has (a partial
// download, such as one made with allow_patterns, leaves no record of the
// files it skipped), while File fails for it with an error saying the model
// is not fully in the cache and how to fetch it. A repository folder of
// the cache can also be opened by its path (OpenCacheFolder, or Open), to
// read a copy of it without the network. A Repo asks an unreachable hub
// once: a metadata request that fails (a network error, a 5xx, or no answer
// within HF_HUB_ETAG_TIMEOUT, 10 s by default) makes its later calls answer
// from the cache.
//
// The token (HF_TOKEN) is sent only to the endpoint's own origin (scheme,
// host and port): never to another host, such as the CDN a large file is
// redirected to, nor over http from an https endpoint (huggingface_hub
// keeps it on a redirect to http on the same host; this package does not);
// an endpoint configured as http:// (a local mirror or test hub) gets it as
// configured. A download that receives nothing for HF_HUB_DOWNLOAD_TIMEOUT
// (10 s) counts as a dropped connection and is resumed; when the retries
// run out the error wraps os.ErrDeadlineExceeded. Every value of the hub's
// answer that becomes a path or a size (the commit, the etag, the sizes, a
// Content-Range, redirects) is checked before use: an unusable answer is an
// error wrapping errs.ErrCorrupt (for a metadata request, the cache then
// answers as when the hub is down), and so are bytes that do not match the
// announced size or the checksum.
//
// Errors wrap the sentinels of package errs: errs.ErrNotFound (and so
// fs.ErrNotExist) for a repository, revision or file that does not exist,
// or a file not in the cache when offline (a *NotCachedError);
// errs.ErrInvalidInput for a
// malformed repository id, revision or file name; errs.ErrCorrupt for a
// hub answer that cannot be used or a download that fails its checksum;
// errs.ErrInvalidOption for a bad option. A private or gated repository
// the token does not open gives an error wrapping fs.ErrPermission; network
// errors are returned as they are (wrapped with the request).
//
// The environment is read as huggingface_hub reads it: HF_ENDPOINT (base
// URL), HF_TOKEN (or the token file $HF_HOME/token), HF_HUB_OFFLINE=1 (use
// the cache only), HF_HUB_ETAG_TIMEOUT (seconds a metadata request may
// take), HF_HUB_DOWNLOAD_TIMEOUT (seconds a download may receive nothing),
// HF_HUB_CACHE and HF_HOME. Options override each.
package hub

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ganada/ganada/errs"
)

// DefaultEndpoint is the hub's base URL when HF_ENDPOINT is not set.
const DefaultEndpoint = "https://huggingface.co"

// Client downloads and resolves files. It is safe for concurrent use.
type Client struct {
	config

	etagTimeout time.Duration // for each metadata (HEAD) request

	origin *url.URL     // the endpoint's origin, to which the token may go
	head   *http.Client // http, following no redirects (head follows relative ones)
	get    *http.Client // http, redirects checked and the token dropped off origin

	mu    sync.Mutex
	locks map[string]*sync.Mutex // per blob path, to download each once
}

// config is what the options set.
type config struct {
	endpoint        string
	token           string
	cacheDir        string
	offline         bool
	http            *http.Client
	retries         int
	progress        func(file string, done, total int64)
	downloadTimeout time.Duration // longest wait for a download's next bytes
}

// Option configures a Client. An option whose value is unusable makes New
// (and Open, OpenCacheFolder) return an error wrapping errs.ErrInvalidOption
// that names the option and the value.
type Option func(*config) error

// maxRetries bounds WithRetries: with the backoff capped at 8 s (or a
// minute of Retry-After), more would only hide a hub that is down.
const maxRetries = 100

// WithEndpoint sets the hub's base URL (default $HF_ENDPOINT or
// https://huggingface.co); files are fetched from
// {endpoint}/{repo}/resolve/{revision}/{file}. It must be an absolute http
// or https URL with a host.
func WithEndpoint(endpoint string) Option {
	return func(c *config) error {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("hub: WithEndpoint(%q): not an http or https URL with a host: %w", endpoint, errs.ErrInvalidOption)
		}
		c.endpoint = strings.TrimRight(endpoint, "/")
		return nil
	}
}

// WithToken sets the access token sent as "Authorization: Bearer" (default
// $HF_TOKEN, or the file $HF_HOME/token). An empty token sends none; a
// token with control characters or spaces, which cannot be sent in a
// header, is refused.
func WithToken(token string) Option {
	return func(c *config) error {
		for i := 0; i < len(token); i++ {
			if token[i] <= ' ' || token[i] == 0x7f {
				return fmt.Errorf("hub: WithToken: byte %d of the token is a control character or a space: %w", i, errs.ErrInvalidOption)
			}
		}
		c.token = token
		return nil
	}
}

// WithCacheDir sets the cache folder (default CacheDir()); it must not be
// empty.
func WithCacheDir(dir string) Option {
	return func(c *config) error {
		if dir == "" {
			return fmt.Errorf("hub: WithCacheDir(\"\"): empty folder name: %w", errs.ErrInvalidOption)
		}
		c.cacheDir = dir
		return nil
	}
}

// WithOffline forbids (true) or allows (false) network access, overriding
// HF_HUB_OFFLINE.
func WithOffline(offline bool) Option {
	return func(c *config) error { c.offline = offline; return nil }
}

// WithHTTPClient sets the HTTP client (default, or when h is nil: one with
// a 30 s response header timeout, 1 MiB of response headers at most and no
// overall timeout, so large files can stream). Its CheckRedirect, if any,
// is called before the package's own redirect checks (at most 10
// redirects, http or https only, the token dropped off the endpoint's
// origin).
func WithHTTPClient(h *http.Client) Option {
	return func(c *config) error { c.http = h; return nil }
}

// WithRetries sets how many times a failed, dropped or stalled download is
// resumed before giving up (default 5, from 0 to 100). Retries wait 0.5 s,
// doubled after each failed attempt up to 8 s, or what the server's
// Retry-After asks (up to a minute) after a 429 or 5xx answer; a cancelled
// context ends the wait.
func WithRetries(n int) Option {
	return func(c *config) error {
		if n < 0 || n > maxRetries {
			return fmt.Errorf("hub: WithRetries(%d): outside [0, %d]: %w", n, maxRetries, errs.ErrInvalidOption)
		}
		c.retries = n
		return nil
	}
}

// WithDownloadTimeout sets how long a download may wait for its response or
// its next bytes (default $HF_HUB_DOWNLOAD_TIMEOUT seconds, else 10 s, as
// huggingface_hub); d must be positive. A stalled download is resumed like
// a dropped connection; when the retries run out, the error wraps
// os.ErrDeadlineExceeded.
func WithDownloadTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("hub: WithDownloadTimeout(%v): not positive: %w", d, errs.ErrInvalidOption)
		}
		c.downloadTimeout = d
		return nil
	}
}

// WithProgress sets a function called as a download advances, with the
// file's name within its repository, the bytes held so far and the total
// (-1 if unknown); nil calls none. It is called from the downloading
// goroutine: downloads of concurrent File calls call it concurrently, so f
// must be safe for concurrent use.
func WithProgress(f func(file string, done, total int64)) Option {
	return func(c *config) error { c.progress = f; return nil }
}

// New returns a Client configured from the environment, then opts (nil
// options are skipped). The first option that fails gives an error
// wrapping errs.ErrInvalidOption. New does no I/O beyond reading the
// environment (and the token file).
func New(opts ...Option) (*Client, error) {
	c := &Client{
		config: config{
			endpoint:        strings.TrimRight(envOr("HF_ENDPOINT", DefaultEndpoint), "/"),
			token:           envToken(),
			cacheDir:        CacheDir(),
			offline:         envTrue("HF_HUB_OFFLINE"),
			retries:         5,
			downloadTimeout: envSeconds("HF_HUB_DOWNLOAD_TIMEOUT", defaultDownloadTimeout),
		},
		locks:       map[string]*sync.Mutex{},
		etagTimeout: envSeconds("HF_HUB_ETAG_TIMEOUT", defaultEtagTimeout),
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c.config); err != nil {
			return nil, err
		}
	}
	if c.http == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = 30 * time.Second
		t.MaxResponseHeaderBytes = 1 << 20
		c.http = &http.Client{Transport: t}
	}
	c.origin, _ = url.Parse(c.endpoint) // nil if malformed ($HF_ENDPOINT): no token is sent
	c.head, c.get = c.redirectClients()
	return c, nil
}

// defaultEtagTimeout is how long a metadata (HEAD) request may take before
// the hub counts as unreachable, as huggingface_hub's HF_HUB_ETAG_TIMEOUT
// (10 s, which the environment variable overrides, in seconds);
// defaultDownloadTimeout how long a download may receive nothing, as its
// HF_HUB_DOWNLOAD_TIMEOUT.
var (
	defaultEtagTimeout     = 10 * time.Second
	defaultDownloadTimeout = 10 * time.Second
)

// envSeconds reads a positive number of seconds from the environment
// variable key (fractions allowed, at most a day), else returns def.
func envSeconds(key string, def time.Duration) time.Duration {
	if v := os.Getenv(key); v != "" {
		if s, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && s > 0 && s <= 86400 {
			return time.Duration(s * float64(time.Second))
		}
	}
	return def
}

// CacheDir returns the hub cache folder huggingface_hub uses:
// $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub,
// else ~/.cache/huggingface/hub.
func CacheDir() string {
	if d := os.Getenv("HF_HUB_CACHE"); d != "" {
		return d
	}
	return filepath.Join(hfHome(), "hub")
}

func hfHome() string {
	if d := os.Getenv("HF_HOME"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "huggingface")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	return filepath.Join(home, ".cache", "huggingface")
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envTrue(key string) bool {
	switch strings.ToUpper(strings.TrimSpace(os.Getenv(key))) {
	case "1", "ON", "YES", "TRUE":
		return true
	}
	return false
}

func envToken() string {
	if t := os.Getenv("HF_TOKEN"); t != "" {
		return strings.TrimSpace(t)
	}
	path := os.Getenv("HF_TOKEN_PATH")
	if path == "" {
		path = filepath.Join(hfHome(), "token")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

var commitHash = regexp.MustCompile(`^[0-9a-f]{40}$`)

// maxRepoPart is the longest name (and, here, namespace) of a repository
// id, as huggingface_hub's validate_repo_id.
const maxRepoPart = 96

// ValidRepoID reports whether id is a repository id huggingface_hub
// accepts (its validate_repo_id): "name" or "namespace/name", each part
// 1 to 96 ASCII letters, digits, '_', '-' or '.', starting and ending with
// a letter, digit or '_', with no "--" or ".." anywhere and no ".git"
// suffix. So the cache folder models--{namespace}--{name} names one id
// only. Unlike huggingface_hub (whose \w admits any Unicode letter and
// whose namespace has no length limit) non-ASCII letters are refused and
// the namespace is bounded too, so that ids that look alike do not share a
// folder and the folder name fits any file system.
func ValidRepoID(id string) bool {
	if strings.Count(id, "/") > 1 || strings.Contains(id, "--") || strings.Contains(id, "..") || strings.HasSuffix(id, ".git") {
		return false
	}
	for _, p := range strings.Split(id, "/") {
		if !validRepoPart(p) {
			return false
		}
	}
	return true
}

func validRepoPart(p string) bool {
	if p == "" || len(p) > maxRepoPart {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		word := c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !word && !((c == '-' || c == '.') && i > 0 && i < len(p)-1) {
			return false
		}
	}
	return true
}

// RepoFolder returns the cache folder name of a model repository,
// "models--{org}--{name}".
func RepoFolder(id string) string {
	return "models--" + strings.ReplaceAll(id, "/", "--")
}

// validFile checks a file name within a repository: relative, slash-
// separated, without "." or ".." elements.
func validFile(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) {
		return fmt.Errorf("hub: file name %q: %w", name, errs.ErrInvalidInput)
	}
	for _, p := range strings.Split(name, "/") {
		if p == "" || p == "." || p == ".." {
			return fmt.Errorf("hub: file name %q: %w", name, errs.ErrInvalidInput)
		}
	}
	return nil
}

// validRevision checks a revision (branch, tag or commit) before it is
// quoted into a URL (with its slashes, as huggingface_hub's
// quote(revision, safe="")) and becomes the file refs/{revision}: that
// file must be a file strictly inside refs/, and two revisions must not
// name the same file. So "", "/main", "a\\b", "main/", "a//b", ".", ".."
// and any "." or ".." element are refused, as are control characters
// (NUL included), ':' (a drive or a data stream on Windows; git refuses it
// in ref names too) and elements longer than 255 bytes; "refs/pr/1" is a
// valid branch.
func validRevision(rev string) error {
	bad := rev == "" || strings.HasPrefix(rev, "/") || strings.ContainsAny(rev, `\:`) || filepath.IsAbs(rev) || filepath.VolumeName(rev) != ""
	for i := 0; i < len(rev) && !bad; i++ {
		bad = rev[i] < 0x20 || rev[i] == 0x7f
	}
	for _, p := range strings.Split(rev, "/") {
		if p == "" || p == "." || p == ".." || len(p) > 255 {
			bad = true
		}
	}
	if bad {
		return fmt.Errorf("hub: revision %q: %w", rev, errs.ErrInvalidInput)
	}
	return nil
}

func (c *Client) lockFor(key string) *sync.Mutex {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.locks[key]
	if !ok {
		m = &sync.Mutex{}
		c.locks[key] = m
	}
	return m
}

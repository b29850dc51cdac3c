// transport.go decides where the token may go and which redirects are
// followed: the token only to the endpoint's own origin, at most
// maxRedirects redirects, and only to http or https URLs. It also holds
// badAnswer, the error for a hub answer that cannot be used safely.

package hub

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ganada/ganada/errs"
)

// maxRedirects is how many redirects a request follows, as Go's and
// requests' default.
const maxRedirects = 10

// badAnswer is a hub answer that cannot be used safely: a header of the
// wrong form, a size out of bounds, a redirect loop or a redirect off
// http(s). It wraps errs.ErrCorrupt; unlike an invalid name given by the
// caller, a bad answer to a metadata request counts as the hub failing, so
// that the cache answers if it can (as huggingface_hub's
// FileMetadataError does), and a refused redirect is not retried.
type badAnswer struct{ err error }

func (e *badAnswer) Error() string { return e.err.Error() }
func (e *badAnswer) Unwrap() error { return e.err }

// answerError returns a badAnswer whose message is "hub: ", format, then
// errs.ErrCorrupt's.
func answerError(format string, args ...any) error {
	return &badAnswer{fmt.Errorf("hub: "+format+": %w", append(args, errs.ErrCorrupt)...)}
}

func isBadAnswer(err error) bool {
	var b *badAnswer
	return errors.As(err, &b)
}

// sendsToken reports whether a request to u may carry the token: u must
// have the endpoint's origin (same scheme, host and port), or be the https
// upgrade of an http endpoint on the same host (default ports), as httpx,
// which huggingface_hub uses, keeps Authorization on redirects. So a token
// never leaves the endpoint's host, and never goes over http unless the
// endpoint itself was configured as http:// (a local mirror or test hub).
func (c *Client) sendsToken(u *url.URL) bool {
	o := c.origin
	if c.token == "" || o == nil || u == nil || !strings.EqualFold(u.Hostname(), o.Hostname()) || u.Hostname() == "" {
		return false
	}
	us, es := strings.ToLower(u.Scheme), strings.ToLower(o.Scheme)
	switch {
	case us == es:
		return port(u) == port(o)
	case us == "https" && es == "http":
		return port(u) == "443" && port(o) == "80"
	}
	return false
}

// port returns u's port, or its scheme's default.
func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// checkTarget refuses a URL that the answer to the request where (method
// and URL) redirects to, and that is not http or https (file://, ftp://,
// data:...) or has no host.
func checkTarget(where string, u *url.URL) error {
	if s := strings.ToLower(u.Scheme); (s != "http" && s != "https") || u.Host == "" {
		return answerError("%s: redirect to %q: only http and https locations are followed", where, clip(u.Redacted()))
	}
	return nil
}

// redirectClients returns the clients of metadata requests (no redirect
// followed by the client: head follows relative ones itself) and of
// downloads (at most maxRedirects, http(s) only, the token dropped on any
// hop off the endpoint's origin — Go's client would keep it for an http
// downgrade, another port or a subdomain). Both share c.http's transport;
// c.http's own CheckRedirect runs first.
func (c *Client) redirectClients() (head, get *http.Client) {
	user := c.http.CheckRedirect
	h, g := *c.http, *c.http
	h.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	g.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return answerError("GET %s: more than %d redirects", via[0].URL.Redacted(), maxRedirects)
		}
		if err := checkTarget("GET "+via[len(via)-1].URL.Redacted(), req.URL); err != nil {
			return err
		}
		if user != nil {
			if err := user(req, via); err != nil {
				return err
			}
		}
		if !c.sendsToken(req.URL) {
			req.Header.Del("Authorization")
		}
		return nil
	}
	return &h, &g
}

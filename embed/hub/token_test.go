// token_test.go checks where the token goes: a hub reached over https whose
// answers redirect to http:// on the very same host and port (a listener
// that speaks TLS and plain HTTP on one port), to another port and to
// another host name must never get the Authorization header there, on the
// HEAD, on the GET's own redirects, nor on a retried GET.

package hub

import (
	"bufio"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// dualListener hands out TLS connections for clients that start a TLS
// handshake and plain ones otherwise, so one port serves https and http.
type dualListener struct {
	net.Listener
	tls *tls.Config
}

func (l dualListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(c)
	pc := &peekedConn{Conn: c, r: br}
	if b, err := br.Peek(1); err == nil && b[0] == 0x16 { // TLS handshake record
		return tls.Server(pc, l.tls), nil
	}
	return pc, nil
}

type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// seen is one request a server got.
type seen struct {
	tls                 bool
	host, method, path  string
	authorization, rnge string
}

type requestLog struct {
	mu   sync.Mutex
	reqs []seen
}

func (l *requestLog) add(r *http.Request) {
	l.mu.Lock()
	l.reqs = append(l.reqs, seen{r.TLS != nil, r.Host, r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Range")})
	l.mu.Unlock()
}

func (l *requestLog) all() []seen {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]seen(nil), l.reqs...)
}

func TestTokenNeverLeaves(t *testing.T) {
	fh := newFakeHub()
	fh.FailGets("model.safetensors", []failure{{Status: 503}}...) // the retried GET too
	var log requestLog
	// other is a second https server (another port, the same test
	// certificate) that serves the same files.
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		fh.ServeHTTP(w, r)
	}))
	defer other.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	plainURL := "http://" + ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		base := "/" + testRepo + "/resolve/main/"
		if r.Method == http.MethodGet && r.TLS != nil {
			switch strings.TrimPrefix(r.URL.Path, base) {
			case "config.json": // the GET itself is redirected to http, same host and port
				http.Redirect(w, r, plainURL+"/cdn/config.json", http.StatusFound)
				return
			case "sentence_bert_config.json": // to another host name (same address)
				http.Redirect(w, r, "http://localhost:"+strconv.Itoa(port)+"/cdn/sentence_bert_config.json", http.StatusFound)
				return
			case "1_Pooling/config.json": // to another port over https
				http.Redirect(w, r, other.URL+"/cdn/1_Pooling/config.json", http.StatusFound)
				return
			}
		}
		fh.ServeHTTP(w, r) // LFS: HEAD answers 302 to http://{same host}/cdn/...
	})}
	go srv.Serve(dualListener{ln, other.TLS})
	defer srv.Close()
	endpoint := "https://" + ln.Addr().String()

	c := mustNew(t, WithEndpoint(endpoint), WithCacheDir(t.TempDir()), WithToken("secret"), WithOffline(false),
		WithHTTPClient(other.Client()))
	r, err := c.Repo(testRepo, "main")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"model.safetensors", "config.json", "sentence_bert_config.json", "1_Pooling/config.json"} {
		p, err := r.File(context.Background(), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, _ := os.ReadFile(p); string(got) != string(fh.Files[name]) {
			t.Fatalf("%s: content differs", name)
		}
	}
	var withToken, plain, offHost int
	for _, s := range log.all() {
		origin := s.tls && s.host == ln.Addr().String()
		if !s.tls {
			plain++
		}
		if !origin {
			offHost++
		}
		if s.authorization != "" {
			withToken++
			if !origin {
				t.Errorf("token sent to %v", s)
			}
		}
	}
	// The downgrade, the other host and the other port were all reached,
	// and the https origin got the token.
	if plain < 3 || offHost < 4 || withToken < 4 {
		t.Errorf("%d plain requests, %d off the origin, %d with the token; log %v", plain, offHost, withToken, log.all())
	}

	// A hub configured as http:// (a local test hub) gets the token, as
	// configured.
	log = requestLog{}
	hc := mustNew(t, WithEndpoint(plainURL), WithCacheDir(t.TempDir()), WithToken("secret"), WithOffline(false))
	hr, _ := hc.Repo(testRepo, "main")
	if _, err := hr.File(context.Background(), "model.safetensors"); err != nil {
		t.Fatal(err)
	}
	for _, s := range log.all() {
		if s.authorization != "Bearer secret" {
			t.Errorf("http endpoint: request %v without the token", s)
		}
	}
}

// TestSendsToken is the origin rule on its own.
func TestSendsToken(t *testing.T) {
	cases := []struct {
		endpoint, target string
		want             bool
	}{
		{"https://huggingface.co", "https://huggingface.co/x", true},
		{"https://huggingface.co", "https://HuggingFace.co:443/x", true},
		{"https://huggingface.co", "http://huggingface.co/x", false},          // downgrade
		{"https://huggingface.co", "https://huggingface.co:8443/x", false},    // other port
		{"https://huggingface.co", "https://cdn-lfs.huggingface.co/x", false}, // subdomain (Go keeps it)
		{"https://huggingface.co", "https://huggingface.co.evil.com/x", false},
		{"https://huggingface.co", "ftp://huggingface.co/x", false},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/x", true}, // configured as http
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081/x", false},
		{"http://hub.local", "https://hub.local/x", true}, // upgrade, default ports
		{"http://hub.local:8080", "https://hub.local/x", false},
	}
	for _, tc := range cases {
		c := mustNew(t, WithEndpoint(tc.endpoint), WithToken("t"))
		u, _ := url.Parse(tc.target)
		if got := c.sendsToken(u); got != tc.want {
			t.Errorf("endpoint %s, target %s: sendsToken %v, want %v", tc.endpoint, tc.target, got, tc.want)
		}
	}
	if mustNew(t, WithToken("")).sendsToken(&url.URL{Scheme: "https", Host: "huggingface.co"}) {
		t.Error("an empty token is sent")
	}
	// A malformed $HF_ENDPOINT (WithEndpoint refuses one) gets no token.
	t.Setenv("HF_ENDPOINT", "::bad")
	if mustNew(t, WithToken("t")).sendsToken(&url.URL{Scheme: "https", Host: "huggingface.co"}) {
		t.Error("token sent with a malformed HF_ENDPOINT")
	}
}

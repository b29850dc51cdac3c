// options_test.go checks that every option validates its own value: a bad
// one makes New, Open and OpenCacheFolder fail with errs.ErrInvalidOption
// naming the option, before any I/O.

package hub

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
)

func TestOptionErrors(t *testing.T) {
	bad := []struct {
		opt  Option
		name string
	}{
		{WithEndpoint(""), "WithEndpoint"},
		{WithEndpoint("::bad"), "WithEndpoint"},
		{WithEndpoint("huggingface.co"), "WithEndpoint"},
		{WithEndpoint("file:///etc"), "WithEndpoint"},
		{WithEndpoint("https://"), "WithEndpoint"},
		{WithToken("a\r\nX-Evil: 1"), "WithToken"},
		{WithToken("tok en"), "WithToken"},
		{WithToken("tok\x00"), "WithToken"},
		{WithCacheDir(""), "WithCacheDir"},
		{WithRetries(-1), "WithRetries(-1)"},
		{WithRetries(maxRetries + 1), "WithRetries"},
		{WithDownloadTimeout(0), "WithDownloadTimeout(0s)"},
		{WithDownloadTimeout(-time.Second), "WithDownloadTimeout(-1s)"},
	}
	for _, tc := range bad {
		c, err := New(WithOffline(true), tc.opt)
		if c != nil || !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("New(%s...) = %v, %v; want an ErrInvalidOption naming the option", tc.name, c, err)
		}
		if _, err := Open(t.TempDir(), "", tc.opt); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("Open with %s: %v", tc.name, err)
		}
		if _, err := OpenCacheFolder(t.TempDir(), "", tc.opt); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("OpenCacheFolder with %s: %v", tc.name, err)
		}
	}
	// The first bad option is reported.
	if _, err := New(WithRetries(-1), WithCacheDir("")); err == nil || !strings.Contains(err.Error(), "WithRetries") {
		t.Errorf("two bad options: %v, want the first", err)
	}
	// Good values, nil options and options that cannot fail.
	h := &http.Client{}
	c, err := New(nil, WithEndpoint("http://127.0.0.1:1/"), WithToken(""), WithToken("hf_abc"), WithCacheDir("c"),
		WithRetries(0), WithRetries(maxRetries), WithDownloadTimeout(time.Millisecond), WithHTTPClient(nil),
		WithHTTPClient(h), WithProgress(nil), WithOffline(true), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.endpoint != "http://127.0.0.1:1" || c.token != "hf_abc" || c.cacheDir != "c" || c.retries != maxRetries ||
		c.downloadTimeout != time.Millisecond || !c.offline {
		t.Errorf("options not applied: %+v", c.config)
	}
}

// hubload_test.go loads a model by hub id from a local fake hub
// (embed/hub/hubtest) serving the tiny-bert folder, then again offline
// from the cache.

package transformer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/embed/hub/hubtest"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

const fakeCommit = hubtest.Commit

// serveFolder imitates the hub for one repository backed by a folder (its
// goldens/ left out). The first GET of model.safetensors is cut after
// 1 MB.
func serveFolder(t *testing.T, repo, dir string) *hubtest.Hub {
	h, err := hubtest.FromDir(repo, fakeCommit, dir)
	if err != nil {
		t.Fatal(err)
	}
	for name := range h.Files {
		if strings.HasPrefix(name, "goldens/") {
			delete(h.Files, name)
		}
	}
	h.DropAfter("model.safetensors", 1<<20)
	return h
}

func TestLoadFromHub(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	fh := serveFolder(t, "ganada/tiny-bert", g.dir)
	srv := fh.Start(t)
	cache := t.TempDir()
	t.Setenv("HF_HUB_OFFLINE", "")
	hubOpts := WithHubOptions(hub.WithEndpoint(srv.URL), hub.WithCacheDir(cache))
	m, err := Load(context.Background(), "ganada/tiny-bert", hubOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	id := m.Identity()
	if id.Model != "ganada/tiny-bert" || id.Revision != fakeCommit || id.Dim != 32 || !id.Normalized {
		t.Errorf("Identity %+v", id)
	}
	texts := goldenTexts(g)[:12]
	got := mustEncode(t, m, texts)
	for i, it := range g.Items[:12] {
		if d := testutil.MaxAbsDiff(got[i], it.normalized); d > 1e-5 {
			t.Errorf("item %d: diff %g", i, d)
		}
	}
	snap := filepath.Join(cache, "models--ganada--tiny-bert", "snapshots", fakeCommit)
	for _, f := range []string{"config.json", "model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json", "sentence_bert_config.json"} {
		if _, err := os.Stat(filepath.Join(snap, f)); err != nil {
			t.Errorf("not cached: %s", f)
		}
	}
	if _, err := os.Stat(filepath.Join(snap, "model.fp16.safetensors")); err == nil {
		t.Error("downloaded a file the model does not use")
	}

	// Offline: the same model from the cache, no request.
	before := fh.Requests()
	t.Setenv("HF_HUB_OFFLINE", "1")
	t.Setenv("HF_HUB_CACHE", cache)
	off, err := Load(context.Background(), "ganada/tiny-bert")
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	if d := testutil.MaxAbsDiff(mustEncode(t, off, texts[:1])[0], got[0]); d > 1e-6 {
		t.Errorf("offline model differs by %g", d)
	}
	if fh.Requests() != before {
		t.Errorf("offline load made %d requests", fh.Requests()-before)
	}
	// The snapshot folder itself is a local model folder.
	if _, err := Load(context.Background(), snap); err != nil {
		t.Errorf("snapshot folder: %v", err)
	}
	// Offline and not cached: a clear error.
	if _, err := Load(context.Background(), "ganada/other-model"); !errors.As(err, new(*hub.NotCachedError)) {
		t.Errorf("offline uncached: %v", err)
	}
	t.Setenv("HF_HUB_OFFLINE", "")
	if _, err := Load(context.Background(), "ganada/other-model", hubOpts); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("missing repo: %v", err)
	}
	// A local folder wins over a hub id of the same spelling; a path that
	// is neither a folder nor an id fails clearly.
	if _, err := Load(context.Background(), "./no/such/folder"); err == nil {
		t.Error("missing folder: no error")
	}
}

// cache_test.go loads models from a Hugging Face cache built by hand the way
// Python's huggingface_hub leaves it after a partial download (refs/main, a
// snapshot of symlinks into blobs/, no .no_exist markers): offline, with the
// hub unreachable.

package transformer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

const handCommit = "1111222233334444555566667777888899990000"

// handCache puts the named files of the fixture folder src into a new cache
// as repository id at handCommit (refs/main → snapshots/{commit}/{file} →
// ../../blobs/{sha256}), and returns the cache folder.
func handCache(t *testing.T, id, src string, files []string) string {
	t.Helper()
	cache := t.TempDir()
	repo := filepath.Join(cache, hub.RepoFolder(id))
	snap := filepath.Join(repo, "snapshots", handCommit)
	for _, dir := range []string{filepath.Join(repo, "refs"), filepath.Join(repo, "blobs"), snap} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(repo, "refs", "main"), []byte(handCommit), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		blob := filepath.Join(repo, "blobs", hex.EncodeToString(sum[:]))
		if err := os.WriteFile(blob, b, 0o644); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(snap, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(filepath.Dir(link), blob)
		if err := os.Symlink(rel, link); err != nil {
			t.Fatal(err)
		}
	}
	return cache
}

// closedEndpoint returns the URL of a local port nothing listens on.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// cacheModes runs f as subtest name/offline and name/unreachable, with the
// environment of each way the hub can be out of reach: HF_HUB_OFFLINE=1,
// and an endpoint that refuses connections.
func cacheModes(t *testing.T, name, cache string, f func(t *testing.T)) {
	for _, mode := range []string{"offline", "unreachable"} {
		t.Run(name+"/"+mode, func(t *testing.T) {
			t.Setenv("HF_HUB_CACHE", cache)
			t.Setenv("HF_TOKEN", "")
			if mode == "offline" {
				t.Setenv("HF_HUB_OFFLINE", "1")
				t.Setenv("HF_ENDPOINT", "")
			} else {
				t.Setenv("HF_HUB_OFFLINE", "")
				t.Setenv("HF_ENDPOINT", closedEndpoint(t))
			}
			f(t)
		})
	}
}

// stFiles are the files of a sentence-transformers download of tiny-bert.
var stFiles = []string{"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
	"special_tokens_map.json", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json",
	"config_sentence_transformers.json"}

func without(files []string, drop ...string) []string {
	var out []string
outer:
	for _, f := range files {
		for _, d := range drop {
			if f == d {
				continue outer
			}
		}
		out = append(out, f)
	}
	return out
}

func TestPartialCacheOptionalFiles(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	texts := goldenTexts(g)[:8]

	// A sentence-transformers model downloaded without
	// config_sentence_transformers.json: Transformer → Pooling → Normalize.
	st := handCache(t, "ganada/tiny-bert", g.dir, without(stFiles, "config_sentence_transformers.json"))
	cacheModes(t, "sentence-transformers", st, func(t *testing.T) {
		m, err := Load(context.Background(), "ganada/tiny-bert")
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		for i, v := range mustEncode(t, m, texts) {
			if d := testutil.MaxAbsDiff(v, g.Items[i].normalized); d > 1e-5 {
				t.Errorf("item %d: diff %g", i, d)
			}
		}
		if id := m.Identity(); id.Model != "ganada/tiny-bert" || id.Revision != handCommit {
			t.Errorf("Identity %+v", id)
		}
	})

	// A plain transformers download (config, weights, tokenizer): mean
	// pooling, no Normalize, as the package doc says.
	plain := handCache(t, "ganada/tiny-bert", g.dir, []string{"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"})
	cacheModes(t, "transformers", plain, func(t *testing.T) {
		m, err := Load(context.Background(), "ganada/tiny-bert", WithMaxSeqLength(128))
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		for i, v := range mustEncode(t, m, texts) {
			if d := testutil.MaxAbsDiff(v, g.Items[i].pooled); d > 1e-5 {
				t.Errorf("item %d: diff from golden pooled %g", i, d)
			}
		}
	})
}

func TestPartialCacheRequiredFiles(t *testing.T) {
	dir := filepath.Join("testdata", "tiny-bert")
	for _, missing := range []string{"tokenizer.json", "model.safetensors", "config.json", "1_Pooling/config.json"} {
		cache := handCache(t, "ganada/tiny-bert", dir, without(stFiles, missing))
		cacheModes(t, "without "+missing, cache, func(t *testing.T) {
			_, err := Load(context.Background(), "ganada/tiny-bert")
			if err == nil {
				t.Fatalf("without %s: no error", missing)
			}
			msg := err.Error()
			for _, want := range []string{missing, "not fully in the cache", "hf download ganada/tiny-bert"} {
				if !strings.Contains(msg, want) {
					t.Errorf("without %s: error %q does not mention %q", missing, msg, want)
				}
			}
			if errors.Is(err, errs.ErrCorrupt) {
				t.Errorf("without %s: a file missing from the cache is not a bad model: %v", missing, err)
			}
			if os.Getenv("HF_HUB_OFFLINE") == "1" && !errors.As(err, new(*hub.NotCachedError)) {
				t.Errorf("without %s: offline error %v is not a hub.NotCachedError", missing, err)
			}
		})
	}
}

// TestLoadCacheFolder loads a model by the path of its repository folder in
// the cache (models--org--name), as by its hub id: refs/main, or the only
// snapshot when there is no ref.
func TestLoadCacheFolder(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	texts := goldenTexts(g)[:4]
	cache := handCache(t, "ganada/tiny-bert", g.dir, stFiles)
	folder := filepath.Join(cache, hub.RepoFolder("ganada/tiny-bert"))
	t.Setenv("HF_HUB_OFFLINE", "")
	t.Setenv("HF_ENDPOINT", closedEndpoint(t)) // a local path needs no network
	for _, noRef := range []bool{false, true} {
		if noRef {
			if err := os.Remove(filepath.Join(folder, "refs", "main")); err != nil {
				t.Fatal(err)
			}
		}
		m, err := Load(context.Background(), folder)
		if err != nil {
			t.Fatalf("no ref %v: %v", noRef, err)
		}
		for i, v := range mustEncode(t, m, texts) {
			if d := testutil.MaxAbsDiff(v, g.Items[i].normalized); d > 1e-5 {
				t.Errorf("no ref %v: item %d: diff %g", noRef, i, d)
			}
		}
		if id := m.Identity(); id.Model != "ganada/tiny-bert" || id.Revision != handCommit {
			t.Errorf("no ref %v: Identity %+v", noRef, id)
		}
		m.Close()
	}
}

// models.go is the models subcommand: the models in the Hugging Face cache,
// their size on disk, and whether ganada loads them (and why not).

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/embed/static"
	"github.com/ganada/ganada/embed/transformer"
)

const modelsUsage = `usage: ganada models [-cache-dir DIR] [-json]

Lists the models in the Hugging Face cache (HF_HUB_CACHE, HF_HOME/hub or
~/.cache/huggingface/hub) with their size on disk and whether ganada can
load them: each is loaded (offline, weights memory-mapped) and the
loader's error, if any, is the reason it cannot.

`

// modelInfo is one line of the listing.
type modelInfo struct {
	ID       string `json:"id"`
	Bytes    int64  `json:"bytes"`
	Loadable bool   `json:"loadable"`
	Dim      int    `json:"dim,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

func cmdModels(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("models", modelsUsage, stderr)
	dir := fl.String("cache-dir", "", "the hub cache folder (default: the Hugging Face default)")
	asJSON := fl.Bool("json", false, "print JSON")
	pos, err := fl.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("models: unexpected argument %q", pos[0])}
	}
	if *dir == "" {
		*dir = hub.CacheDir()
	}
	entries, err := os.ReadDir(*dir)
	if errors.Is(err, fs.ErrNotExist) {
		entries, err = nil, nil
	}
	if err != nil {
		return err
	}
	var list []modelInfo
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, "models--") {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		folder := filepath.Join(*dir, name)
		info := modelInfo{ID: strings.ReplaceAll(strings.TrimPrefix(name, "models--"), "--", "/"), Bytes: diskSize(folder)}
		info.Dim, err = tryLoad(ctx, folder)
		if err != nil {
			info.Reason = strings.TrimPrefix(oneLine(err.Error()), "ganada: ")
		} else {
			info.Loadable = true
		}
		list = append(list, info)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	if *asJSON {
		e := json.NewEncoder(stdout)
		e.SetIndent("", "  ")
		return e.Encode(list)
	}
	if len(list) == 0 {
		fmt.Fprintf(stdout, "no models in %s\n", *dir)
		return nil
	}
	for _, m := range list {
		status := fmt.Sprintf("yes (%d dimensions)", m.Dim)
		if !m.Loadable {
			status = "no: " + m.Reason
		}
		fmt.Fprintf(stdout, "%-50s %9.1f MB  %s\n", m.ID, float64(m.Bytes)/1e6, status)
	}
	return nil
}

// diskSize sums the regular files under dir (the cache's blobs; snapshot
// entries are links to them and are not counted).
func diskSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// tryLoad loads a cache folder's model as the -model flag would, and
// returns its dimension.
func tryLoad(ctx context.Context, folder string) (int, error) {
	snap, err := snapshot(folder)
	if err != nil {
		return 0, err
	}
	if _, err := os.Stat(filepath.Join(snap, "config.json")); err == nil {
		if _, err := os.Stat(filepath.Join(snap, "0_StaticEmbedding")); err != nil {
			m, err := transformer.Load(ctx, snap, transformer.WithHubOptions(hub.WithOffline(true)))
			if err != nil {
				return 0, err
			}
			defer m.Close()
			return m.Dim(), nil
		}
	}
	m, err := static.Load(ctx, snap)
	if err != nil {
		return 0, err
	}
	return m.Dim(), nil
}

// snapshot is the folder of the cache folder's main revision (refs/main),
// or its only snapshot.
func snapshot(folder string) (string, error) {
	if ref, err := os.ReadFile(filepath.Join(folder, "refs", "main")); err == nil {
		rev := strings.TrimSpace(string(ref))
		if rev != "" && !strings.ContainsAny(rev, `/\`) && rev != "." && rev != ".." {
			return filepath.Join(folder, "snapshots", rev), nil
		}
	}
	snaps, err := os.ReadDir(filepath.Join(folder, "snapshots"))
	if err != nil {
		return "", fmt.Errorf("no snapshots: %w", err)
	}
	if len(snaps) != 1 {
		return "", fmt.Errorf("%d snapshots and no refs/main", len(snaps))
	}
	return filepath.Join(folder, "snapshots", snaps[0].Name()), nil
}

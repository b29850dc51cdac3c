// cachefolder.go opens one repository folder of the cache
// (models--{org}--{name}) given by its path, as a hub id would be opened,
// but from that folder alone and without the network.

package hub

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ganada/ganada/errs"
)

// IsCacheFolder reports whether dir is laid out as a repository folder of
// the hub cache: a snapshots/ folder next to refs/ or blobs/.
func IsCacheFolder(dir string) bool {
	return isDir(filepath.Join(dir, "snapshots")) &&
		(isDir(filepath.Join(dir, "refs")) || isDir(filepath.Join(dir, "blobs")))
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// OpenCacheFolder returns a Source for a repository folder of the cache,
// such as ~/.cache/huggingface/hub/models--org--name, at revision: a
// branch or tag resolved through refs/{revision}, or a commit hash. With
// revision "" (main) and no refs/main, the folder's only snapshot is used.
// The files come from that snapshot and the network is never used: a file
// the snapshot lacks counts as absent for Has, and File fails for it with
// a *NotCachedError (wrapping errs.ErrNotFound) that says how to fetch it
// (see Repo.File). A revision the folder does not hold is an error wrapping
// errs.ErrNotFound too; a bad option one wrapping errs.ErrInvalidOption.
//
// When the folder's name is models--{org}--{name}, the Source is a *Repo
// named org/name whose Commit is the snapshot's, as if the hub id had been
// opened offline; otherwise it is the snapshot folder as a Dir.
func OpenCacheFolder(dir, revision string, opts ...Option) (Source, error) {
	c, err := New(append(opts[:len(opts):len(opts)], WithOffline(true))...)
	if err != nil {
		return nil, err
	}
	if revision == "" {
		revision = "main"
	}
	if err := validRevision(revision); err != nil {
		return nil, err
	}
	commit := revision
	if !commitHash.MatchString(revision) {
		b, err := os.ReadFile(filepath.Join(dir, "refs", filepath.FromSlash(revision)))
		switch c := strings.TrimSpace(string(b)); {
		case err == nil && commitHash.MatchString(c):
			commit = c
		case err == nil:
			return nil, fmt.Errorf("hub: %s: refs/%s: %w: holds %q, not a commit hash", dir, revision, errs.ErrCorrupt, clip(c))
		case revision == "main":
			snaps := snapshots(dir)
			if len(snaps) != 1 {
				return nil, repoNotFound("%s has no refs/main and %d snapshots %v: choose one with a revision (its commit hash)", dir, len(snaps), snaps)
			}
			commit = snaps[0]
		default:
			return nil, repoNotFound("%s has no refs/%s", dir, revision)
		}
	}
	snap := filepath.Join(dir, "snapshots", commit)
	if !isDir(snap) {
		return nil, repoNotFound("%s has no snapshot %s (revision %s)", dir, commit, revision)
	}
	id, ok := strings.CutPrefix(filepath.Base(filepath.Clean(dir)), "models--")
	id = strings.ReplaceAll(id, "--", "/")
	if !ok || !ValidRepoID(id) {
		return Dir(snap), nil
	}
	if revision == "main" && !isFile(filepath.Join(dir, "refs", "main")) {
		revision = commit // the only snapshot, which no ref names
	}
	return &Repo{c: c, id: id, revision: revision, storage: dir}, nil
}

// snapshots lists the commit folders under dir/snapshots, sorted.
func snapshots(dir string) []string {
	entries, err := os.ReadDir(filepath.Join(dir, "snapshots"))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && commitHash.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

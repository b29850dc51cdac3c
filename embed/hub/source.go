// source.go gives one way to reach a model's files whether it is a local
// folder or a hub repository.

package hub

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ganada/ganada/errs"
)

// Source gives local paths of the files of a model.
type Source interface {
	// File returns the local path of a file of the model, named relative to
	// the model's root with slashes, fetching it if needed. A file the model
	// does not have returns an error wrapping errs.ErrNotFound.
	File(ctx context.Context, name string) (string, error)
	// Has reports whether the model has the file, without downloading it
	// (a local stat, or a HEAD request answered from the cache when
	// possible). When the hub cannot be asked (offline, or unreachable), a
	// cached snapshot answers: a file it lacks counts as absent, so
	// optional files never downloaded do not stop a model from loading.
	Has(ctx context.Context, name string) (bool, error)
	// Name is the hub id, or the folder's path for a local folder.
	Name() string
	// Commit is the hub commit of the files, "" for a local folder or
	// before the first File call.
	Commit() string
}

// Dir is a Source for a local model folder (a copy, a git clone or a cache
// snapshot folder).
type Dir string

// File implements Source.
func (d Dir) File(_ context.Context, name string) (string, error) {
	if err := validFile(name); err != nil {
		return "", err
	}
	p := filepath.Join(string(d), filepath.FromSlash(name))
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("hub: %s: %w", p, errs.ErrNotFound)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("hub: %s is not a regular file: %w", p, errs.ErrNotFound)
	}
	return p, nil
}

// Has implements Source.
func (d Dir) Has(ctx context.Context, name string) (bool, error) {
	_, err := d.File(ctx, name)
	if errors.Is(err, errs.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Name implements Source.
func (d Dir) Name() string { return string(d) }

// Commit implements Source; a local folder has none.
func (d Dir) Commit() string { return "" }

// Name implements Source.
func (r *Repo) Name() string { return r.id }

// Open returns a Source for dirOrID: an existing local folder, or else a hub
// repository id "org/name" at revision ("" means main; an "@revision"
// suffix on the id is also accepted). Nothing is downloaded until File.
//
// A local folder laid out as a repository folder of the cache
// (models--{org}--{name} with snapshots/ and refs/ or blobs/, see
// OpenCacheFolder) is read as that cache, without the network. Open does
// no network I/O: it needs no context. A bad option gives an error wrapping
// errs.ErrInvalidOption, even for a local folder.
func Open(dirOrID, revision string, opts ...Option) (Source, error) {
	c, err := New(opts...)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(dirOrID); err == nil {
		if !st.IsDir() {
			return nil, fmt.Errorf("hub: %s is a file, not a model folder: %w", dirOrID, errs.ErrInvalidInput)
		}
		if IsCacheFolder(dirOrID) {
			return OpenCacheFolder(dirOrID, revision, opts...)
		}
		return Dir(dirOrID), nil
	}
	id := dirOrID
	if i := strings.LastIndex(id, "@"); i > 0 && revision == "" {
		id, revision = id[:i], id[i+1:]
	}
	if !ValidRepoID(id) || strings.HasPrefix(dirOrID, ".") || filepath.IsAbs(dirOrID) {
		return nil, fmt.Errorf("hub: %q is neither a folder nor a hub id like org/name: %w", dirOrID, errs.ErrNotFound)
	}
	return c.Repo(id, revision)
}

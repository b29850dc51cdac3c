// This file holds the crash-safe file helpers behind every index's Save and
// Load: write to a temporary file in the target directory, fsync, rename over
// the target, fsync the directory; both remove the temporary files that
// killed saves left behind.

package core

import (
	"bufio"
	"fmt"
	"github.com/ganada/ganada/errs"
	"io"
	"os"

	"github.com/ganada/ganada/internal/atomicfile"
)

// WriteFileAtomic writes path with write, atomically: the data goes to a
// temporary file in the same directory, which is flushed to stable storage
// and renamed over path, and the directory is then synced. Readers see either
// the old file or the complete new one, never a partial file. On error the
// temporary file is removed and path is untouched. A crash can leave the
// temporary file ".<name>.tmp-<host>-<pid>-<random>" behind; the next
// WriteFileAtomic or ReadFile of path removes it once its process is gone
// (never the file of a save still running, in this process or another).
//
// Permissions are those a plain rewrite would give: a file that exists keeps
// its permission bits, and a new one gets 0666 less the umask, as
// os.WriteFile(path, data, 0o666) would create it.
//
// An error of write is returned as it is; the others read
// "index: save PATH: ...".
func WriteFileAtomic(path string, write func(w io.Writer) error) error {
	var werr error
	err := atomicfile.Write(path, func(w io.Writer) error {
		werr = write(w)
		return werr
	})
	if err != nil && err != werr {
		return fmt.Errorf("index: save %s: %w", path, err)
	}
	return err
}

// ReadFile opens path and calls read with a buffered reader over it. The
// file must hold exactly what read consumes: if read succeeds but bytes
// remain after it, ReadFile returns an error wrapping errs.ErrCorrupt, as a file
// with data after its end marker is not one Save wrote. It first removes
// the temporary files that saves of path killed mid-write left behind, as
// WriteFileAtomic does (best effort: errors are ignored).
func ReadFile(path string, read func(r io.Reader) error) error {
	atomicfile.RemoveStale(path)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("index: load %s: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	if err := read(br); err != nil {
		return err
	}
	switch _, err := br.ReadByte(); {
	case err == nil:
		return fmt.Errorf("index: load %s: %w: data after the end of the index", path, errs.ErrCorrupt)
	case err != io.EOF:
		return fmt.Errorf("index: load %s: %w", path, err)
	}
	return nil
}

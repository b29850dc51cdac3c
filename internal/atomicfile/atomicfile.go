// Package atomicfile writes files crash-safely, for every Save in ganada
// (the indexes' and the Collection's): the data goes to a temporary file in
// the target's directory, which is flushed to stable storage and renamed
// over the target, and the directory is then synced. Temporary files that
// a killed writer left behind are removed by the next Write of the same
// target, or by RemoveStale (which every Load calls); see stale.go.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes path with write, atomically: readers see either the old file
// or the complete new one, never a partial file. On error the temporary
// file is removed and path is untouched. A crash can leave the temporary
// file ".<name>.tmp-<host>-<pid>-<random>" behind; Write first removes
// those of path whose writing process is gone (see RemoveStale).
//
// Permissions are those a plain rewrite would give: a file that exists
// keeps its permission bits, and a new one gets 0666 less the umask, as
// os.WriteFile(path, data, 0o666) would create it.
//
// An error of write is returned as it is; the others are the os package's
// (which name the file they concern) or say which step failed. Callers add
// their own context.
func Write(path string, write func(w io.Writer) error) (err error) {
	RemoveStale(path)
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if st, serr := os.Stat(path); serr == nil {
		if err = f.Chmod(st.Mode().Perm()); err != nil {
			return err
		}
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		serr := d.Sync()
		d.Close()
		if serr != nil {
			return fmt.Errorf("sync directory: %w", serr)
		}
	}
	return nil
}

// createTemp creates a new temporary file for path, named by TempName,
// with mode 0666 before the umask. (os.CreateTemp would make it 0600.)
func createTemp(path string) (*os.File, error) {
	for try := 0; ; try++ {
		f, err := os.OpenFile(TempName(path, os.Getpid()), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if os.IsExist(err) && try < 10000 {
			continue
		}
		return f, err
	}
}

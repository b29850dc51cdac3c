// This file names the temporary files of Write and removes the ones that
// writers killed mid-write left behind (RemoveStale), by the rule argued
// below: a temporary file is stale when the process that created it is
// gone.

package atomicfile

import (
	"encoding/hex"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Which temporary files are safe to delete.
//
// A Write killed between creating its temporary file and renaming it (a
// SIGKILL, an OOM kill, a power cut) leaves the file behind, as large as
// what it had written; nothing else will ever remove it. Another Write of
// the same target may be running at the same moment, in this process or in
// another one, and its temporary file must not be deleted under it (its
// rename would then fail, or, worse, a reader could be told the save
// succeeded when it did not).
//
// The rule: a temporary file is named ".<name>.tmp-<host>-<pid>-<random>",
// where <host> is a hash of the writer's host name and <pid> its process
// id, and RemoveStale deletes only the temporary files whose <host> is this
// host's and whose <pid> names no running process. It is safe because:
//
//   - A live writer's process exists for as long as its file is a
//     temporary file (it renames or removes it before returning), so its
//     pid is always seen alive: a concurrent Write in another process, or
//     in this one (the pid is ours), is never touched. Nothing depends on
//     timing: a Write may spend any time in its callback (a Collection's
//     Save waits for running Adds) without its file becoming "old".
//   - A pid is only meaningful on the machine that issued it. A directory
//     shared over the network, or by containers with their own pid
//     namespaces (which have their own host names too), may hold another
//     machine's live temporary file whose pid happens to be free here: the
//     host tag leaves those alone.
//   - Pid reuse errs on the safe side: if a dead writer's pid now belongs to
//     an unrelated process, its file is kept until that process ends. (A
//     killed process that its parent has not yet reaped also still counts
//     as alive.)
//   - A check and the removal are not atomic, but the file's name cannot be
//     taken again in between: only a process with that pid creates such
//     names, with 64 random bits, and with O_EXCL.
//
// Compared with the alternatives: an age limit would delete the file of a
// slow or stalled writer (or, with a generous limit, keep gigabytes for
// hours), and a lock (flock) held on the temporary file needs an extra
// step to close the window between creating the file and locking it and
// another between closing and renaming it, and is advisory or missing on
// some network file systems. Temporary files named by older versions
// (".<name>.tmp-<digits>") carry no pid and are left alone. On platforms
// where this package cannot tell whether a process runs (not unix or
// Windows), every writer counts as alive and nothing is removed.

// TempName returns a fresh name for a temporary file of path written by
// the process pid: ".<name>.tmp-<host>-<pid>-<random>" in path's
// directory, <host> standing for this host. Write names its files so; tests
// use it to plant the files of other processes.
func TempName(path string, pid int) string {
	return filepath.Join(filepath.Dir(path), tempPrefix(path)+hostTag()+"-"+strconv.Itoa(pid)+"-"+strconv.FormatUint(rand.Uint64(), 10))
}

// tempPrefix is what every temporary file name of path begins with.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// hostTag is 8 hex digits hashing the host name, computed once.
var hostTag = sync.OnceValue(func() string {
	name, _ := os.Hostname() // on error, "" hashes like any name
	h := fnv.New32a()
	h.Write([]byte(name))
	return hex.EncodeToString(h.Sum(nil))
})

// parseTemp returns the host tag and pid in the base name of one of path's
// temporary files (rest is what follows tempPrefix), or ok false if rest is
// not "<8 hex digits>-<pid>-<digits>".
func parseTemp(rest string) (host string, pid int, ok bool) {
	parts := strings.Split(rest, "-")
	if len(parts) != 3 || len(parts[0]) != 8 {
		return "", 0, false
	}
	if _, err := hex.DecodeString(parts[0]); err != nil {
		return "", 0, false
	}
	pid, err := strconv.Atoi(parts[1])
	// A pid is a positive 32-bit number (kill(2) would read 0 or a negative
	// one as a process group).
	if err != nil || pid <= 0 || pid > math.MaxInt32 || strconv.Itoa(pid) != parts[1] {
		return "", 0, false
	}
	if _, err := strconv.ParseUint(parts[2], 10, 64); err != nil {
		return "", 0, false
	}
	return parts[0], pid, true
}

// RemoveStale removes the temporary files of path (regular files named
// ".<name>.tmp-<host>-<pid>-<random>" in path's directory) that were
// created on this host by processes no longer running: what Writes killed
// before renaming left behind. Files of live writers, of other hosts, and
// anything else are left alone; see the rule above. It is best effort:
// errors (an unreadable or read-only directory, a file removed meanwhile)
// are ignored, and it returns the names of the files it removed.
func RemoveStale(path string) []string {
	dir := filepath.Dir(path)
	prefix := tempPrefix(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || !e.Type().IsRegular() {
			continue
		}
		host, pid, ok := parseTemp(name[len(prefix):])
		if !ok || host != hostTag() || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		full := filepath.Join(dir, name)
		if os.Remove(full) == nil {
			removed = append(removed, full)
		}
	}
	return removed
}

// This file names the temporary files of Write and removes the ones that
// writers killed mid-write left behind (RemoveStale), by the rule argued
// below: a temporary file is stale when the process that created it is
// gone.

package atomicfile

import (
	"encoding/binary"
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
// rename would then fail, and the save with it).
//
// The rule: a temporary file is named
// ".<name>.tmp-<host>-<pid>-<process>-<random>", where <host> hashes the
// writer's host name, <pid> is its process id and <process> a random tag
// drawn once per process, and RemoveStale deletes only the temporary files
// whose <host> is this one's and whose writer is gone: <pid> names no running process, or it is this process's pid but
// <process> is not this process's tag (an earlier process that had the
// same pid: a container's main process restarted after an OOM kill gets
// the same small pid each time). It is safe because:
//
//   - A live writer's process exists for as long as its file is a
//     temporary file (it renames or removes it before returning), so its
//     pid is always seen alive: a concurrent Write in another process, or
//     in this one (the pid and the tag are ours), is never touched.
//     Nothing depends on timing: a Write may spend any time in its
//     callback (a Collection's Save waits for running Adds) without its
//     file becoming "old".
//   - A pid is only meaningful on the machine that issued it. A directory
//     shared over the network may hold another machine's live temporary
//     file whose pid happens to be free here: the host tag leaves those
//     alone. Containers have their own pid namespaces but also, by
//     default, their own host names, which a restarted container keeps:
//     it removes what its killed predecessor left. (The pid namespace is
//     deliberately not part of the tag: a restarted container gets a new
//     one, and would never remove those files.) Containers that share a
//     host name, a directory and a target file but not their pid namespace
//     could remove each other's live temporary file; the Save concerned
//     then fails with an error (its rename finds no file) and the target
//     is untouched.
//   - Pid reuse errs on the safe side: if a dead writer's pid now belongs to
//     another process, its file is kept until that process ends. (A killed
//     process that its parent has not yet reaped also still counts as
//     alive.)
//   - A check and the removal are not atomic, but the file's name cannot be
//     taken again in between: only a process with that pid and tag creates
//     such names, with 64 random bits, and with O_EXCL.
//
// Compared with the alternatives: an age limit would delete the file of a
// slow or stalled writer (or, with a generous limit, keep gigabytes for
// hours), and a lock (flock) held on the temporary file needs extra steps
// to close the window between creating the file and locking it and the one
// between closing and renaming it, and is advisory or missing on some
// network file systems. Temporary files named by older versions
// (".<name>.tmp-<digits>") carry no pid and are left alone. On platforms
// where this package cannot tell whether a process runs (not unix or
// Windows), only the files of earlier processes with this process's pid
// are removed.

// TempName returns a fresh name for a temporary file of path written by
// the process pid: ".<name>.tmp-<host>-<pid>-<process>-<random>" in path's
// directory, with this host's tag and this process's. Write names its
// files so; tests use it to plant the files of other processes.
func TempName(path string, pid int) string {
	return tempNameTagged(path, pid, processTag())
}

func tempNameTagged(path string, pid int, proc string) string {
	return filepath.Join(filepath.Dir(path), tempPrefix(path)+hostTag()+"-"+strconv.Itoa(pid)+"-"+proc+"-"+strconv.FormatUint(rand.Uint64(), 10))
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

// processTag is 8 random hex digits drawn once per process.
var processTag = sync.OnceValue(func() string {
	return hex.EncodeToString(binary.LittleEndian.AppendUint32(nil, rand.Uint32()))
})

// tempFields are the parts of a temporary file's name.
type tempFields struct {
	host string
	pid  int
	proc string
}

// parseTemp splits the base name of one of path's temporary files (rest is
// what follows tempPrefix), or returns ok false if rest is not
// "<8 hex digits>-<pid>-<8 hex digits>-<digits>".
func parseTemp(rest string) (f tempFields, ok bool) {
	parts := strings.Split(rest, "-")
	if len(parts) != 4 || !isHex8(parts[0]) || !isHex8(parts[2]) {
		return f, false
	}
	pid, err := strconv.Atoi(parts[1])
	// A pid is a positive 32-bit number (kill(2) would read 0 or a negative
	// one as a process group).
	if err != nil || pid <= 0 || pid > math.MaxInt32 || strconv.Itoa(pid) != parts[1] {
		return f, false
	}
	if _, err := strconv.ParseUint(parts[3], 10, 64); err != nil {
		return f, false
	}
	return tempFields{host: parts[0], pid: pid, proc: parts[2]}, true
}

func isHex8(s string) bool {
	if len(s) != 8 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// stale reports whether the writer of a temporary file named f is gone.
func stale(f tempFields) bool {
	switch {
	case f.host != hostTag():
		return false
	case f.pid == os.Getpid():
		return f.proc != processTag()
	}
	return !processAlive(f.pid)
}

// RemoveStale removes the temporary files of path (regular files named
// ".<name>.tmp-<host>-<pid>-<process>-<random>" in path's directory) that
// were created on this host by processes no longer running: what Writes
// killed before renaming left behind. Files of live writers, of other hosts, and
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
		if f, ok := parseTemp(name[len(prefix):]); !ok || !stale(f) {
			continue
		}
		full := filepath.Join(dir, name)
		if os.Remove(full) == nil {
			removed = append(removed, full)
		}
	}
	return removed
}

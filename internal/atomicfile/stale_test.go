// This file tests the removal of stale temporary files: writers killed
// with SIGKILL mid-Write (child processes: the test binary re-executed)
// leave theirs behind, the next Write or RemoveStale removes them and
// leaves the target intact, and the temporary files of live writers (in
// another process or this one), of other hosts, of other targets and of
// older versions are never touched.

package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

const childEnv = "ATOMICFILE_TEST_CHILD_PATH"

// TestChildWriter is the child process: it starts a Write of the path in
// childEnv, writes 2 MB into the temporary file, says "writing" and waits
// inside the Write until it is killed.
func TestChildWriter(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		t.Skip("child process of TestRemoveStaleAfterKills")
	}
	Write(path, func(w io.Writer) error {
		chunk := []byte(strings.Repeat("x", 1<<16))
		for i := 0; i < 32; i++ {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		if f, ok := w.(interface{ Flush() error }); ok {
			if err := f.Flush(); err != nil {
				return err
			}
		}
		fmt.Println("writing")
		time.Sleep(time.Hour) // until killed
		return nil
	})
	t.Fatal("the Write returned")
}

// startWriter starts a child writing path and returns once it is inside
// its Write, with its temporary file on disk.
func startWriter(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if sc.Text() == "writing" {
			return cmd
		}
	}
	t.Fatalf("the child ended before writing: %v", sc.Err())
	return nil
}

// temps returns the temporary files of path, sorted.
func temps(t *testing.T, path string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(filepath.Dir(path), tempPrefix(path)+"*"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(m)
	return m
}

// deadPID returns the pid of a child process that has exited and been
// reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func needProcesses(t *testing.T) {
	t.Helper()
	switch runtime.GOOS {
	case "windows", "js", "wasip1", "plan9":
		t.Skip("needs SIGKILL and subprocesses")
	}
	if os.Getenv(childEnv) != "" {
		t.Skip("in the child")
	}
}

// TestRemoveStaleAfterKills kills writers mid-Write several times, each
// leaving a 2 MB temporary file that the next writer removes, then checks
// that live writers' files (another process's and this one's) survive the
// next Write, which removes the stale one and replaces the target, and
// that the other process's file goes once it is killed.
func TestRemoveStaleAfterKills(t *testing.T) {
	needProcesses(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "target.idx")
	if err := Write(path, writeString("original")); err != nil {
		t.Fatal(err)
	}
	// Each killed writer leaves its 2 MB temporary file; the next writer's
	// Write removes the previous one's, so there is never more than one.
	kill := func() string {
		t.Helper()
		before := temps(t, path)
		cmd := startWriter(t, path)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		cmd.Wait()
		var mine string
		for _, f := range temps(t, path) {
			if !slices.Contains(before, f) {
				mine = f
			}
		}
		if fi, err := os.Stat(mine); err != nil || fi.Size() < 1<<21 {
			t.Fatalf("the killed writer's temporary file %q: %v; want the 2 MB written", mine, err)
		}
		if b, _ := os.ReadFile(path); string(b) != "original" {
			t.Fatalf("a kill changed the target to %d bytes", len(b))
		}
		return mine
	}
	for i := 0; i < 3; i++ {
		stale := kill()
		if got := temps(t, path); !slices.Equal(got, []string{stale}) {
			t.Fatalf("after kill %d the temporary files are %v, want only the last killed writer's", i+1, got)
		}
	}

	// Live writers in another process and in this one, started after the
	// last kill: their Writes removed its file.
	live := startWriter(t, path)
	liveOther := temps(t, path)
	if len(liveOther) != 1 {
		t.Fatalf("temporary files with one live writer: %v", liveOther)
	}
	inside, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- Write(path, func(w io.Writer) error {
			close(inside)
			<-release
			_, err := io.WriteString(w, "from this process")
			return err
		})
	}()
	<-inside
	var liveOwn string
	for _, f := range temps(t, path) {
		if f != liveOther[0] {
			liveOwn = f
		}
	}
	if liveOwn == "" {
		t.Fatal("no temporary file for the in-process writer")
	}
	// One more writer killed beside the live ones: its Write left theirs.
	stale := kill()
	if got, want := temps(t, path), sorted(liveOther[0], liveOwn, stale); !slices.Equal(got, want) {
		t.Fatalf("temporary files %v, want %v", got, want)
	}

	if err := Write(path, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("target holds %q after the Write", b)
	}
	if got, want := temps(t, path), sorted(liveOther[0], liveOwn); !slices.Equal(got, want) {
		t.Fatalf("after the Write the temporary files are %v, want only the live writers' %v", got, want)
	}
	if got := RemoveStale(path); len(got) != 0 {
		t.Fatalf("RemoveStale removed live writers' files %v", got)
	}

	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "from this process" {
		t.Fatalf("target holds %q after the in-process writer", b)
	}
	live.Process.Kill()
	live.Wait()
	if got := RemoveStale(path); !slices.Equal(got, liveOther) {
		t.Fatalf("after the last writer's kill RemoveStale removed %v, want %v", got, liveOther)
	}
	if got := temps(t, path); len(got) != 0 {
		t.Fatalf("temporary files left: %v", got)
	}
	if b, _ := os.ReadFile(path); string(b) != "from this process" {
		t.Fatalf("RemoveStale changed the target to %q", b)
	}
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

// TestRemoveStaleLeavesOthers plants files that look like temporary files
// and checks that only those of this host and this target whose writer is
// gone are removed: a reaped child's, and an earlier process's that had
// this process's pid (a restarted container's main process).
func TestRemoveStaleLeavesOthers(t *testing.T) {
	needProcesses(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "t.idx")
	dead := deadPID(t)
	otherHost, otherProc := "0badc0de", "0badc0de"
	if otherHost == hostTag() {
		otherHost = "0badc0df"
	}
	if otherProc == processTag() {
		otherProc = "0badc0df"
	}
	name := func(target, host string, pid int, proc string) string {
		return filepath.Join(dir, tempPrefix(target)+fmt.Sprintf("%s-%d-%s-%d", host, pid, proc, 12345))
	}
	host, me := hostTag(), os.Getpid()
	stale := sorted(
		name(path, host, dead, processTag()),
		name(path, host, dead, otherProc),
		name(path, host, me, otherProc), // an earlier process with our pid
	)
	pre := filepath.Join(dir, tempPrefix(path)+host)
	keep := []string{
		name(path, otherHost, dead, otherProc),                   // another host's writer
		name(filepath.Join(dir, "u.idx"), host, dead, otherProc), // another target
		name(path, host, me, processTag()),                       // this process
		filepath.Join(dir, tempPrefix(path)+"123456"),            // an older version's name
		filepath.Join(dir, tempPrefix(path)+fmt.Sprintf("%s-%d-123", host, dead)),
		pre + "-0-" + otherProc + "-1",
		pre + "-99999999999-" + otherProc + "-1",
		pre + fmt.Sprintf("-0%d-%s-1", dead, otherProc),
		pre + fmt.Sprintf("-%d-%s-1-2", dead, otherProc),
		pre + fmt.Sprintf("-%d-%s-x", dead, otherProc),
		pre + fmt.Sprintf("-%d-%s-1", dead, strings.ToUpper("abcdef12")),
		pre + fmt.Sprintf("-%d-abc-1", dead),
	}
	for _, f := range append(slices.Clone(stale), keep...) {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	staleDir := name(path, host, dead, otherProc) + "0"
	if err := os.Mkdir(staleDir, 0o755); err != nil {
		t.Fatal(err)
	}
	keep = append(keep, staleDir)
	if got := RemoveStale(path); !slices.Equal(got, stale) {
		t.Fatalf("RemoveStale removed %v, want %v", got, stale)
	}
	for _, f := range keep {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
	if RemoveStale(filepath.Join(dir, "missing", "t.idx")) != nil {
		t.Error("a missing directory removed something")
	}
}

func TestParseTemp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a-b.tmp-c")
	name := filepath.Base(TempName(path, 4242))
	f, ok := parseTemp(strings.TrimPrefix(name, tempPrefix(path)))
	if !ok || f.host != hostTag() || f.pid != 4242 || f.proc != processTag() {
		t.Fatalf("parseTemp(%q) = %+v, %v", name, f, ok)
	}
}

// This file tests the crash guarantees of a collection opened with
// OpenFile, as crash_test.go does for Save: the test re-executes its own
// binary as a child process that opens a saved collection and makes a
// scripted sequence of Add and Delete calls, printing an acknowledgement
// after each returns (and compacting, in the second mode); the parent kills
// it with SIGKILL at a random moment, then loads the file: it must hold
// exactly the calls acknowledged, or those and the one in flight, whole.
// The child splits records small, so that many calls span several records
// and a kill can land between them. TestCompactionBetweenRenames covers the
// narrow moment between a compaction's new snapshot and its new log.

package ganada_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ganada/ganada"
)

const (
	walChildEnv = "GANADA_WAL_CHILD_PATH" // the file the child opens
	walModeEnv  = "GANADA_WAL_CHILD_MODE" // "append" or "compact"
)

// walCrashScript is the child's sequence of calls (long enough that it is
// killed before the end): walScript's, and after every tenth of its first
// 300 calls an Add of 200 documents of 2 KB, whose write of 450 KB a kill can
// cut (Linux stops a write to a file between pages when the writer is
// killed).
func walCrashScript() []walOp {
	var ops []walOp
	text := strings.Repeat("bulk text ", 200)
	for i, op := range walScript(99, 3000) {
		ops = append(ops, op)
		if i%10 != 9 || i >= 300 {
			continue
		}
		var add []ganada.Document
		for j := 0; j < 200; j++ {
			id := fmt.Sprintf("bulk-%04d-%03d", i, j)
			add = append(add, ganada.Document{ID: id, Text: id + " " + text})
		}
		ops = append(ops, walOp{add: add})
	}
	return ops
}

// TestCrashWALChild is the child process; it does nothing unless
// walChildEnv names the file.
func TestCrashWALChild(t *testing.T) {
	path := os.Getenv(walChildEnv)
	if path == "" {
		t.Skip("child process of TestCrashMidAppend and TestCrashMidCompaction")
	}
	compact := os.Getenv(walModeEnv) == "compact"
	ganada.SetMaxRecordPayload(700) // many calls span several records
	opts := []ganada.Option{ganada.WithAutoCompact(0, 0)}
	if compact {
		opts = []ganada.Option{ganada.WithAutoCompact(0.02, 0)} // background compactions too
	}
	c, err := ganada.OpenFile(ctx, path, fastEncoder{64}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	script := walCrashScript()
	fmt.Println("ready")
	for i, op := range script {
		if compact && i%5 == 4 {
			fmt.Println("compact")
			if err := c.Compact(ctx); err != nil {
				t.Fatal(err)
			}
			fmt.Println("compacted")
		}
		if err := op.apply(c); err != nil {
			t.Fatal(err)
		}
		fmt.Println("ack", i)
	}
	time.Sleep(time.Minute) // the parent kills us before this matters
}

func TestCrashMidAppend(t *testing.T) { crashWAL(t, "append", 1000) }

func TestCrashMidCompaction(t *testing.T) {
	base := 10_000
	if testing.Short() {
		base = 3000
	}
	crashWAL(t, "compact", base)
}

// crashWAL saves a collection of base documents, then, attempt after
// attempt, lets a child make the script's calls on it and kills it.
func crashWAL(t *testing.T, mode string, base int) {
	if runtime.GOOS == "windows" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("needs SIGKILL and subprocesses")
	}
	if os.Getenv(walChildEnv) != "" {
		t.Skip("in the child")
	}
	enc := fastEncoder{64}
	dir := t.TempDir()
	path := filepath.Join(dir, "col.ganada")
	c, err := ganada.OpenFile(ctx, path, enc, ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Add(ctx, bigDocs(base)...); err != nil {
		t.Fatal(err)
	}
	if err := c.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	c.Close()
	snap, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	script := walCrashScript()
	attempts := 6
	if testing.Short() {
		attempts = 3
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	midCompaction := 0
	for attempt := 0; attempt < attempts || (mode == "compact" && midCompaction == 0 && attempt < 4*attempts); attempt++ {
		// Start again from the base file.
		if err := os.WriteFile(path, snap, 0o666); err != nil {
			t.Fatal(err)
		}
		os.Remove(path + ".log")
		acked, inCompaction, err := killWALChild(path, mode, rng)
		if err != nil {
			t.Fatal(err)
		}
		if inCompaction {
			midCompaction++
		}
		l, err := ganada.Load(ctx, path, enc)
		if err != nil {
			t.Fatalf("attempt %d (killed after %d acknowledged calls): Load: %v", attempt, acked, err)
		}
		got := colState(t, l)
		nbase := 0
		for id := range got {
			if strings.HasPrefix(id, "big-") {
				nbase++
				delete(got, id)
			}
		}
		if nbase != base {
			t.Fatalf("attempt %d: %d base documents, want %d", attempt, nbase, base)
		}
		want := scriptState(t, enc, script[:acked])
		if !reflect.DeepEqual(got, want) && !reflect.DeepEqual(got, scriptState(t, enc, script[:acked+1])) {
			t.Fatalf("attempt %d: after %d acknowledged calls the file holds neither them nor them and the next call, whole (%d documents)", attempt, acked, len(got))
		}
		// Reopening cuts a torn tail off and appends after it.
		before := fileSize(t, path+".log")
		o, err := ganada.OpenFile(ctx, path, enc)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("attempt %d: killed after %d acknowledged calls (mid-compaction: %v); the file holds %s; %d bytes of torn tail", attempt, acked, inCompaction,
			map[bool]string{true: "exactly them", false: "them and the call in flight"}[reflect.DeepEqual(got, want)], before-fileSize(t, path+".log"))
		if err := o.Add(ctx, ganada.Document{ID: "after", Text: "after the crash"}); err != nil {
			t.Fatal(err)
		}
		o.Close()
		if r, err := ganada.Load(ctx, path, enc); err != nil || !r.Contains("after") {
			t.Fatalf("attempt %d: the Add after reopening is lost: %v", attempt, err)
		}
	}
	if mode == "compact" && midCompaction == 0 {
		t.Fatal("no kill landed during an explicit compaction")
	}
}

// scriptState is the state of the script's documents after ops.
func scriptState(t *testing.T, enc fastEncoder, ops []walOp) map[string]string {
	c, err := ganada.NewCollection(enc, ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if err := op.apply(c); err != nil {
			t.Fatal(err)
		}
	}
	return colState(t, c)
}

// killWALChild runs the child on path and kills it: in append mode a
// random 0–300 ms after it is ready, in compact mode a random 0–60 ms
// after it announces its first, second or third explicit compaction. It
// returns how many calls the child acknowledged and whether the kill
// came between a "compact" and its "compacted".
func killWALChild(path, mode string, rng *rand.Rand) (acked int, inCompaction bool, err error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWALChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), walChildEnv+"="+path, walModeEnv+"="+mode)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, false, err
	}
	if err := cmd.Start(); err != nil {
		return 0, false, err
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	lines := make(chan string, 1<<16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(2 * time.Minute)
	state := func(l string) {
		switch {
		case strings.HasPrefix(l, "ack "):
			n, _ := strconv.Atoi(l[4:])
			acked = n + 1
		case l == "compact":
			inCompaction = true
		case l == "compacted":
			inCompaction = false
		}
	}
	// Wait for the moment to kill.
	compactions, target := 0, 1+rng.IntN(3)
	var kill <-chan time.Time
wait:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return 0, false, fmt.Errorf("the child exited early (its output is above)")
			}
			if !strings.HasPrefix(l, "ack ") && !strings.HasPrefix(l, "compact") && l != "ready" {
				fmt.Fprintln(os.Stderr, "child:", l)
			}
			state(l)
			if l == "ready" && mode == "append" {
				kill = time.After(time.Duration(rng.IntN(300_000)) * time.Microsecond)
			}
			if l == "compact" && mode == "compact" && kill == nil {
				if compactions++; compactions == target {
					kill = time.After(time.Duration(rng.IntN(60_000)) * time.Microsecond)
				}
			}
		case <-kill:
			break wait
		case <-timeout:
			return 0, false, fmt.Errorf("the child never got to the kill")
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		return 0, false, err
	}
	for l := range lines { // what it printed before dying
		state(l)
	}
	return acked, inCompaction, nil
}

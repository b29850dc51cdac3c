// This file tests that a crash in the middle of Save leaves the previous
// file intact: the test re-executes its own binary as a child process that
// saves a large collection over an existing file, kills it with SIGKILL
// while the temporary file is being written, and loads the previous file,
// which also removes the temporary file the child left behind.

package ganada_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
)

const crashEnv = "GANADA_CRASH_CHILD_PATH"

// fastEncoder maps a text to pseudo-random components derived from its FNV
// hash: cheap enough to build a collection of a few hundred thousand
// documents in a child process quickly.
type fastEncoder struct{ dim int }

func (e fastEncoder) Dim() int { return e.dim }

func (e fastEncoder) Identity() embed.Identity {
	return embed.Identity{Model: "fast", Dim: e.dim}
}

func (e fastEncoder) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		h := fnv.New64a()
		h.Write([]byte(t))
		x := h.Sum64()
		v := make([]float32, e.dim)
		for j := range v {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			v[j] = float32(int64(x>>11)-1<<52) / (1 << 52)
		}
		out[i] = v
	}
	return out, nil
}

// bigDocs returns n documents with about 400 bytes of text each.
func bigDocs(n int) []ganada.Document {
	pad := strings.Repeat("lorem ipsum dolor sit amet ", 15)
	docs := make([]ganada.Document, n)
	for i := range docs {
		id := fmt.Sprintf("big-%07d", i)
		docs[i] = ganada.Document{ID: id, Text: id + " " + pad, Metadata: map[string]string{"n": fmt.Sprint(i)}}
	}
	return docs
}

// TestCrashChild is the child process; it does nothing unless crashEnv
// names the file to save over.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("child process of TestCrashMidSave")
	}
	c, err := ganada.NewCollection(fastEncoder{64}, ganada.WithFlat(), ganada.WithBatchSize(4096))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Add(context.Background(), bigDocs(60_000)...); err != nil {
		t.Fatal(err)
	}
	fmt.Println("saving")
	if err := c.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	fmt.Println("saved")
	time.Sleep(time.Minute) // the parent kills us before this matters
}

func TestCrashMidSave(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("needs SIGKILL and subprocesses")
	}
	if os.Getenv(crashEnv) != "" {
		t.Skip("in the child")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "col.ganada")

	// The previous file: a small collection.
	enc := fastEncoder{64}
	prev, err := ganada.NewCollection(enc, ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	if err := prev.Add(ctx, bigDocs(100)...); err != nil {
		t.Fatal(err)
	}
	if err := prev.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, prev)

	for attempt := 1; ; attempt++ {
		tmp, err := killMidSave(t, dir, path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ganada.Load(ctx, path, enc)
		if err != nil {
			t.Fatalf("attempt %d: loading after the crash: %v", attempt, err)
		}
		if tmp != "" {
			if _, err := os.Stat(tmp); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("Load left the dead child's temporary file %s: %v", tmp, err)
			}
			if !reflect.DeepEqual(snapshot(t, c), want) {
				t.Fatal("the previous file changed although the child died before renaming")
			}
			hits, err := c.Query(ctx, "big-0000042", 1, ganada.WithExactSearch())
			if err != nil || len(hits) != 1 {
				t.Fatalf("querying the previous file: %v", err)
			}
			return
		}
		// The child finished its save before the kill: the file must then be
		// the complete new collection. Restore the previous one and retry.
		if c.Len() != 60_000 {
			t.Fatalf("after a completed save the file holds %d documents", c.Len())
		}
		if attempt == 3 {
			t.Fatal("could not kill the child mid-save in 3 attempts")
		}
		if err := prev.Save(ctx, path); err != nil {
			t.Fatal(err)
		}
	}
}

// killMidSave runs the child and kills it once its temporary file has grown
// past 4 MB. If the kill came before the rename, it returns the temporary
// file the crash left behind; if after, "".
func killMidSave(t *testing.T, dir, path string) (tmp string, err error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "saving" {
	}
	if sc.Err() != nil {
		return "", sc.Err()
	}
	deadline := time.Now().Add(2 * time.Minute)
	pattern := filepath.Join(dir, "."+filepath.Base(path)+".tmp-*")
	for time.Now().Before(deadline) {
		tmps, _ := filepath.Glob(pattern)
		for _, tmp := range tmps {
			if fi, err := os.Stat(tmp); err == nil && fi.Size() > 4<<20 {
				if err := cmd.Process.Kill(); err != nil {
					return "", err
				}
				cmd.Wait()
				// The kill landed before the rename if the temporary file is
				// still there.
				if _, err := os.Stat(tmp); err == nil {
					t.Logf("killed the child with %d bytes of its temporary file written", fi.Size())
					return tmp, nil
				}
				return "", nil
			}
		}
		if cmd.ProcessState != nil {
			break
		}
		time.Sleep(200 * time.Microsecond)
	}
	return "", fmt.Errorf("the child never wrote a temporary file")
}

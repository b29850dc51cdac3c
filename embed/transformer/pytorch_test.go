// pytorch_test.go checks that a folder with only pytorch_model.bin loads
// (through embed/pytorch, which never executes the pickle) and encodes as
// the same weights in safetensors do.

package transformer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

func TestLoadPyTorchBin(t *testing.T) {
	dir := copyDir(t, filepath.Join("testdata", "tiny-bert"))
	os.Remove(filepath.Join(dir, "model.safetensors"))
	os.Remove(filepath.Join(dir, "model.fp16.safetensors"))
	bin, err := os.ReadFile(filepath.Join("testdata", "tiny-bert-pytorch", "pytorch_model.bin"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "pytorch_model.bin"), bin, 0o644)
	m := mustLoad(t, dir)
	ref := mustLoad(t, filepath.Join("testdata", "tiny-bert"), WithWeightsFile("model.fp16.safetensors"))
	texts := []string{"How do I reset my password?", "서울의 인구는?", ""}
	got, want := mustEncode(t, m, texts), mustEncode(t, ref, texts)
	for i := range texts {
		if d := testutil.MaxAbsDiff(got[i], want[i]); d > 1e-6 {
			t.Errorf("text %q: differs from the float16 safetensors by %g", texts[i], d)
		}
	}
	// The identity is the checkpoint's: loading again gives the same one,
	// and no temporary file is left behind (checked by the content hash
	// reading m.files, which are the .bin).
	if m.Identity() != mustLoad(t, dir).Identity() {
		t.Error("identity differs between two loads of one folder")
	}

	// A pickle calling a global other than torch's tensor rebuilders is
	// refused, not run.
	bad := copyDir(t, dir)
	evil, err := os.ReadFile(filepath.Join("..", "pytorch", "testdata", "hostile", "os_system.pt"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(bad, "pytorch_model.bin"), evil, 0o644)
	if _, err := Load(context.Background(), bad); !errors.Is(err, errs.ErrUnsupported) || !strings.Contains(err.Error(), "system") {
		t.Errorf("pickle calling os.system: %v, want errs.ErrUnsupported naming the global", err)
	}
	os.WriteFile(filepath.Join(bad, "pytorch_model.bin"), []byte("not a zip"), 0o644)
	if _, err := Load(context.Background(), bad); !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), "pytorch_model.bin") {
		t.Errorf("garbage pytorch_model.bin: %v, want errs.ErrCorrupt naming the file", err)
	}
}

// crossencoder_fuzz_test.go fuzzes the cross-encoder fields of config.json
// (architectures, id2label, num_labels, the activation): any bytes give
// labels and an activation, or an error wrapping errs.ErrCorrupt or
// errs.ErrUnsupported that names the file, never a panic.

package transformer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

func FuzzCrossEncoderConfig(f *testing.F) {
	for _, m := range []string{"tiny-bert-ce", "tiny-xlmr-ce"} {
		if dir, ok := fixtureDir(m); ok {
			if b, err := os.ReadFile(filepath.Join(dir, "config.json")); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`{"architectures":["BertForSequenceClassification"],"num_labels":3}`))
	f.Add([]byte(`{"architectures":["XLMRobertaForSequenceClassification"],"id2label":{"0":"a","1":"b"},"sentence_transformers":{"activation_fn":"torch.nn.modules.activation.Tanh"}}`))
	f.Add([]byte(`{"architectures":["RobertaForSequenceClassification"],"id2label":{"-1":"a"},"sbert_ce_default_activation_function":"torch.nn.modules.linear.Identity"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		arch, labels, act, err := parseCEConfig("DIR/config.json", b)
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) {
				t.Fatalf("%v: neither ErrCorrupt nor ErrUnsupported", err)
			}
			if !strings.Contains(err.Error(), "DIR/config.json") {
				t.Fatalf("%v: does not name the file", err)
			}
			return
		}
		if arch == "" || len(labels) < 1 || len(labels) > maxLabels {
			t.Fatalf("architecture %q, %d labels", arch, len(labels))
		}
		if act != "sigmoid" && act != "identity" && act != "tanh" {
			t.Fatalf("activation %q", act)
		}
	})
}

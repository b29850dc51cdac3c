// This file tests the eval example on a small STS file it writes, and on the
// real STS data when ../shared/data is present.

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/examples/internal/models"
	"github.com/ganada/ganada/internal/testutil"
)

func load(t *testing.T) *models.Model {
	t.Helper()
	m, err := models.Load(context.Background(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var line = regexp.MustCompile(`(?m)^(.+?)\s+Spearman\s+(-?[\d.]+)\s+Pearson\s+(-?[\d.]+)\s+\((\d+) pairs`)

func TestRunOnSmallFile(t *testing.T) {
	// Pairs ordered by gold score; related pairs share words.
	csv := `A man is playing a guitar.,A man plays the guitar.,4.8
A woman is slicing an onion.,A woman is cutting an onion.,4.2
A dog runs in the park.,A cat sleeps on the sofa.,1.0
The stock market fell today.,A child is riding a bicycle.,0.0
`
	path := filepath.Join(t.TempDir(), "tiny.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out, load(t), []eval.STSTask{{Name: "tiny", Path: path}}); err != nil {
		t.Fatal(err)
	}
	mm := line.FindStringSubmatch(out.String())
	if mm == nil || mm[1] != "tiny" || mm[4] != "4" {
		t.Fatalf("output %q", out.String())
	}
	if rho, _ := strconv.ParseFloat(mm[2], 64); rho < 75 {
		t.Fatalf("Spearman %v on four easy pairs", rho)
	}
}

func TestRunOnSharedData(t *testing.T) {
	dir := testutil.DataDir(t)
	var out bytes.Buffer
	if err := run(context.Background(), &out, load(t), eval.StandardSTSTasks(dir)); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mm := range line.FindAllStringSubmatch(out.String(), -1) {
		got[strings.TrimSpace(mm[1])], _ = strconv.ParseFloat(mm[2], 64)
	}
	// English word vectors: usable on English, near zero on Korean.
	if en := got["STS-B test (en)"]; en < 50 || en > 60 {
		t.Errorf("STS-B test Spearman %v, want about 54 (embed/static/glove/README.md)", en)
	}
	if ko := got["KorSTS test (ko)"]; ko > 10 {
		t.Errorf("KorSTS test Spearman %v, want near 0", ko)
	}
}

type recorder struct{ texts []string }

func (r *recorder) Encode(_ context.Context, texts []string) ([][]float32, error) {
	r.texts = append(r.texts, texts...)
	return make([][]float32, len(texts)), nil
}
func (r *recorder) Dim() int { return 1 }

func TestPrompted(t *testing.T) {
	r := &recorder{}
	e5, err := embed.WithPrompts(r, "query: ", "passage: ")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (asQueries{&models.Model{Encoder: e5}}).Encode(context.Background(), []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.texts, "|") != "query: a|query: b" {
		t.Fatalf("encoder saw %q", r.texts)
	}
}

// main_test.go tests the command end to end: it builds the binary, indexes
// a temporary folder with the embedded model, queries it (plain, JSON,
// filtered), re-indexes (unchanged files are skipped), embeds standard
// input (checked against the library's own encoding), and checks errors
// are one line with a non-zero status. The hosted-API path runs against
// an httptest server in OpenAI's format, behind the embedding cache.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/embed/transformer"
	evalpkg "github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/eval/retrieval"
)

// build builds the command into a temporary folder.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ganada")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// sh runs the binary and returns stdout, stderr and the exit status.
func sh(t *testing.T, bin, dir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func write(t *testing.T, path, content string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestEndToEnd(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "docs/cat.txt"), "The cat sleeps on the sofa.\n")
	write(t, filepath.Join(dir, "docs/sub/rocket.md"), "# Rockets\nRockets reach orbit by burning fuel.\n")
	write(t, filepath.Join(dir, "docs/more.jsonl"), `{"id":"b1","text":"Bread dough must rise for an hour.","topic":"cooking"}
{"id":2,"text":"The stock market fell sharply today.","topic":"finance"}
`)
	write(t, filepath.Join(dir, "docs/.hidden/x.txt"), "hidden")
	write(t, filepath.Join(dir, "docs/image.png"), "not text")

	out, errOut, code := sh(t, bin, dir, "", "index", "-o", "col.ganada", "docs")
	if code != 0 || !strings.Contains(out, "col.ganada: 4 documents (4 encoded, 0 unchanged)") {
		t.Fatalf("index: %d %q %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "encoded 4/4") {
		t.Errorf("no progress lines when not a terminal: %q", errOut)
	}
	out, _, code = sh(t, bin, dir, "", "query", "col.ganada", "where is the kitten?", "-k", "2")
	if code != 0 || !strings.HasPrefix(out, " 1. ") || !strings.Contains(strings.SplitN(out, "\n", 2)[0], "docs/cat.txt") {
		t.Errorf("query: %d %q", code, out)
	}
	out, _, code = sh(t, bin, dir, "", "query", "-json", "-where", "topic=finance", "col.ganada", "bread")
	var hits []struct {
		ID       string            `json:"id"`
		Score    float32           `json:"score"`
		Metadata map[string]string `json:"metadata"`
	}
	if err := json.Unmarshal([]byte(out), &hits); err != nil || code != 0 || len(hits) != 1 || hits[0].ID != "2" || hits[0].Metadata["topic"] != "finance" {
		t.Errorf("filtered JSON query: %d %q %v", code, out, err)
	}

	// Re-running skips unchanged files; a changed file is encoded again.
	out, _, _ = sh(t, bin, dir, "", "index", "-o", "col.ganada", "docs")
	if !strings.Contains(out, "(0 encoded, 4 unchanged)") {
		t.Errorf("re-index: %q", out)
	}
	write(t, filepath.Join(dir, "docs/cat.txt"), "The dog barks at night.\n")
	out, _, _ = sh(t, bin, dir, "", "index", "-o", "col.ganada", "docs")
	if !strings.Contains(out, "4 documents (1 encoded, 3 unchanged)") {
		t.Errorf("re-index after a change: %q", out)
	}

	// embed: each line's vector, as the library encodes it.
	out, errOut, code = sh(t, bin, dir, "hello world\r\nsecond line\n", "embed")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("embed: %d %q %q", code, out, errOut)
	}
	m, err := glove.Load()
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Encode(context.Background(), []string{"hello world", "second line"})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range lines {
		var v []float32
		if err := json.Unmarshal([]byte(l), &v); err != nil || len(v) != len(want[i]) {
			t.Fatalf("line %d: %v", i, err)
		}
		for j := range v {
			if v[j] != want[i][j] {
				t.Fatalf("line %d component %d: %v, want %v", i, j, v[j], want[i][j])
			}
		}
	}

	// Errors: one line, non-zero status; usage errors 2; -h 0.
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"query", "missing.ganada", "x"}, 1},
		{[]string{"query", "col.ganada"}, 2},
		{[]string{"index", "-nosuchflag", "docs"}, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"query", "-api", "nope:x", "col.ganada", "x"}, 2},
		{[]string{"query", "-model", "sentence-transformers/not-here", "-api", "openai:x", "col.ganada", "x"}, 2},
	} {
		_, errOut, code := sh(t, bin, dir, "", c.args...)
		if code != c.code || strings.Count(strings.TrimSpace(errOut), "\n") > 0 && c.args[0] != "frobnicate" || !strings.HasPrefix(errOut, "ganada: ") {
			t.Errorf("%v: status %d (want %d), stderr %q", c.args, code, c.code, errOut)
		}
	}
	for _, sub := range []string{"index", "query", "embed"} {
		_, errOut, code := sh(t, bin, dir, "", sub, "-h")
		if code != 0 || !strings.Contains(errOut, "usage: ganada "+sub) {
			t.Errorf("%s -h: %d %q", sub, code, errOut)
		}
	}
}

// openAIServer answers POST /v1/embeddings in OpenAI's format with the
// vector [len(text), 1, 0, 0] for each input, counting the inputs.
func openAIServer(t *testing.T, texts *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string `json:"input"`
			Model string   `json:"model"`
		}
		if r.URL.Path != "/v1/embeddings" || json.NewDecoder(r.Body).Decode(&req) != nil || req.Model != "tiny" {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":{"message":"bad request"}}`))
			return
		}
		texts.Add(int64(len(req.Input)))
		var data []map[string]any
		for i, s := range req.Input {
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": []float32{float32(len(s)), 1, 0, 0}})
		}
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model,
			"usage": map[string]int{"prompt_tokens": 1, "total_tokens": 1}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAPIAndCache(t *testing.T) {
	var texts atomic.Int64
	srv := openAIServer(t, &texts)
	dir := t.TempDir()
	cacheFile := filepath.Join(dir, "emb.cache")
	api := []string{"-api", "openai-compatible:tiny", "-base-url", srv.URL + "/v1", "-dim", "4", "-cache", cacheFile}
	for run := range 2 {
		var out, errOut bytes.Buffer
		code := run1(t, append([]string{"embed", "-text"}, api...), "abc\nhello\n", &out, &errOut)
		if code != 0 {
			t.Fatalf("embed: %d %s", code, errOut.String())
		}
		want := "{\"text\":\"abc\",\"embedding\":[3,1,0,0]}\n{\"text\":\"hello\",\"embedding\":[5,1,0,0]}\n"
		if out.String() != want {
			t.Errorf("run %d: %q, want %q", run, out.String(), want)
		}
		if texts.Load() != 2 {
			t.Errorf("run %d: the server encoded %d texts, want 2 in all", run, texts.Load())
		}
	}
	// index and query through the API; a query with another model is refused.
	write(t, filepath.Join(dir, "d/a.txt"), "a")
	write(t, filepath.Join(dir, "d/long.txt"), "a much longer text")
	col := filepath.Join(dir, "c.ganada")
	var out, errOut bytes.Buffer
	if code := run1(t, append([]string{"index", "-o", col, "-exact", filepath.Join(dir, "d")}, api...), "", &out, &errOut); code != 0 {
		t.Fatalf("index: %s", errOut.String())
	}
	out.Reset()
	if code := run1(t, append([]string{"query", "-json", col, "x"}, api...), "", &out, &errOut); code != 0 {
		t.Fatalf("query: %s", errOut.String())
	}
	if !strings.Contains(out.String(), `"id"`) {
		t.Errorf("query: %s", out.String())
	}
	errOut.Reset()
	if code := run1(t, []string{"query", col, "x"}, "", &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "encoder does not match") {
		t.Errorf("query with the embedded model: %d %q", code, errOut.String())
	}
}

func run1(t *testing.T, args []string, stdin string, stdout, stderr *bytes.Buffer) int {
	t.Helper()
	return run(context.Background(), args, strings.NewReader(stdin), stdout, stderr)
}

func TestChunking(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "d", "long.txt")
	text := "Hangul was created in 1443. It was published in 1446.\n\n" +
		"Its letters are grouped into syllable blocks. Unicode encodes 11,172 of them."
	write(t, doc, text)
	col := filepath.Join(dir, "c.ganada")
	var out, errOut bytes.Buffer
	if code := run1(t, []string{"index", "-chunk", "8", "-overlap", "5", "-o", col, filepath.Join(dir, "d")}, "", &out, &errOut); code != 0 {
		t.Fatalf("index: %s", errOut.String())
	}
	// The chunk package's own example cuts this text in four.
	if !strings.Contains(out.String(), ": 4 documents (1 encoded, 0 unchanged)") {
		t.Fatalf("index: %q", out.String())
	}
	out.Reset()
	if code := run1(t, []string{"query", "-json", "-k", "1", col, "Unicode syllables"}, "", &out, &errOut); code != 0 {
		t.Fatalf("query: %s", errOut.String())
	}
	var hits []struct {
		ID       string            `json:"id"`
		Text     string            `json:"text"`
		Metadata map[string]string `json:"metadata"`
	}
	json.Unmarshal(out.Bytes(), &hits)
	id := filepath.ToSlash(doc)
	if len(hits) != 1 || hits[0].ID != id+"#3" || hits[0].Metadata[ganada.MetaParent] != id || hits[0].Metadata[ganada.MetaStart] != "101" || hits[0].Text != text[101:] {
		t.Errorf("hit %+v", hits)
	}
	out.Reset()
	run1(t, []string{"index", "-chunk", "8", "-overlap", "5", "-o", col, filepath.Join(dir, "d")}, "", &out, &errOut)
	if !strings.Contains(out.String(), "(0 encoded, 1 unchanged)") {
		t.Errorf("re-index: %q", out.String())
	}
	write(t, doc, "Hangul was created in 1443.")
	out.Reset()
	run1(t, []string{"index", "-chunk", "8", "-overlap", "5", "-o", col, filepath.Join(dir, "d")}, "", &out, &errOut)
	if !strings.Contains(out.String(), ": 1 documents (1 encoded, 0 unchanged)") {
		t.Errorf("after shortening, the old chunks should be gone: %q", out.String())
	}
	errOut.Reset()
	if code := run1(t, []string{"index", "-overlap", "2", "-o", col, dir}, "", &out, &errOut); code != 2 {
		t.Errorf("-overlap without -chunk: %d %q", code, errOut.String())
	}
}

// TestNPY checks -format npy with NumPy itself (Debian's python3-numpy):
// numpy.load must read the array back equal to the JSON lines output.
func TestNPY(t *testing.T) {
	var py string
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		t.Skip("no python3 with numpy")
	}
	in := "first line\nsecond line\n한국어 줄\n"
	var js, npy, errOut bytes.Buffer
	if code := run1(t, []string{"embed"}, in, &js, &errOut); code != 0 {
		t.Fatal(errOut.String())
	}
	if code := run1(t, []string{"embed", "-format", "npy"}, in, &npy, &errOut); code != 0 {
		t.Fatal(errOut.String())
	}
	path := filepath.Join(t.TempDir(), "v.npy")
	os.WriteFile(path, npy.Bytes(), 0o644)
	out, err := exec.Command(py, "-c", `import json, sys, numpy
a = numpy.load(sys.argv[1])
assert a.dtype == numpy.float32 and a.ndim == 2, (a.dtype, a.shape)
print(json.dumps([[float(x) for x in row] for row in a]))`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy.load: %v\n%s", err, out)
	}
	var got [][]float64
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(js.String()), "\n")
	if len(got) != len(lines) {
		t.Fatalf("%d rows, want %d", len(got), len(lines))
	}
	for i, l := range lines {
		var want []float32
		json.Unmarshal([]byte(l), &want)
		if len(got[i]) != len(want) {
			t.Fatalf("row %d: %d values, want %d", i, len(got[i]), len(want))
		}
		for j := range want {
			if float32(got[i][j]) != want[j] {
				t.Fatalf("row %d col %d: %v, want %v", i, j, got[i][j], want[j])
			}
		}
	}
}

// TestModels builds a Hugging Face cache from the shared tiny BERT
// fixture: once as it is (loadable), once with a model_type the loader
// does not know (listed with the loader's reason), once without any
// snapshot.
func TestModels(t *testing.T) {
	src := filepath.Join("..", "..", "..", "shared", "fixtures", "models", "tiny-bert")
	if _, err := os.Stat(filepath.Join(src, "model.safetensors")); err != nil {
		t.Skip("needs the shared fixture models/tiny-bert")
	}
	cache := t.TempDir()
	mk := func(id string, edit func(dir string)) {
		folder := filepath.Join(cache, "models--"+strings.ReplaceAll(id, "/", "--"))
		snap := filepath.Join(folder, "snapshots", "abc123")
		if err := os.CopyFS(snap, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(folder, "refs", "main"), "abc123")
		if edit != nil {
			edit(snap)
		}
	}
	mk("test/tiny-bert", nil)
	mk("test/odd-arch", func(dir string) {
		b, _ := os.ReadFile(filepath.Join(dir, "config.json"))
		var cfg map[string]any
		json.Unmarshal(b, &cfg)
		cfg["model_type"] = "no-such-architecture"
		b, _ = json.Marshal(cfg)
		os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644)
	})
	os.MkdirAll(filepath.Join(cache, "models--test--empty", "snapshots"), 0o755)
	var out, errOut bytes.Buffer
	if code := run1(t, []string{"models", "-json", "-cache-dir", cache}, "", &out, &errOut); code != 0 {
		t.Fatalf("models: %s", errOut.String())
	}
	var list []modelInfo
	if err := json.Unmarshal(out.Bytes(), &list); err != nil || len(list) != 3 {
		t.Fatalf("%v %s", err, out.String())
	}
	byID := map[string]modelInfo{}
	for _, m := range list {
		byID[m.ID] = m
	}
	if m := byID["test/tiny-bert"]; !m.Loadable || m.Dim <= 0 || m.Bytes < 1e6 {
		t.Errorf("tiny-bert: %+v", m)
	}
	if m := byID["test/odd-arch"]; m.Loadable || !strings.Contains(m.Reason, "no-such-architecture") {
		t.Errorf("odd-arch: %+v", m)
	}
	if m := byID["test/empty"]; m.Loadable || m.Reason == "" {
		t.Errorf("empty: %+v", m)
	}
	out.Reset()
	if code := run1(t, []string{"models", "-cache-dir", filepath.Join(cache, "nowhere")}, "", &out, &errOut); code != 0 || !strings.Contains(out.String(), "no models") {
		t.Errorf("missing cache: %d %q", code, out.String())
	}
}

// TestInterruptedIndex interrupts an index run after the API's first
// answer: the documents indexed so far are saved, and a second run
// encodes only the rest.
func TestInterruptedIndex(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var texts, calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string `json:"input"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		texts.Add(int64(len(req.Input)))
		var data []map[string]any
		for i, s := range req.Input {
			data = append(data, map[string]any{"index": i, "embedding": []float32{float32(len(s)), 1}})
		}
		json.NewEncoder(w).Encode(map[string]any{"data": data})
		if calls.Add(1) == 2 {
			cancel() // the user presses ^C after the second answer
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	var lines []string
	for i := range 600 {
		lines = append(lines, `{"id":"`+strings.Repeat("x", i%7)+`-`+string(rune('a'+i%26))+`-`+itoa(i)+`","text":"document `+itoa(i)+`"}`)
	}
	write(t, filepath.Join(dir, "docs.jsonl"), strings.Join(lines, "\n"))
	col := filepath.Join(dir, "c.ganada")
	args := []string{"index", "-o", col, "-api", "openai-compatible:m", "-base-url", srv.URL + "/v1", "-dim", "2", filepath.Join(dir, "docs.jsonl")}
	var out, errOut bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "run again to continue") {
		t.Fatalf("interrupted run: %d %q", code, errOut.String())
	}
	var saved int
	if _, err := fmt.Sscanf(errOut.String()[strings.Index(errOut.String(), "with the "):], "with the %d documents", &saved); err != nil || saved < 64 || saved >= 600 {
		t.Fatalf("saved %d documents (%v): %q", saved, err, errOut.String())
	}
	out.Reset()
	if code := run(context.Background(), args, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("second run: %s", errOut.String())
	}
	want := "600 documents (" + itoa(600-saved) + " encoded, " + itoa(saved) + " unchanged)"
	if !strings.Contains(out.String(), want) {
		t.Errorf("second run: %q, want %q", out.String(), want)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestEval runs eval with the embedded model on the shared STS data and
// checks its numbers are package eval's for the same encoder.
func TestEval(t *testing.T) {
	data := filepath.Join("..", "..", "..", "shared", "data")
	tasks := evalpkg.StandardSTSTasks(data)
	if _, err := os.Stat(tasks[0].Path); err != nil {
		t.Skip("needs the shared STS data (../shared/data)")
	}
	var out, errOut bytes.Buffer
	if code := run1(t, []string{"eval", "-data", data, "-queries", "50"}, "", &out, &errOut); code != 0 {
		t.Fatalf("eval: %s", errOut.String())
	}
	m, _ := glove.Load()
	for _, task := range tasks {
		pairs, err := evalpkg.LoadSTS(context.Background(), task.Path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := evalpkg.EvaluateSTS(context.Background(), m, pairs)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%-18s Spearman %6.2f", task.Name, res.Spearman)
		if !strings.Contains(out.String(), want) {
			t.Errorf("output %q lacks %q", out.String(), want)
		}
	}
	// The retrieval rows are eval/retrieval's, on the same 50 queries.
	pairs, err := evalpkg.LoadSTS(context.Background(), filepath.Join(data, retrieval.Tasks[0].File))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := retrieval.Evaluate(context.Background(), m, retrieval.Tasks[0].Name, evalpkg.STSRetrieval(pairs, 4.0), 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		want := fmt.Sprintf("| %s | %s | %.4f | %.4f |", r.Task, r.Mode, r.NDCG10, r.Recall100)
		if !strings.Contains(out.String(), want) {
			t.Errorf("output %q lacks %q", out.String(), want)
		}
	}
}

// TestSearchModes: a collection indexed with -lexical answers -search
// lexical and hybrid; the BM25 ranking puts the document with the query's
// rare word first. A bad -search is a usage error.
func TestSearchModes(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "d", "a.txt"), "The zeppelin floated over the harbour at dawn.")
	write(t, filepath.Join(dir, "d", "b.txt"), "A cat slept on the warm windowsill all afternoon.")
	write(t, filepath.Join(dir, "d", "c.txt"), "Bread dough rises faster in a warm kitchen.")
	col := filepath.Join(dir, "c.ganada")
	var out, errOut bytes.Buffer
	if code := run1(t, []string{"index", "-lexical", "-exact", "-o", col, filepath.Join(dir, "d")}, "", &out, &errOut); code != 0 {
		t.Fatalf("index: %s", errOut.String())
	}
	for _, mode := range []string{"lexical", "hybrid", "dense"} {
		out.Reset()
		if code := run1(t, []string{"query", "-json", "-k", "3", "-search", mode, col, "zeppelin"}, "", &out, &errOut); code != 0 {
			t.Fatalf("query -search %s: %s", mode, errOut.String())
		}
		var hits []struct{ ID string }
		json.Unmarshal(out.Bytes(), &hits)
		if len(hits) == 0 || (mode != "dense" && !strings.HasSuffix(hits[0].ID, "a.txt")) {
			t.Errorf("-search %s: hits %+v", mode, hits)
		}
	}
	if code := run1(t, []string{"query", "-search", "sparse", col, "x"}, "", &out, &errOut); code != 2 {
		t.Errorf("-search sparse: exit %d", code)
	}
}

// TestEvalM3Rerank runs eval -m3 -reranker with the tiny fixtures (random
// weights: a pipeline check) and checks that its retrieval rows, the M3
// and rerank rows included, are eval/retrieval's for the same models.
func TestEvalM3Rerank(t *testing.T) {
	data := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(data, retrieval.Tasks[0].File)); err != nil {
		t.Skip("needs the shared STS data (../shared/data)")
	}
	m3dir := filepath.Join("..", "..", "embed", "transformer", "testdata", "tiny-bge-m3")
	cedir := filepath.Join("..", "..", "embed", "transformer", "testdata", "tiny-xlmr-ce")
	var out, errOut bytes.Buffer
	if code := run1(t, []string{"eval", "-data", data, "-queries", "20", "-model", m3dir, "-m3", "-reranker", cedir, "-rerank-depth", "5"}, "", &out, &errOut); code != 0 {
		t.Fatalf("eval: %s", errOut.String())
	}
	ctx := context.Background()
	m3, err := transformer.LoadM3(ctx, m3dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m3.Close()
	ce, err := transformer.LoadCrossEncoder(ctx, cedir)
	if err != nil {
		t.Fatal(err)
	}
	defer ce.Close()
	pairs, err := evalpkg.LoadSTS(ctx, filepath.Join(data, retrieval.Tasks[0].File))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := retrieval.EvaluateWith(ctx, m3, retrieval.Tasks[0].Name, evalpkg.STSRetrieval(pairs, 4.0),
		retrieval.Options{Limit: 20, Reranker: ce, RerankName: cedir, RerankDepth: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(retrieval.Modes)+len(retrieval.M3Modes)+1 {
		t.Fatalf("%d rows", len(rs))
	}
	for _, r := range rs {
		want := fmt.Sprintf("| %s | %s | %.4f | %.4f |", r.Task, r.Mode, r.NDCG10, r.Recall100)
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	errOut.Reset()
	if code := run1(t, []string{"eval", "-data", data, "-m3"}, "", &out, &errOut); code != 2 {
		t.Errorf("-m3 without -model: exit %d, want 2 (%s)", code, errOut.String())
	}
}

// TestChunkMigration: testdata/old-chunks.ganada was written by the index
// command before it used the Collection's WithChunking (commit eb5053d,
// in a folder holding d/long.txt and d/short.txt as written here:
// `ganada index -chunk 8 -overlap 5 -exact -lexical -o old-chunks.ganada d`),
// its chunks carrying the metadata parent, start and end, and the short
// document stored as d/short.txt#0. Indexing the same folder again renames
// that metadata to ganada.parent, ganada.start and ganada.end without
// encoding anything; a query WithParents then finds the documents, and a
// changed document replaces all its old chunks.
func TestChunkMigration(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("testdata", "old-chunks.ganada"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	long := "Hangul was created in 1443. It was published in 1446.\n\n" +
		"Its letters are grouped into syllable blocks. Unicode encodes 11,172 of them."
	write(t, filepath.Join(dir, "d", "long.txt"), long)
	write(t, filepath.Join(dir, "d", "short.txt"), "A short note.")
	write(t, filepath.Join(dir, "c.ganada"), string(old))
	t.Chdir(dir)
	// The old file loads as it is, in the query command and the library.
	var out, errOut bytes.Buffer
	if code := run1(t, []string{"query", "-k", "1", "c.ganada", "Unicode"}, "", &out, &errOut); code != 0 {
		t.Fatalf("query of the old file: %s", errOut.String())
	}
	out.Reset()
	if code := run1(t, []string{"index", "-chunk", "8", "-overlap", "5", "-o", "c.ganada", "d"}, "", &out, &errOut); code != 0 {
		t.Fatalf("index: %s", errOut.String())
	}
	if !strings.Contains(out.String(), ": 5 documents (0 encoded, 2 unchanged)") {
		t.Fatalf("index: %q", out.String())
	}
	enc, _ := glove.Load()
	ctx := context.Background()
	col, err := ganada.Load(ctx, "c.ganada", enc)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range col.IDs() {
		d, _ := col.Get(id)
		if _, ok := d.Metadata["parent"]; ok || d.Metadata[ganada.MetaParent] == "" {
			t.Fatalf("%q not migrated: %v", id, d.Metadata)
		}
	}
	hits, err := col.Query(ctx, "Unicode syllables", 2, ganada.WithParents())
	if err != nil || len(hits) != 2 {
		t.Fatalf("WithParents: %+v %v", hits, err)
	}
	if s, e, ok := hits[0].Offsets(); hits[0].Parent() != "d/long.txt" || !ok || long[s:e] != hits[0].Text {
		t.Fatalf("best hit %+v", hits[0])
	}
	// A changed document replaces all its old chunks; one of a single
	// chunk is now stored whole.
	write(t, filepath.Join("d", "long.txt"), "Hangul was created in 1443.")
	write(t, filepath.Join("d", "short.txt"), "A shorter note.")
	out.Reset()
	if code := run1(t, []string{"index", "-chunk", "8", "-overlap", "5", "-o", "c.ganada", "d"}, "", &out, &errOut); code != 0 {
		t.Fatalf("index: %s", errOut.String())
	}
	if col, err = ganada.Load(ctx, "c.ganada", enc); err != nil {
		t.Fatal(err)
	}
	if ids := col.IDs(); !slices.Equal(ids, []string{"d/long.txt", "d/short.txt"}) {
		t.Fatalf("after the change: %v", ids)
	}
	// Without -chunk, an unchanged document is kept as it is.
	out.Reset()
	if code := run1(t, []string{"index", "-o", "c.ganada", "d"}, "", &out, &errOut); code != 0 || !strings.Contains(out.String(), "(0 encoded, 2 unchanged)") {
		t.Fatalf("index without -chunk: %q %s", out.String(), errOut.String())
	}
	// A chunked document changed and indexed without -chunk loses its
	// chunks.
	write(t, filepath.Join("d", "long.txt"), long)
	if code := run1(t, []string{"index", "-chunk", "8", "-o", "c.ganada", "d"}, "", &out, &errOut); code != 0 {
		t.Fatal(errOut.String())
	}
	write(t, filepath.Join("d", "long.txt"), long+" The end.")
	if code := run1(t, []string{"index", "-o", "c.ganada", "d"}, "", &out, &errOut); code != 0 {
		t.Fatal(errOut.String())
	}
	if col, err = ganada.Load(ctx, "c.ganada", enc); err != nil {
		t.Fatal(err)
	}
	if ids := col.IDs(); !slices.Equal(ids, []string{"d/long.txt", "d/short.txt"}) {
		t.Fatalf("after indexing without -chunk: %v", ids)
	}
}

// This file tests the quickstart with the embedded GloVe model: each default
// question must retrieve the document written to answer it.

package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/examples/internal/models"
)

func TestDefaultQueriesFindTheirAnswers(t *testing.T) {
	ctx := context.Background()
	m, err := models.Load(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	col, err := build(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if col.Len() != len(corpus()) {
		t.Fatalf("indexed %d of %d documents", col.Len(), len(corpus()))
	}
	want := []string{"bread", "mercury", "dog", "stocks", "password"}
	for i, q := range defaultQueries {
		hits, err := col.Query(ctx, q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if hits[0].ID != want[i] {
			t.Errorf("%q: top hit %s (%.3f), want %s", q, hits[0].ID, hits[0].Score, want[i])
		}
	}
	hits, err := col.Query(ctx, filtered.query, 3, ganada.WithFilter(ganada.Where("topic", filtered.topic)))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.Metadata["topic"] != filtered.topic {
			t.Fatalf("filtered query returned %s", h.ID)
		}
	}
	if hits[0].ID != "salad" {
		t.Errorf("%q in cooking: top hit %s, want salad", filtered.query, hits[0].ID)
	}
}

func TestRunPrintsRankedHits(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, "", "", 2, []string{"rockets and astronauts"}, store{}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"embedded GloVe", "32 documents", `"rockets and astronauts"`, "  1. 0.", "  2. 0.", "where topic = cooking"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestRunBadModel(t *testing.T) {
	err := run(context.Background(), &bytes.Buffer{}, "./no/such/model.txt", "", 3, nil, store{})
	if err == nil || !strings.Contains(err.Error(), "no such file or folder") {
		t.Fatalf("err = %v", err)
	}
}

// TestRunWithTransformerFixture smoke-tests -model with a model folder (random
// weights: the ranking means nothing, the pipeline must work).
func TestRunWithTransformerFixture(t *testing.T) {
	const dir = "../../../shared/fixtures/models/tiny-bert"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("fixture ../shared/fixtures/models/tiny-bert not present")
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out, dir, "", 2, []string{"bread"}, store{}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "32 dimensions") || !strings.Contains(s, "32 documents") {
		t.Fatalf("output:\n%s", s)
	}
}

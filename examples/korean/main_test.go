// This file tests the Korean example: the English model's coverage report,
// the advice printed when the model cannot be downloaded, and a run with
// the random-weight XLM-R fixture.

package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/ganada/ganada/examples/internal/models"
)

func TestEnglishModelSeesNoKorean(t *testing.T) {
	var out bytes.Buffer
	if err := englishModelReport(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	n := len(documents())
	if want := "24 documents get no vector at all"; n != 24 || !strings.Contains(out.String(), want) {
		t.Fatalf("report:\n%s", out.String())
	}
}

func TestUnreachableModelGivesAdvice(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no loopback networking")
	}
	addr := l.Addr().String()
	l.Close()
	t.Setenv("HF_ENDPOINT", "http://"+addr)
	t.Setenv("HF_HUB_CACHE", t.TempDir())
	var out bytes.Buffer
	err = run(context.Background(), &out, DefaultModel, DefaultPrompts, 2, questions)
	if !models.IsHint(err) || !strings.Contains(err.Error(), "-model DIR") {
		t.Fatalf("err = %v, want download advice", err)
	}
}

func TestRunWithXLMRFixture(t *testing.T) {
	const dir = "../../../shared/fixtures/models/tiny-xlmr"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("fixture ../shared/fixtures/models/tiny-xlmr not present")
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out, dir, "", 2, questions); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "24 documents indexed") || strings.Count(s, "\n  1. ") != len(questions) {
		t.Fatalf("output:\n%s", s)
	}
}

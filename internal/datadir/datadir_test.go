// This file checks how Find chooses the data directory.

package datadir

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFind(t *testing.T) {
	t.Setenv("GANADA_DATA", t.TempDir())
	if _, err := Find(); err == nil {
		t.Fatal("empty GANADA_DATA accepted")
	}
	d := t.TempDir()
	for _, sub := range Subdirs {
		if err := os.MkdirAll(filepath.Join(d, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("GANADA_DATA", d)
	if got, err := Find(); err != nil || got != d {
		t.Fatalf("%q %v", got, err)
	}
	// Walking up: a shared/data two levels above the working directory.
	root := t.TempDir()
	data := filepath.Join(root, "shared", "data")
	for _, sub := range Subdirs {
		if err := os.MkdirAll(filepath.Join(data, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	wd := filepath.Join(root, "repo", "pkg")
	if err := os.MkdirAll(wd, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GANADA_DATA", "")
	old, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(wd); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(old)
	if got, err := Find(); err != nil || got != data {
		t.Fatalf("%q %v, want %s", got, err, data)
	}
}

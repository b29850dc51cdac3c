// This file locates the evaluation data and names the standard STS tasks.

package eval

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// FindDataDir returns the evaluation data directory: $GANADA_DATA if set,
// else the first "shared/data" found walking up from the working directory
// (the project checkout's ../shared/data). The directory must hold the
// korsts and stsb-multi-mt folders.
func FindDataDir() (string, error) {
	ok := func(d string) bool {
		for _, sub := range []string{"korsts", "stsb-multi-mt"} {
			if st, err := os.Stat(filepath.Join(d, sub)); err != nil || !st.IsDir() {
				return false
			}
		}
		return true
	}
	if d := os.Getenv("GANADA_DATA"); d != "" {
		if ok(d) {
			return d, nil
		}
		return "", fmt.Errorf("eval: GANADA_DATA=%s has no korsts and stsb-multi-mt folders", d)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if c := filepath.Join(d, "shared", "data"); ok(c) {
			return c, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", errors.New("eval: no shared/data directory above the working directory (set GANADA_DATA)")
}

// STSTask names an STS test set and where its file is.
type STSTask struct {
	// Name is a short label such as "STS-B test (en)".
	Name string
	// Path is the data file; LoadSTS reads it.
	Path string
}

// StandardSTSTasks returns the STS sets the project reports, under dataDir
// (see FindDataDir): the English STS benchmark test split (stsb-multi-mt)
// and the KorSTS test split.
func StandardSTSTasks(dataDir string) []STSTask {
	return []STSTask{
		{Name: "STS-B test (en)", Path: filepath.Join(dataDir, "stsb-multi-mt", "stsb-en-test.csv")},
		{Name: "KorSTS test (ko)", Path: filepath.Join(dataDir, "korsts", "sts-test.tsv")},
	}
}

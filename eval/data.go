// This file names the standard STS tasks.

package eval

import "path/filepath"

// STSTask names an STS test set and where its file is.
type STSTask struct {
	// Name is a short label such as "STS-B test (en)".
	Name string
	// Path is the data file; LoadSTS reads it.
	Path string
}

// StandardSTSTasks returns the STS sets the project reports, under dataDir
// (the caller's data folder, holding stsb-multi-mt/stsb-en-test.csv and
// korsts/sts-test.tsv): the English STS benchmark test split
// (stsb-multi-mt) and the KorSTS test split.
func StandardSTSTasks(dataDir string) []STSTask {
	return []STSTask{
		{Name: "STS-B test (en)", Path: filepath.Join(dataDir, "stsb-multi-mt", "stsb-en-test.csv")},
		{Name: "KorSTS test (ko)", Path: filepath.Join(dataDir, "korsts", "sts-test.tsv")},
	}
}

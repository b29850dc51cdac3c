// This file measures what OpenFile's log saves: the time and bytes written
// to add 10 documents to a saved collection of 100,000 × 384 and persist
// them, appended to the log, against a full Save. It runs only when
// GANADA_MEASURE_WAL is set (1: Flat, hnsw: HNSW, whose build takes
// minutes): GANADA_MEASURE_WAL=1 go test -run '^TestMeasureIncremental$' -v .

package ganada_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ganada/ganada"
)

func TestMeasureIncremental(t *testing.T) {
	mode := os.Getenv("GANADA_MEASURE_WAL")
	if mode == "" {
		t.Skip("set GANADA_MEASURE_WAL=1 (or hnsw) to measure")
	}
	const n, dim, add, rounds = 100_000, 384, 10, 5
	enc := fastEncoder{dim}
	kind := ganada.WithFlat()
	if mode == "hnsw" {
		kind = ganada.WithHNSW()
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "big.ganada")
	c, err := ganada.NewCollection(enc, kind, ganada.WithBatchSize(4096))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := c.Add(ctx, bigDocs(n)...); err != nil {
		t.Fatal(err)
	}
	t.Logf("built %d × %d (%s) in %v", n, dim, mode, time.Since(start))
	start = time.Now()
	if err := c.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	t.Logf("first Save: %v, %d bytes", time.Since(start), fileSize(t, path))

	batch := func(r int) []ganada.Document {
		docs := bigDocs(add)
		for i := range docs {
			docs[i].ID = fmt.Sprintf("new-%d-%d", r, i)
		}
		return docs
	}
	median := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }

	// The log: OpenFile, then Add (appended and fsynced before it returns).
	start = time.Now()
	o, err := ganada.OpenFile(ctx, path, enc, ganada.WithAutoCompact(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("OpenFile (Load + log): %v", time.Since(start))
	var logTimes []time.Duration
	var logBytes int64
	for r := 0; r < rounds; r++ {
		before := fileSize(t, path+".log")
		start := time.Now()
		if err := o.Add(ctx, batch(r)...); err != nil {
			t.Fatal(err)
		}
		logTimes = append(logTimes, time.Since(start))
		logBytes = fileSize(t, path+".log") - before
	}
	o.Close()

	// A full Save of a collection loaded without the log.
	l, err := ganada.Load(ctx, path, enc)
	if err != nil {
		t.Fatal(err)
	}
	var saveTimes []time.Duration
	var saveBytes int64
	for r := 0; r < rounds; r++ {
		start := time.Now()
		if err := l.Add(ctx, batch(rounds+r)...); err != nil {
			t.Fatal(err)
		}
		if err := l.Save(ctx, filepath.Join(dir, "full.ganada")); err != nil {
			t.Fatal(err)
		}
		saveTimes = append(saveTimes, time.Since(start))
		saveBytes = fileSize(t, filepath.Join(dir, "full.ganada"))
	}
	load, _ := os.ReadFile("/proc/loadavg")
	t.Logf("add %d documents and persist (median of %d): log %v, %d bytes; full Save %v, %d bytes; ratio time %.0f×, bytes %.0f×; load %s",
		add, rounds, median(logTimes), logBytes, median(saveTimes), saveBytes,
		float64(median(saveTimes))/float64(median(logTimes)), float64(saveBytes)/float64(logBytes), load)
}

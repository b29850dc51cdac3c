// This file holds the runnable example of OpenFile: a collection attached
// to its file, whose changes are on disk when Add and Delete return.

package ganada_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed/static/glove"
)

// OpenFile creates the file on first use; each Add and Delete is appended
// to the log beside it before returning, and reopening replays the log.
// Compact folds the log into the file.
func ExampleOpenFile() {
	ctx := context.Background()
	enc, err := glove.Load()
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "ganada-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "docs.ganada")

	col, err := ganada.OpenFile(ctx, path, enc, ganada.WithFlat())
	if err != nil {
		log.Fatal(err)
	}
	err = col.Add(ctx,
		ganada.Document{ID: "pets", Text: "My cat sleeps on the sofa all afternoon."},
		ganada.Document{ID: "bank", Text: "The central bank raised interest rates again."},
		ganada.Document{ID: "soup", Text: "Simmer the onions and garlic, then add the tomatoes."},
	)
	if err != nil {
		log.Fatal(err)
	}
	if err := col.Delete(ctx, "soup"); err != nil {
		log.Fatal(err)
	}
	if err := col.Close(); err != nil { // no Save: the changes are in the log
		log.Fatal(err)
	}

	col, err = ganada.OpenFile(ctx, path, enc)
	if err != nil {
		log.Fatal(err)
	}
	defer col.Close()
	fmt.Println(col.IDs())
	hits, err := col.Query(ctx, "inflation and the economy", 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hits[0].ID)
	if err := col.Compact(ctx); err != nil { // the log, folded into docs.ganada
		log.Fatal(err)
	}
	// Output:
	// [bank pets]
	// bank
}

// This file holds the example of WithIndex: a collection over an index the
// caller builds and keeps.

package ganada_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
)

// WithIndex runs a collection over any index.Index; here an exact index
// the caller keeps a handle on (index/pgvector's Index is another).
func ExampleWithIndex() {
	ctx := context.Background()
	enc := newHashEncoder(16)
	x, err := flat.New(enc.Dim(), index.Dot)
	if err != nil {
		log.Fatal(err)
	}
	col, err := ganada.NewCollection(enc, ganada.WithIndex(x))
	if err != nil {
		log.Fatal(err)
	}
	err = col.Add(ctx,
		ganada.Document{ID: "a", Text: "kimchi and rice"},
		ganada.Document{ID: "b", Text: "train station"})
	if err != nil {
		log.Fatal(err)
	}
	hits, _ := col.Query(ctx, "kimchi", 1)
	fmt.Println(col.Index(), x.Len(), hits[0].ID)
	// Output: external 2 a
}

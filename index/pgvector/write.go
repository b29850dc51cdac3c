// This file implements the writes: Add, AddBatch and AddDocuments (upserts
// of whole batches in one transaction, by COPY or by unnest arrays) and
// Delete.

package pgvector

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/internal/core"
)

// chunkRows is how many rows one INSERT of a BulkUnnest batch carries.
const chunkRows = 1000

// row is one row to write; doc is nil for AddBatch, which keeps the
// document already stored under the id.
type row struct {
	id  int64
	vec string // pgvector's text form, "[x,y,…]"
	doc *index.Doc
}

// Add inserts vec under id, replacing the vector stored under id (its
// document, if any, is kept). Errors as AddBatch.
func (x *Index) Add(ctx context.Context, id uint64, vec []float32) error {
	return x.AddBatch(ctx, []uint64{id}, [][]float32{vec})
}

// AddBatch adds vecs[i] under ids[i] for every i in one transaction: all
// of them or, on any error (a bad vector, a lost connection, ctx
// cancelled), none. Vectors are checked before anything is sent: a wrong
// length is an error wrapping errs.ErrDimension, NaN or ±Inf components or
// a zero vector under Cosine errs.ErrInvalidVector. If an id repeats, its
// last vector wins. Documents stored under the ids are kept.
func (x *Index) AddBatch(ctx context.Context, ids []uint64, vecs [][]float32) error {
	return x.write(ctx, ids, vecs, nil)
}

// AddDocuments is AddBatch that also stores docs[i] (key, text, metadata)
// under ids[i], replacing what was stored. PostgreSQL's text and jsonb
// cannot hold the NUL character: a key, text or metadata containing one is
// an error wrapping errs.ErrInvalidInput naming the id, as is invalid
// UTF-8.
func (x *Index) AddDocuments(ctx context.Context, ids []uint64, vecs [][]float32, docs []index.Doc) error {
	if len(docs) != len(ids) {
		return fmt.Errorf("pgvector: AddDocuments: %d ids, %d documents: %w", len(ids), len(docs), errs.ErrInvalidInput)
	}
	return x.write(ctx, ids, vecs, docs)
}

// write checks and converts the rows, then upserts them in one
// transaction.
func (x *Index) write(ctx context.Context, ids []uint64, vecs [][]float32, docs []index.Doc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(ids) != len(vecs) {
		return fmt.Errorf("pgvector: %d ids, %d vectors: %w", len(ids), len(vecs), errs.ErrInvalidInput)
	}
	pos := make(map[uint64]int, len(ids))
	rows := make([]row, 0, len(ids))
	buf := make([]float32, x.dim)
	for i, id := range ids {
		if err := core.Prepare(buf, vecs[i], x.dim, x.metric); err != nil {
			return fmt.Errorf("pgvector: id %d: %w", id, err)
		}
		r := row{id: int64(id), vec: vectorText(buf)}
		if docs != nil {
			if err := checkDoc(docs[i]); err != nil {
				return fmt.Errorf("pgvector: id %d: %w", id, err)
			}
			r.doc = &docs[i]
		}
		if p, ok := pos[id]; ok {
			rows[p] = r
			continue
		}
		pos[id] = len(rows)
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, x.pool, func(tx pgx.Tx) error {
		if x.bulk == BulkCopy {
			return x.copyRows(ctx, tx, rows, docs != nil)
		}
		for start := 0; start < len(rows); start += chunkRows {
			if err := x.unnestRows(ctx, tx, rows[start:min(start+chunkRows, len(rows))], docs != nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return x.wrap(ctx, fmt.Sprintf("writing %d rows (nothing was written)", len(rows)), err)
	}
	return nil
}

// upsert returns the INSERT … ON CONFLICT that moves rows from src (a FROM
// item with columns id, key, e, m, doc, all text but id) into the table.
func (x *Index) upsert(src string, withDocs bool) string {
	set := `embedding = EXCLUDED.embedding`
	if withDocs {
		set += `, key = EXCLUDED.key, metadata = EXCLUDED.metadata, document = EXCLUDED.document`
	}
	return `INSERT INTO ` + x.qt + ` (id, key, embedding, metadata, document)
		SELECT s.id, s.key, s.e::` + x.vtype + `, COALESCE(s.m::jsonb, '{}'), s.doc FROM ` + src + `
		ON CONFLICT (id) DO UPDATE SET ` + set
}

// unnestRows writes rows with one INSERT … SELECT FROM unnest(arrays).
func (x *Index) unnestRows(ctx context.Context, tx pgx.Tx, rows []row, withDocs bool) error {
	ids := make([]int64, len(rows))
	vecs := make([]string, len(rows))
	keys := make([]*string, len(rows))
	metas := make([]*string, len(rows))
	texts := make([]*string, len(rows))
	for i, r := range rows {
		ids[i], vecs[i] = r.id, r.vec
		if r.doc != nil {
			keys[i], metas[i], texts[i] = &r.doc.Key, metaJSON(r.doc.Metadata), &r.doc.Text
		}
	}
	src := `unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) AS s(id, key, e, m, doc)`
	_, err := tx.Exec(ctx, x.upsert(src, withDocs), ids, keys, vecs, metas, texts)
	return err
}

// copyRows streams rows with COPY into a temporary table dropped at
// commit, then moves them into the table.
func (x *Index) copyRows(ctx context.Context, tx pgx.Tx, rows []row, withDocs bool) error {
	if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE ganada_stage (id bigint, key text, e text, m text, doc text) ON COMMIT DROP`); err != nil {
		return err
	}
	src := pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
		r := rows[i]
		if r.doc == nil {
			return []any{r.id, nil, r.vec, nil, nil}, nil
		}
		return []any{r.id, r.doc.Key, r.vec, metaJSON(r.doc.Metadata), r.doc.Text}, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ganada_stage"}, []string{"id", "key", "e", "m", "doc"}, src); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, x.upsert("ganada_stage AS s", withDocs))
	return err
}

// vectorText returns v in pgvector's text form, each component in the
// shortest decimal form that reads back as the same float32.
func vectorText(v []float32) string {
	b := make([]byte, 0, 2+len(v)*12)
	b = append(b, '[')
	for i, f := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, float64(f), 'g', -1, 32)
	}
	return string(append(b, ']'))
}

// metaJSON returns m as a JSON object.
func metaJSON(m map[string]string) *string {
	if m == nil {
		m = map[string]string{}
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	s := string(b)
	return &s
}

// checkDoc rejects what text and jsonb cannot hold.
func checkDoc(d index.Doc) error {
	bad := func(what, s string) error {
		if strings.IndexByte(s, 0) >= 0 {
			return fmt.Errorf("%s contains NUL, which PostgreSQL text cannot hold: %w", what, errs.ErrInvalidInput)
		}
		if !utf8.ValidString(s) {
			return fmt.Errorf("%s is not valid UTF-8: %w", what, errs.ErrInvalidInput)
		}
		return nil
	}
	if err := bad("key", d.Key); err != nil {
		return err
	}
	if err := bad("text", d.Text); err != nil {
		return err
	}
	for k, v := range d.Metadata {
		if err := bad(fmt.Sprintf("metadata key %q", k), k); err != nil {
			return err
		}
		if err := bad(fmt.Sprintf("metadata %q value", k), v); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes id, with its document. An absent id is an error wrapping
// errs.ErrNotFound.
func (x *Index) Delete(ctx context.Context, id uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tag, err := x.pool.Exec(ctx, `DELETE FROM `+x.qt+` WHERE id = $1`, int64(id))
	if err != nil {
		return x.wrap(ctx, fmt.Sprintf("deleting id %d", id), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("pgvector: table %s: id %d: %w", x.table, id, errs.ErrNotFound)
	}
	return nil
}

// Package pgvector keeps a vector index in PostgreSQL with the pgvector
// extension (https://github.com/pgvector/pgvector, 0.8 or later), on
// github.com/jackc/pgx/v5 and its pgxpool. Index implements index.Index and
// index.DocumentIndex, so a ganada.Collection runs over it unchanged:
//
//	pool, _ := pgxpool.New(ctx, "postgres://user:pass@host:5432/db")
//	x, _ := pgvector.Open(ctx, pool, "docs", enc.Dim(), index.Cosine,
//		pgvector.WithIdentity(ganada.EncoderIdentity(enc)))
//	col, _ := ganada.Open(ctx, enc, ganada.WithIndex(x))
//
// # When to move to pgvector
//
// The in-process indexes (index/hnsw, index/flat) are faster: no network,
// no SQL, vectors in the process's memory. Move to PostgreSQL when one
// process is no longer enough: several application servers search one
// corpus, the corpus outgrows one machine's memory, it must be backed up
// and restored with the rest of the data (pg_dump, point-in-time recovery),
// or queries join vectors with the application's own tables. Read replicas
// scale searches out; Citus shards a table across nodes (distribute the
// table by id with create_distributed_table; each shard keeps its own HNSW
// index).
//
// # The table
//
// Open creates, in one transaction, the extension (CREATE EXTENSION IF NOT
// EXISTS vector, which needs a role allowed to create it; managed services
// such as Amazon RDS, Google Cloud SQL, Azure Database for PostgreSQL,
// Supabase or Neon ship pgvector and let the database owner run it), the
// table (id bigint primary key, key text, embedding vector(d) or
// halfvec(d), metadata jsonb, document text), an HNSW index on embedding
// with the metric's operator class (Cosine → vector_cosine_ops and <=>, Dot
// → vector_ip_ops and <#>, L2 → vector_l2_ops and <->), a GIN index on
// metadata, and a row of MetaTable recording the dimension, metric,
// storage, HNSW parameters and encoder identity. Opening an existing table
// checks that row and the columns: a table of another dimension, metric,
// storage or encoder is an error naming both sides, never a silent
// mixture.
//
// # Writes, searches, filters
//
// AddBatch and AddDocuments upsert a whole batch in one transaction, with
// COPY into a temporary table (BulkCopy) or arrays through unnest
// (BulkUnnest, used on PGlite, whose socket server cannot carry COPY): a
// lost connection or a cancelled context leaves nothing of the batch.
// Search sets hnsw.ef_search and hnsw.iterative_scan (relaxed_order) for
// its transaction only, so a filtered search keeps scanning the index
// until k rows pass the filter. Filters come as an index.Cond (the
// Collection's Where, WhereIn, WhereExists, WhereID, And, Or, Not) and
// become SQL on the metadata and key columns; a Go function
// (index.WithFilter, ganada.FilterFunc) cannot run in the database and is
// an error wrapping errs.ErrUnsupported, not a silent full scan.
//
// # With a Collection
//
// The database persists the collection: Collection.Save and WriteTo fail
// with errs.ErrUnsupported (back up with the database's tools), and
// ganada.Open reads the stored documents back. The Collection still keeps
// the documents in memory, as over the in-process indexes, and is the
// table's one writer; another process's writes appear at its next Open.
// Len, Contains, IDs and Vector, which index.Index gives no context, wait
// at most ReadTimeout and return zero values on a database error (Count,
// Has and VectorContext return it).
//
// # Running against a real server
//
// The tests run against PGlite (PostgreSQL compiled to WebAssembly, with
// pgvector) served by testdata/pglite/server.mjs under node, which they
// start themselves (internal/pgtest) once
// `npm ci --prefix index/pgvector/testdata/pglite` has installed its pinned
// packages. To run them, or an application,
// against a real server, start one with pgvector, for example with Docker:
//
//	docker run -d --name pgvector -e POSTGRES_PASSWORD=secret -p 5432:5432 pgvector/pgvector:pg17
//	GANADA_PG_DSN='postgres://postgres:secret@localhost:5432/postgres?sslmode=disable' go test ./index/pgvector
//
// PGlite serves one query at a time: pglite-socket (started with
// --max-connections N; 1 by default) queues the messages of its connections
// onto PGlite's single backend one by one, and holds the others while one
// connection is in a transaction. So a pool on it needs
// pgx.QueryExecModeSimpleProtocol (prepared statements, named or unnamed,
// of different connections collide on the shared backend) and at most N−1
// connections (pgx opens one more to send a cancel request, and a
// connection past the limit gets text that is not the protocol). It is for
// tests, not for measuring or serving.
package pgvector

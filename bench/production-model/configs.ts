// The production model's configurations: how each reads the playground's post (author and
// comments included) and how each writes a post's title, in a given location.
import type { CacheEvent } from '@kvcache/core'
import { drizzleCache as drizzleD1Cache } from '@kvcache/drizzle/d1'
import { drizzleCache as drizzlePgCache } from '@kvcache/drizzle/pg'
import { eq } from 'drizzle-orm'
import { drizzle as drizzleD1 } from 'drizzle-orm/d1'
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import { coalescingPgStream } from '../lib/pg-socket'
import type { LatencyModel } from '../lib/production-model/latency'
import type { D1Replication } from '../lib/production-model/modeled-d1-replication'
import { modeledHyperdrivePool } from '../lib/production-model/modeled-hyperdrive'
import { modeledHyperdriveWithCache } from '../lib/production-model/modeled-hyperdrive-cache'
import type { CacheMode, Env, Location } from './location'
import { postgresSchema, sqliteSchema } from './schema'

export const CONFIG_NAMES = ['d1-off', 'd1-kv', 'd1-two-tier', 'd1-coordinator', 'd1-replica', 'pg-off', 'pg-kv', 'pg-hd-cache', 'pg-hd-cache-join'] as const
export type ConfigName = (typeof CONFIG_NAMES)[number]

/** What one request of a configuration needs. */
export interface Call {
  readonly env: Env
  readonly ctx: ExecutionContext
  readonly model: LatencyModel
  readonly location: Location
  readonly replication: D1Replication
  readonly d1: D1Database
  /** The session's bookmark to continue from (D1 replicas), if the caller carries one. */
  readonly bookmark?: string
}

export interface Answer {
  readonly post?: { readonly id: number; readonly title: string }
  readonly outcome: string
  readonly bookmark?: string | null
}

function outcomeOf(events: readonly CacheEvent[]): string {
  // `joined`: the read took the result of an identical lookup already in flight (merged).
  const decisive = events.find((event) => event.type === 'hit' || event.type === 'miss' || event.type === 'stale' || event.type === 'joined')
  if (decisive?.type === 'joined') return 'merged'
  return decisive?.type ?? 'none'
}

function cacheView(call: Call, mode: CacheMode, events: CacheEvent[]) {
  return call.location.caches[mode].withContext({ waitUntil: (p) => call.ctx.waitUntil(p), onEvent: (event) => events.push(event) })
}

const withRelations = { author: true, comments: true } as const

async function d1Config(call: Call, mode: CacheMode | 'off', work: (db: ReturnType<typeof drizzleD1<typeof sqliteSchema>>) => Promise<unknown>) {
  const events: CacheEvent[] = []
  const kv = mode === 'off' ? undefined : drizzleD1Cache(cacheView(call, mode, events), { schema: sqliteSchema, strategy: 'all' })
  const db = kv ? drizzleD1(kv.d1(call.d1), { schema: sqliteSchema, cache: kv }) : drizzleD1(call.d1, { schema: sqliteSchema })
  const value = await work(db)
  return { value, outcome: mode === 'off' ? 'uncached' : outcomeOf(events) }
}

type PgDb = NodePgDatabase<ReturnType<typeof postgresSchema>>

// Hyperdrive pools connections itself: a one-connection pool per request, ended afterwards.
async function pgConfig(
  call: Call,
  mode: CacheMode | 'off' | 'hyperdrive-cache',
  work: (db: PgDb, schema: ReturnType<typeof postgresSchema>) => Promise<unknown>,
) {
  const raw = new pg.Pool({ connectionString: call.env.HYPERDRIVE.connectionString, max: 1, stream: coalescingPgStream } as pg.PoolConfig)
  const background: Promise<unknown>[] = []
  const events: CacheEvent[] = []
  const outcomes: string[] = []
  try {
    const schema = postgresSchema(call.env.PG_SCHEMA)
    const pool =
      mode === 'hyperdrive-cache'
        ? modeledHyperdriveWithCache(raw, call.model, call.location.hyperdriveCache, {
            background: (p) => background.push(p),
            onOutcome: (o) => outcomes.push(o),
          })
        : modeledHyperdrivePool(raw, call.model)
    // Our cache runs over Hyperdrive with its query cache off: nothing lags the database's writes.
    const kv =
      mode === 'off' || mode === 'hyperdrive-cache'
        ? undefined
        : drizzlePgCache(cacheView(call, mode, events), { schema, strategy: 'all', database: 'main', sourceLagSeconds: 0 })
    const db = kv ? drizzlePg({ client: kv.pg(pool), schema, cache: kv }) : drizzlePg({ client: pool, schema })
    const value = await work(db, schema)
    const outcome = kv ? outcomeOf(events) : mode === 'hyperdrive-cache' ? (outcomes[0] ?? 'none') : 'uncached'
    return { value, outcome }
  } finally {
    call.ctx.waitUntil(Promise.allSettled(background).then(() => raw.end()))
  }
}

const pgMode = (name: ConfigName) => (name === 'pg-off' ? 'off' : name === 'pg-kv' ? 'kv' : 'hyperdrive-cache')
const d1Mode = (name: ConfigName): CacheMode | 'off' => (name === 'd1-off' ? 'off' : (name.slice(3) as CacheMode))

/** Reads post `id` with its author and comments. */
export async function readPost(name: ConfigName, call: Call, id: number): Promise<Answer> {
  if (name === 'd1-replica') {
    const session = call.replication.withSession(call.bookmark ?? 'first-unconstrained', (p) => call.ctx.waitUntil(p))
    const db = drizzleD1(session, { schema: sqliteSchema })
    const post = await db.query.posts.findFirst({ where: eq(sqliteSchema.posts.id, id), with: withRelations })
    return { post, outcome: 'uncached', bookmark: session.getBookmark() }
  }
  if (name.startsWith('d1-')) {
    const { value, outcome } = await d1Config(call, d1Mode(name), (db) =>
      db.query.posts.findFirst({ where: eq(sqliteSchema.posts.id, id), with: withRelations }),
    )
    return { post: value as Answer['post'], outcome }
  }
  if (name === 'pg-hd-cache-join') {
    // The same read as one plain join: no function calls, so Hyperdrive may cache it.
    const { value, outcome } = await pgConfig(call, 'hyperdrive-cache', async (db, schema) => {
      const rows = await db
        .select({ post: schema.posts, author: schema.users, comment: schema.comments })
        .from(schema.posts)
        .innerJoin(schema.users, eq(schema.users.id, schema.posts.authorId))
        .leftJoin(schema.comments, eq(schema.comments.postId, schema.posts.id))
        .where(eq(schema.posts.id, id))
      const first = rows[0]
      return first && { ...first.post, author: first.author, comments: rows.flatMap((row) => (row.comment ? [row.comment] : [])) }
    })
    return { post: value as Answer['post'], outcome }
  }
  const { value, outcome } = await pgConfig(call, pgMode(name), (db, schema) =>
    db.query.posts.findFirst({ where: eq(schema.posts.id, id), with: withRelations }),
  )
  return { post: value as Answer['post'], outcome }
}

/** Sets post `id`'s title, through the configuration's own path (so ours invalidates). */
export async function writeTitle(name: ConfigName, call: Call, id: number, title: string): Promise<Answer> {
  if (name === 'd1-replica') {
    const session = call.replication.withSession(call.bookmark ?? 'first-primary', (p) => call.ctx.waitUntil(p))
    await drizzleD1(session, { schema: sqliteSchema }).update(sqliteSchema.posts).set({ title }).where(eq(sqliteSchema.posts.id, id))
    return { outcome: 'write', bookmark: session.getBookmark() }
  }
  if (name.startsWith('d1-')) {
    await d1Config(call, d1Mode(name), (db) => db.update(sqliteSchema.posts).set({ title }).where(eq(sqliteSchema.posts.id, id)))
    return { outcome: 'write' }
  }
  await pgConfig(call, pgMode(name), (db, schema) => db.update(schema.posts).set({ title }).where(eq(schema.posts.id, id)))
  return { outcome: 'write' }
}

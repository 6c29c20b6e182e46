// bench/production-model: the playground's read (a post with its author and comments, Drizzle)
// with production latencies added around the real local bindings (../lib/production-model).
// GET /read?db=d1|pg&cache=off|kv|two-tier&id=N answers with header x-outcome.
import { createCache, twoTierStorage, type Cache, type CacheEvent } from '@kvcache/core'
import { drizzleCache as drizzleD1Cache } from '@kvcache/drizzle/d1'
import { drizzleCache as drizzlePgCache } from '@kvcache/drizzle/pg'
import { cacheApiStorage } from '@kvcache/storage-cache-api'
import { kvStorage } from '@kvcache/storage-kv'
import { eq } from 'drizzle-orm'
import { drizzle as drizzleD1 } from 'drizzle-orm/d1'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import { coalescingPgStream } from '../lib/pg-socket'
import { installModeledCaches } from '../lib/production-model/modeled-cache-api'
import { modeledD1 } from '../lib/production-model/modeled-d1'
import { modeledHyperdrivePool } from '../lib/production-model/modeled-hyperdrive'
import { modeledKv } from '../lib/production-model/modeled-kv'
import { latencyModel, type LatencyModel } from '../lib/production-model/latency'
import { postgresSchema, sqliteSchema } from './schema'
import { CREATE_TABLES, seedStatements } from './seed.mjs'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
  HYPERDRIVE: Hyperdrive
  PG_SCHEMA: string
  MODEL_SEED: string
}

// Per isolate (one location): the latency model, the modeled bindings and one cache per mode.
let state: ReturnType<typeof isolateState> | undefined

function isolateState(env: Env) {
  const model: LatencyModel = latencyModel(Number(env.MODEL_SEED))
  installModeledCaches(model)
  const kv = modeledKv(env.CACHE_KV, model)
  const caches: Record<string, Cache> = {
    kv: createCache({ storage: kvStorage(kv), prefix: 'pm-kv', defaultTtlSeconds: 300 }),
    'two-tier': createCache({
      storage: twoTierStorage({ l1: cacheApiStorage({ cacheName: 'production-model' }), l2: kvStorage(kv) }),
      prefix: 'pm-tt',
      defaultTtlSeconds: 300,
    }),
  }
  return { model, db: modeledD1(env.DB, model), caches, pgSchema: postgresSchema(env.PG_SCHEMA) }
}

function outcomeOf(events: readonly CacheEvent[]): string {
  // `joined`: the read took the result of an identical lookup already in flight (merged).
  const decisive = events.find((event) => event.type === 'hit' || event.type === 'miss' || event.type === 'stale' || event.type === 'joined')
  if (decisive?.type === 'joined') return 'merged'
  return decisive?.type ?? 'none'
}

async function readPost(env: Env, ctx: ExecutionContext, dbName: string, mode: string, id: number) {
  const s = (state ??= isolateState(env))
  const events: CacheEvent[] = []
  const view = mode === 'off' ? undefined : s.caches[mode]!.withContext({ waitUntil: (p) => ctx.waitUntil(p), onEvent: (event) => events.push(event) })
  let post: unknown
  if (dbName === 'd1') {
    const kv = view && drizzleD1Cache(view, { schema: sqliteSchema, strategy: 'all' })
    const db = kv ? drizzleD1(kv.d1(s.db), { schema: sqliteSchema, cache: kv }) : drizzleD1(s.db, { schema: sqliteSchema })
    post = await db.query.posts.findFirst({ where: eq(sqliteSchema.posts.id, id), with: { author: true, comments: true } })
  } else {
    // Hyperdrive pools connections itself: a one-connection pool per request, ended afterwards.
    const raw = new pg.Pool({ connectionString: env.HYPERDRIVE.connectionString, max: 1, stream: coalescingPgStream } as pg.PoolConfig)
    const pool = modeledHyperdrivePool(raw, s.model)
    try {
      const schema = s.pgSchema
      // The modeled Hyperdrive has its own query cache off (see the figures): nothing lags its writes.
      const kv = view && drizzlePgCache(view, { schema, strategy: 'all', database: 'main', sourceLagSeconds: 0 })
      const db = kv ? drizzlePg({ client: kv.pg(pool), schema, cache: kv }) : drizzlePg({ client: pool, schema })
      post = await db.query.posts.findFirst({ where: eq(schema.posts.id, id), with: { author: true, comments: true } })
    } finally {
      ctx.waitUntil(raw.end())
    }
  }
  return { post, outcome: mode === 'off' ? 'uncached' : outcomeOf(events) }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/setup') {
      const qualify = (table: string) => table
      await env.DB.batch(CREATE_TABLES.map((sql) => env.DB.prepare(sql.replace(/\{(\w+)\}/g, (_, table: string) => qualify(table)))))
      await env.DB.batch(seedStatements(qualify).map((sql) => env.DB.prepare(sql)))
      return Response.json({ ok: true })
    }
    if (url.pathname === '/drawn') return Response.json((state ??= isolateState(env)).model.drawn)
    if (url.pathname !== '/read') return new Response('not found', { status: 404 })
    const id = Number(url.searchParams.get('id'))
    const { post, outcome } = await readPost(env, ctx, url.searchParams.get('db') ?? 'd1', url.searchParams.get('cache') ?? 'off', id)
    if ((post as { id?: number } | undefined)?.id !== id) return new Response(`post ${id} not found`, { status: 500, headers: { 'x-outcome': outcome } })
    return Response.json(post, { headers: { 'x-outcome': outcome } })
  },
}

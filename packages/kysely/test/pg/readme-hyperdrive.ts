import { createCache, type Cache } from '@kvcache/core'
import { kyselyCache } from '@kvcache/kysely/postgres'
import { kvStorage } from '@kvcache/storage-kv'
import { Kysely, PostgresDialect } from 'kysely'
import { Pool } from 'pg'
import type { Database } from './setup'

interface Env {
  HYPERDRIVE: Hyperdrive
  CACHE_KV: KVNamespace
}

let cache: Cache | undefined

export function database(env: Env, ctx: ExecutionContext) {
  cache ??= createCache({ storage: kvStorage(env.CACHE_KV), defaultTtlSeconds: 300 })
  // Hyperdrive pools connections itself: a small pool per request, ended with `db.destroy()`.
  const pool = new Pool({ connectionString: env.HYPERDRIVE.connectionString, max: 1 })
  const requestCache = cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) })
  const dialect = kyselyCache(new PostgresDialect({ pool }), requestCache, {
    strategy: 'all',
    database: 'main', // names this database in cache keys
    sourceLagSeconds: 75, // Hyperdrive's query cache: 60 s + 15 s stale; 0 with caching disabled
  })
  return new Kysely<Database>({ dialect })
}

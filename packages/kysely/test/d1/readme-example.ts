import { createCache, type Cache } from '@kvcache/core'
import { kyselyCache } from '@kvcache/kysely/sqlite'
import { kvStorage } from '@kvcache/storage-kv'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import type { Database } from './schema'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

// One cache per isolate; a Kysely instance per request (cheap) with that request's waitUntil.
let cache: Cache | undefined

export function database(env: Env, ctx: ExecutionContext) {
  cache ??= createCache({ storage: kvStorage(env.CACHE_KV), defaultTtlSeconds: 300 })
  const requestCache = cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) })
  const dialect = kyselyCache(new D1Dialect({ database: env.DB }), requestCache, {
    strategy: 'all', // or 'explicit' (the default): only reads marked with cached()
  })
  return new Kysely<Database>({ dialect })
}

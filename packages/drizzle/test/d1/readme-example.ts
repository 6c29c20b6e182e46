import { createCache, type Cache } from '@kvcache/core'
import { drizzleCache } from '@kvcache/drizzle/d1'
import { kvStorage } from '@kvcache/storage-kv'
import { drizzle } from 'drizzle-orm/d1'
import * as schema from './schema'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

// One cache per isolate; a Drizzle instance per request (cheap) with that request's waitUntil.
let cache: Cache | undefined

export function database(env: Env, ctx: ExecutionContext) {
  cache ??= createCache({ storage: kvStorage(env.CACHE_KV), defaultTtlSeconds: 300 })
  const kv = drizzleCache(cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) }), {
    schema, // optional: keys and cascades are also read from the database itself
    strategy: 'all', // or 'explicit': only `.$withCache()` reads
  })
  return drizzle(kv.d1(env.DB), { schema, cache: kv })
}

import { createCache, type Cache, type CacheEvent } from '@kvcache/core'
import { kyselyCache } from '@kvcache/kysely/sqlite'
import { kvStorage } from '@kvcache/storage-kv'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import type { Database } from './readme-schema'

interface Env {
  DB: D1Database
  CACHE_KV: KVNamespace
}

// One cache per isolate; a Kysely instance per request (cheap) with that request's waitUntil.
let cache: Cache | undefined

export function database(env: Env, ctx: ExecutionContext) {
  cache ??= createCache({ storage: kvStorage(env.CACHE_KV), defaultTtlSeconds: 300 })
  // What the cache did for this request ('hit', 'miss', 'skip'...): log it, or send it as a header.
  const events: CacheEvent['type'][] = []
  const requestCache = cache.withContext({
    waitUntil: (promise) => ctx.waitUntil(promise),
    onEvent: (event) => events.push(event.type),
  })
  const dialect = kyselyCache(new D1Dialect({ database: env.DB }), requestCache, {
    strategy: 'all', // or 'explicit' (the default): only reads marked with cached()
  })
  return { db: new Kysely<Database>({ dialect }), events }
}

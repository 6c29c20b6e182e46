import { createCache, twoTierStorage, type Cache } from '@kvcache/core'
import { cacheApiStorage } from '@kvcache/storage-cache-api'
import { kvStorage } from '@kvcache/storage-kv'

interface Env {
  CACHE_KV: KVNamespace
  DB: D1Database
}

let cache: Cache | undefined

export async function latestPosts(env: Env, ctx: ExecutionContext) {
  cache ??= createCache({
    // L1: this data center's Cache API (free, fast). L2: KV (global, holds the version stamps).
    storage: twoTierStorage({ l1: cacheApiStorage(), l2: kvStorage(env.CACHE_KV), l1TtlRatio: 0.2 }),
  })
  const requestCache = cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) })
  const posts = await requestCache.wrap(
    'posts:latest',
    async () => (await env.DB.prepare('SELECT id, title FROM posts ORDER BY id DESC LIMIT 10').all()).results,
    { ttlSeconds: 300, tables: ['posts'] },
  )
  return { cache: requestCache, posts }
}

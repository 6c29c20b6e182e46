import { createCache, type Cache } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'

interface Env {
  CACHE_KV: KVNamespace
}

// One cache per isolate: concurrent requests share de-duplication and stamp-write coalescing.
let cache: Cache | undefined

export async function handle(env: Env, ctx: ExecutionContext, loadUser: (id: number) => Promise<unknown>) {
  cache ??= createCache({ storage: kvStorage(env.CACHE_KV) })
  // Per request: background fills and stamp retries are kept alive by this request's waitUntil.
  const requestCache = cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) })
  // One KV read call per hit: the entry and the stamp of `users` row 42 come back together.
  const user = await requestCache.wrap('user:42', () => loadUser(42), {
    ttlSeconds: 300,
    rows: [{ table: 'users', pk: 42 }],
  })
  return { cache: requestCache, user }
}

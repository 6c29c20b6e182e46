import { createCache } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'

interface Env {
  CACHE_KV: KVNamespace
}

export async function handle(env: Env, ctx: ExecutionContext, loadUser: (id: number) => Promise<unknown>) {
  const cache = createCache({
    storage: kvStorage(env.CACHE_KV),
    waitUntil: (promise) => ctx.waitUntil(promise),
  })
  // One KV read call per hit: the entry and the stamp of `users` row 42 come back together.
  const user = await cache.wrap('user:42', () => loadUser(42), {
    ttlSeconds: 300,
    rows: [{ table: 'users', pk: 42 }],
  })
  return { cache, user }
}

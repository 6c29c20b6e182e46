import { requestCache } from '@kvcache/storage-kv'

interface Env {
  CACHE_KV: KVNamespace
}

export async function handle(env: Env, ctx: ExecutionContext, loadUser: (id: number) => Promise<unknown>) {
  // This isolate's cache for env.CACHE_KV (built by the first request), seen by this request.
  const cache = requestCache(env.CACHE_KV, ctx, { defaultTtlSeconds: 300 })
  const user = await cache.wrap('user:42', () => loadUser(42), { rows: [{ table: 'users', pk: 42 }] })
  return { cache, user }
}

import { createCache, type Cache } from '@kvcache/core'
import { durableObjectVersions, type KvCacheCoordinator } from '@kvcache/coordinator'
import { kvStorage } from '@kvcache/storage-kv'

// Workers finds Durable Object classes among the exports of the main module.
export { KvCacheCoordinator } from '@kvcache/coordinator'

interface Env {
  CACHE_KV: KVNamespace
  KVCACHE_COORDINATOR: DurableObjectNamespace<KvCacheCoordinator>
}

// One cache per isolate; the stamps it checks live in the coordinator, shared by all isolates.
let cache: Cache | undefined

export function requestCache(env: Env, ctx: ExecutionContext): Cache {
  cache ??= createCache({
    storage: kvStorage(env.CACHE_KV),
    versions: durableObjectVersions(env.KVCACHE_COORDINATOR),
  })
  // Per request: stamps fetched once are reused by the request's later lookups.
  return cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) })
}

export async function readStock(env: Env, ctx: ExecutionContext, loadStock: (sku: string) => Promise<unknown>) {
  // A hit costs one KV read and one coordinator call, made in parallel.
  return requestCache(env, ctx).wrap('stock:sku-1', () => loadStock('sku-1'), {
    ttlSeconds: 300,
    rows: [{ table: 'stock', pk: 'sku-1' }],
  })
}

export async function stockChanged(env: Env, ctx: ExecutionContext) {
  // Once this returns, every request everywhere reads the new stock.
  await requestCache(env, ctx).invalidate({ rows: [{ table: 'stock', pk: 'sku-1' }] })
}

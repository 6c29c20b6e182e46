import type { KvNamespaceLike } from '@kvcache/storage-kv'
import { KV_WRITE_INTERVAL_MS } from '../bounds'
import type { World } from '../world'

/** How often a baseline retries a write KV rejected with a 429 (one write per second per key) before it gives up and throws. */
const RETRIES = 10

/** The KV binding of every location, and the read options every baseline read uses (the cache's `cacheTtl`). */
export function kvAccess(world: World) {
  const namespaces = Array.from({ length: world.settings.locations }, (_, location) => world.kv.namespaceAt(location))
  const readOptions = { type: 'text', cacheTtl: world.settings.cacheTtlSeconds } as const
  const jitter = world.random.fork('baseline-retries')
  return {
    namespaceAt: (location: number) => namespaces[location] as KvNamespaceLike,
    readOptions,
    /** A KV write retried after the per-key interval (plus jitter) on a 429, so the flaw a baseline shows is its design, not lost writes. */
    async write(namespace: KvNamespaceLike, work: (namespace: KvNamespaceLike) => Promise<void>): Promise<void> {
      for (let attempt = 0; ; attempt++) {
        try {
          return await work(namespace)
        } catch (error) {
          if (attempt >= RETRIES || !/\b429\b/.test(String(error))) throw error
          await world.time.sleep(KV_WRITE_INTERVAL_MS + jitter.int(KV_WRITE_INTERVAL_MS / 2))
        }
      }
    },
  }
}

/** The cache key of query `query` of `key`. */
export const entryKeyOf = (key: string, query: number) => `entry:${key}/q${query}`

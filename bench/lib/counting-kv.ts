// Counts KV calls: a bulk get is one read call (and as many keys read); puts are writes, deletes deletes.
import type { Cache } from '@kvcache/core'

export interface KvCounts {
  readCalls: number
  keysRead: number
  writes: number
  deletes: number
}

export function countingKv(kv: KVNamespace): { kv: KVNamespace; counts: KvCounts; lastReadKeys(): readonly string[]; reset(): void } {
  const counts: KvCounts = { readCalls: 0, keysRead: 0, writes: 0, deletes: 0 }
  let lastKeys: readonly string[] = []
  const wrapped = {
    get(key: string | string[], options?: unknown) {
      counts.readCalls++
      counts.keysRead += Array.isArray(key) ? key.length : 1
      lastKeys = Array.isArray(key) ? [...key] : [key]
      return (kv.get as (k: unknown, o?: unknown) => Promise<unknown>)(key, options)
    },
    put(key: string, value: string, options?: KVNamespacePutOptions) {
      counts.writes++
      return kv.put(key, value, options)
    },
    delete(key: string) {
      counts.deletes++
      return kv.delete(key)
    },
    list: kv.list.bind(kv),
    getWithMetadata: kv.getWithMetadata.bind(kv),
  } as unknown as KVNamespace
  return {
    kv: wrapped,
    counts,
    // The keys of the latest read call: lets a floor read exactly what the cache read.
    lastReadKeys: () => lastKeys,
    reset() {
      counts.readCalls = 0
      counts.keysRead = 0
      counts.writes = 0
      counts.deletes = 0
    },
  }
}

/** The KV operations one piece of work makes, its background stamp writes included. */
export function opsMeter(counting: { counts: KvCounts; reset(): void }, cache: Cache) {
  return async (work: () => Promise<unknown>): Promise<KvCounts> => {
    counting.reset()
    await work()
    await cache.flush()
    return { ...counting.counts }
  }
}

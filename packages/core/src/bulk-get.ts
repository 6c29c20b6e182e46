import { reportOperation } from './operations'
import type { Storage, StorageContext } from './types'

/**
 * Reads many keys in as few calls as the storage allows: bulk reads of at most `maxBatchGet` keys,
 * all in parallel (an entry and 150 stamps is two calls, not three), or one `get` per key. Each
 * call is reported to the request (`tier` when `storage` is one tier of a composite).
 */
export function bulkGet(storage: Storage, keys: readonly string[], context?: StorageContext, tier?: 'L1' | 'L2'): Promise<ReadonlyMap<string, string | null>> {
  if (storage.getMany && keys.length > 0 && keys.length <= Math.max(1, storage.capabilities.maxBatchGet)) {
    // One call (every hit): its answer as it is, no copy, no extra step.
    reportOperation(storage, context, 'read', keys.length, tier)
    return Promise.resolve(storage.getMany(keys, context))
  }
  return bulkGetInChunks(storage, keys, context, tier)
}

async function bulkGetInChunks(storage: Storage, keys: readonly string[], context?: StorageContext, tier?: 'L1' | 'L2'): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>()
  if (keys.length === 0) return found
  if (!storage.getMany) {
    const values = await Promise.all(
      keys.map((key) => {
        reportOperation(storage, context, 'read', 1, tier)
        return storage.get(key, context)
      }),
    )
    keys.forEach((key, i) => found.set(key, values[i] ?? null))
    return found
  }
  const size = Math.max(1, storage.capabilities.maxBatchGet)
  const chunks: Promise<ReadonlyMap<string, string | null>>[] = []
  for (let i = 0; i < keys.length; i += size) {
    const chunk = keys.slice(i, i + size)
    reportOperation(storage, context, 'read', chunk.length, tier)
    chunks.push(Promise.resolve(storage.getMany(chunk, context)))
  }
  for (const chunk of await Promise.all(chunks)) for (const [key, value] of chunk) found.set(key, value)
  return found
}

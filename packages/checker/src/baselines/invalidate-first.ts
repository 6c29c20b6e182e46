import { kvBoundMs } from '../bounds'
import type { Scenario } from '../world'
import { entryKeyOf, kvAccess } from './kv-helpers'

/**
 * Baseline (b): invalidate before write. A write deletes the key's cache entries, then writes the
 * source. A reader that misses between the delete and the source write (or whose load started
 * before it) stores the old value again, and nothing deletes it until its TTL.
 */
export const invalidateFirst: Scenario = {
  name: 'baseline: invalidate before write',
  summary: 'delete the cache keys, then write the source; a concurrent miss refills the old value',
  expect: 'violations',
  bound: (settings) => ({ staleMs: kvBoundMs(settings) }),
  build(world) {
    const kv = kvAccess(world)
    const ttl = { expirationTtl: world.settings.entryTtlSeconds }
    const queries = Array.from({ length: world.settings.queriesPerKey }, (_, query) => query)
    return {
      async read(request, key, query) {
        const namespace = kv.namespaceAt(request.location)
        const entryKey = entryKeyOf(key, query)
        const cached = await namespace.get(entryKey, kv.readOptions)
        if (cached !== null) return cached
        const value = await world.source.read(key)
        request.waitUntil(kv.write(namespace, (ns) => ns.put(entryKey, value, ttl)))
        return value
      },
      async write(request, key, value) {
        const namespace = kv.namespaceAt(request.location)
        await Promise.all(queries.map((query) => kv.write(namespace, (ns) => ns.delete(entryKeyOf(key, query)))))
        await world.source.write(key, value)
      },
    }
  },
}

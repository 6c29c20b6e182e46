import { kvBoundMs } from '../bounds'
import type { Scenario } from '../world'
import { entryKeyOf, kvAccess } from './kv-helpers'

const indexKeyOf = (table: string) => `index:${table}`

function parseIndex(raw: string | null): string[] {
  return raw === null ? [] : (JSON.parse(raw) as string[])
}

/**
 * Baseline (a), the design of Drizzle's KV cache adapter: cache-aside, plus one KV key per table
 * listing the cache keys that read it. A miss stores its entry and adds the key to the index
 * (read, modify, write); a write reads the index and deletes every listed key. Concurrent index
 * updates overwrite each other (KV has no compare-and-set), so listed keys are lost and their
 * entries outlive the writes that should have deleted them; a miss that loaded before a write and
 * stores after it also survives it.
 */
export const sharedIndex: Scenario = {
  name: 'baseline: shared table index',
  summary: 'cache-aside with a KV key per table listing cached keys; a write deletes what the index lists',
  expect: 'violations',
  bound: (settings) => ({ staleMs: kvBoundMs(settings) }),
  build(world) {
    const kv = kvAccess(world)
    const ttl = { expirationTtl: world.settings.entryTtlSeconds }
    return {
      async read(request, key, query) {
        const namespace = kv.namespaceAt(request.location)
        const entryKey = entryKeyOf(key, query)
        const cached = await namespace.get(entryKey, kv.readOptions)
        if (cached !== null) return cached
        const value = await world.source.read(key)
        request.waitUntil(
          (async () => {
            await kv.write(namespace, (ns) => ns.put(entryKey, value, ttl))
            const listed = parseIndex(await namespace.get(indexKeyOf(key), kv.readOptions))
            if (!listed.includes(entryKey)) await kv.write(namespace, (ns) => ns.put(indexKeyOf(key), JSON.stringify([...listed, entryKey])))
          })(),
        )
        return value
      },
      async write(request, key, value) {
        const namespace = kv.namespaceAt(request.location)
        await world.source.write(key, value)
        const listed = parseIndex(await namespace.get(indexKeyOf(key), kv.readOptions))
        await Promise.all(listed.map((entryKey) => kv.write(namespace, (ns) => ns.delete(entryKey))))
        await kv.write(namespace, (ns) => ns.put(indexKeyOf(key), '[]'))
      },
    }
  },
}

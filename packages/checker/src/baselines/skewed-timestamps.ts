import { kvBoundMs } from '../bounds'
import type { Random } from '../random'
import { perIsolate, at, type Scenario } from '../world'
import { entryKeyOf, kvAccess } from './kv-helpers'

const writtenAtKeyOf = (table: string) => `written-at:${table}`

/** Skews spread evenly over [-maxMs, maxMs] and dealt to isolates in a seeded order: every run has fast and slow clocks. */
function spreadSkews(count: number, maxMs: number, random: Random): number[] {
  const skews = Array.from({ length: count }, (_, i) => (count === 1 ? 0 : Math.round(-maxMs + (2 * maxMs * i) / (count - 1))))
  for (let i = skews.length - 1; i > 0; i--) {
    const j = random.int(i + 1)
    ;[skews[i], skews[j]] = [skews[j] as number, skews[i] as number]
  }
  return skews
}

/**
 * Baseline (c): timestamp tags. Each table has a last-write time in KV, set by the writer from its
 * own clock; an entry is valid if it was created after that time. Entries take their time before
 * the load (the careful variant: without skew it would keep the bound), but every isolate's clock
 * is off by up to `clockSkewMs` either way (spread evenly across isolates), so an entry created by a fast clock just before a
 * write by a slow one looks newer than the write and survives it.
 */
export const skewedTimestamps: Scenario = {
  name: 'baseline: timestamp tags, skewed clocks',
  summary: 'entry valid if created after the table last-write time; each isolate clock is skewed',
  expect: 'violations',
  bound: (settings) => ({ staleMs: kvBoundMs(settings) }),
  build(world) {
    const kv = kvAccess(world)
    const { settings, time } = world
    const skews = spreadSkews(settings.locations * settings.isolatesPerLocation, settings.clockSkewMs, world.random.fork('clock-skew'))
    const clocks = perIsolate(settings, (location, isolate) => {
      const skewMs = skews[location * settings.isolatesPerLocation + isolate] as number
      return () => time.now() + skewMs
    })
    const ttl = { expirationTtl: settings.entryTtlSeconds }
    return {
      async read(request, key, query) {
        const namespace = kv.namespaceAt(request.location)
        const entryKey = entryKeyOf(key, query)
        const found = await namespace.get([entryKey, writtenAtKeyOf(key)], kv.readOptions)
        const entry = found.get(entryKey)
        const writtenAt = Number(found.get(writtenAtKeyOf(key)) ?? Number.NEGATIVE_INFINITY)
        if (entry) {
          const parsed = JSON.parse(entry) as { value: string; createdAtMs: number }
          if (parsed.createdAtMs > writtenAt) return parsed.value
        }
        const createdAtMs = at(clocks, request)()
        const value = await world.source.read(key)
        request.waitUntil(kv.write(namespace, (ns) => ns.put(entryKey, JSON.stringify({ value, createdAtMs }), ttl)))
        return value
      },
      async write(request, key, value) {
        await world.source.write(key, value)
        const writtenAt = String(at(clocks, request)())
        await kv.write(kv.namespaceAt(request.location), (ns) => ns.put(writtenAtKeyOf(key), writtenAt))
      },
    }
  },
}

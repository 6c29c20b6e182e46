import { createMetrics, type CacheOptions } from '@kvcache/core'
import { kvFaultBoundMs } from './bounds'
import { cacheSystem, kvCaches } from './modes'
import type { Scenario, WorldSettings } from './world'

/**
 * One mixed workload under faults, for `bench/chaos`: a few popular queries and a long tail
 * (Zipf over 12 keys × 20 queries) plus one read in five a one-off query, writes in bursts; KV
 * calls that fail (1 %, half of failed writes landing anyway) or are slow (2 %, up to 3 s, past the
 * cache's 1 s budget), KV's 429 on a second write of a key within a second, and a database that
 * refuses every call for a minute halfway through. Entries live 120 s, so some age out and
 * stale-if-error has entries to answer with while the database is down.
 */
export const CHAOS_SETTINGS: Partial<WorldSettings> = {
  keys: 12,
  queriesPerKey: 20,
  popularity: { zipfExponent: 1, oneOffRatio: 0.2 },
  writeRatio: 0.005,
  entryTtlSeconds: 120,
  kvFailRatio: 0.01,
  kvTail: { ratio: 0.02, slowMs: [200, 3000] },
  sourceOutages: [{ afterMs: 300_000, durationMs: 60_000 }],
}

/** Every side serves aged-out entries for up to this long while the database fails, in seconds. */
export const CHAOS_STALE_IF_ERROR_SECONDS = 600

/**
 * Caps scaled to ten simulated minutes (a monthly cap met in a month would never bind in a run):
 * per isolate, about half the storage writes (entries and stamps) the plain cache makes there per
 * minute, and about half of what it spends on KV over the run (a bulk read billed per key).
 */
export const CHAOS_CAPS = { writesPerMinute: 25, monthlyUsd: 0.0025 } as const

/** Admission of the admission sides: a query's result is stored on its second miss within 5 minutes in the isolate. */
export const CHAOS_ADMISSION = { minMisses: 2, windowSeconds: 300 } as const

/**
 * KV stamps with the given cache options, every isolate's cache reporting to one `createMetrics()`
 * (`RunResult.metrics`). Held to the KV bound with the stamp writer's whole retry window in place
 * of one retry (`kvFaultBoundMs`): under injected failures a bump may need every retry.
 */
export function meteredKvStamps(name: string, summary: string, options: Partial<CacheOptions>): Scenario {
  return {
    name,
    summary,
    expect: 'within-bound',
    bound: (settings) => ({ staleMs: kvFaultBoundMs(settings) }),
    build(world) {
      const metrics = createMetrics()
      const caches = kvCaches(world, { defaultStaleIfErrorSeconds: CHAOS_STALE_IF_ERROR_SECONDS, onEvent: metrics.onEvent, ...options })
      return { ...cacheSystem(world, caches, false), metrics }
    },
  }
}

/** The sides of `bench/chaos`, in table order: the same cache without and with admission and caps. */
export const CHAOS_MODES: readonly Scenario[] = [
  meteredKvStamps('plain', 'every miss is stored', {}),
  meteredKvStamps('admission', `admission { minMisses: ${CHAOS_ADMISSION.minMisses} }`, { admission: CHAOS_ADMISSION }),
  meteredKvStamps('write cap', `budget { writesPerMinute: ${CHAOS_CAPS.writesPerMinute} }`, { budget: { writesPerMinute: CHAOS_CAPS.writesPerMinute } }),
  meteredKvStamps('USD cap', `budget { monthlyUsd: ${CHAOS_CAPS.monthlyUsd} }`, { budget: { monthlyUsd: CHAOS_CAPS.monthlyUsd } }),
  meteredKvStamps('admission + caps', 'admission and both caps', { admission: CHAOS_ADMISSION, budget: CHAOS_CAPS }),
]

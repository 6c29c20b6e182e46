import { kvCacheError } from './errors'
import type { MetricsSnapshot, OutcomeCounts } from './metrics'
import { assertKnownOptions, assertPositive } from './options'
import { truncateUtf8 } from './text'

/** One Workers Analytics Engine data point, as `writeDataPoint` takes it. */
export interface AnalyticsEngineDataPointLike {
  blobs?: string[]
  doubles?: number[]
  indexes?: string[]
}

/** The part of a Workers Analytics Engine dataset binding (`env.KVCACHE_METRICS`) the sink uses, typed structurally. */
export interface AnalyticsEngineDatasetLike {
  writeDataPoint(point: AnalyticsEngineDataPointLike): void
}

/** Options for `analyticsEngineSink`. */
export interface AnalyticsEngineSinkOptions {
  /** Written as `blob2` and the index of every data point: the Worker, route or environment (`api`, `staging`). @default 'kvcache' */
  readonly label?: string
  /** Tables written as data points of their own, at most (the busiest); the request's point still counts them all. @default 20 */
  readonly maxTables?: number
  /** Told what `writeDataPoint` threw (a point Analytics Engine refused, too many points this invocation). The sink itself never throws. */
  readonly onError?: (error: unknown) => void
}

/** The `doubles` of every data point, in order (`double1` is `hits`). Request points fill all; table points leave the storage columns 0. */
export const ANALYTICS_DOUBLES = [
  'hits',
  'staleHits',
  'staleIfError',
  'misses',
  'joined',
  'skips',
  'bypasses',
  'errors',
  'fills',
  'fillBytes',
  'invalidations',
  'maxAgeMs',
  'kvReadCalls',
  'kvReadKeys',
  'kvWrites',
  'kvDeletes',
  'kvUsdBulkReadAsOneRead',
  'kvUsdBulkReadPerKey',
  'otherStorageCalls',
] as const

// https://developers.cloudflare.com/analytics/analytics-engine/limits/ (an index is at most 96 bytes, blobs 16 KB in all)
const MAX_INDEX_BYTES = 96
const MAX_BLOB_BYTES = 256
const WHERE = 'analytics-engine'

/**
 * Writes a metrics snapshot to a Workers Analytics Engine dataset: one data point for the request
 * (`blob1` = `request`) and one per table it read or invalidated (`blob1` = `table`, `blob3` = the
 * table), with the counts in `ANALYTICS_DOUBLES` order. `writeDataPoint` is synchronous and never
 * awaited; whatever it throws goes to `onError`, never to the caller.
 *
 * @example
 * const sink = analyticsEngineSink(env.KVCACHE_METRICS, { label: 'api' })
 * sink(metrics.snapshot())
 */
export function analyticsEngineSink(dataset: AnalyticsEngineDatasetLike, options: AnalyticsEngineSinkOptions = {}): (snapshot: MetricsSnapshot) => void {
  if (!dataset || typeof dataset.writeDataPoint !== 'function') {
    throw kvCacheError(
      'MISSING_BINDING',
      WHERE,
      'Missing required argument `dataset`: pass an Analytics Engine binding such as `env.KVCACHE_METRICS` (check the analytics_engine_datasets entry in wrangler.jsonc).',
    )
  }
  const { label, maxTables, onError } = resolve(options)
  const index = truncateUtf8(label, MAX_INDEX_BYTES)
  const write = (kind: 'request' | 'table', table: string, doubles: number[]) =>
    dataset.writeDataPoint({ blobs: [kind, label, truncateUtf8(wellFormed(table), MAX_BLOB_BYTES)], doubles, indexes: [index] })
  return (snapshot) => {
    try {
      const { kv } = snapshot
      const kvCalls = snapshot.operations.filter((row) => row.storage === 'kv').reduce((sum, row) => sum + row.calls, 0)
      const allCalls = snapshot.operations.reduce((sum, row) => sum + row.calls, 0)
      const storage = [kv.readCalls, kv.readKeys, kv.writes, kv.deletes, kv.usd.bulkReadAsOneRead, kv.usd.bulkReadPerKey, allCalls - kvCalls]
      write('request', '', [...outcomes(snapshot.totals), ...storage])
      const busiest = Object.entries(snapshot.tables)
        .sort(([, a], [, b]) => activity(b) - activity(a))
        .slice(0, maxTables)
      for (const [table, counts] of busiest) write('table', table, [...outcomes(counts), ...storage.map(() => 0)])
    } catch (error) {
      try {
        onError?.(error)
      } catch {
        // The caller's own handler: metrics must never fail a request.
      }
    }
  }
}

function resolve(options: AnalyticsEngineSinkOptions) {
  assertKnownOptions(WHERE, options, ['label', 'maxTables', 'onError'])
  const { label = 'kvcache', maxTables = 20, onError } = options
  if (typeof label !== 'string' || label.length === 0)
    throw kvCacheError('INVALID_OPTION', WHERE, `Option \`label\` must be a non-empty string, got ${String(label)}.`)
  assertPositive(WHERE, 'maxTables', maxTables, { allowZero: true })
  if (!Number.isInteger(maxTables)) throw kvCacheError('INVALID_OPTION', WHERE, `Option \`maxTables\` must be an integer, got ${maxTables}.`)
  if (onError !== undefined && typeof onError !== 'function') throw kvCacheError('INVALID_OPTION', WHERE, 'Option `onError` must be a function.')
  return { label: truncateUtf8(wellFormed(label), MAX_BLOB_BYTES), maxTables, onError }
}

/** The first twelve doubles, from one set of counts. */
function outcomes(counts: OutcomeCounts): number[] {
  const { hits, staleHits, staleIfError, misses, joined, skips, bypasses, errors, fills, fillBytes, invalidations, maxAgeMs } = counts
  return [hits, staleHits, staleIfError, misses, joined, skips, bypasses, errors, fills, fillBytes, invalidations, maxAgeMs]
}

function activity(counts: OutcomeCounts): number {
  return counts.hits + counts.staleHits + counts.misses + counts.joined + counts.bypasses + counts.fills + counts.invalidations
}

/** Lone surrogates (possible in table names) as U+FFFD, so lengths are counted as Analytics Engine will store them. */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udfff]/gu, '\ufffd')
}

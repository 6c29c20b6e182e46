import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  analyticsEngineSink,
  ANALYTICS_DOUBLES,
  createCache,
  createMetrics,
  isKvCacheError,
  memoryStorage,
  type AnalyticsEngineDataPointLike,
  type CacheEvent,
  type MetricsSnapshot,
} from '../src'
import { tableScope } from '../src/layout'
import { fakeTable } from './helpers'

const { KVCACHE_METRICS } = env as unknown as { KVCACHE_METRICS: AnalyticsEngineDataset }

/**
 * Records what the sink writes. Miniflare's local Analytics Engine dataset (used in the test below)
 * accepts data points and keeps none, so the points' shape can only be read back from a recorder.
 */
function writeDataPointRecorder() {
  const points: AnalyticsEngineDataPointLike[] = []
  return { points, writeDataPoint: (point: AnalyticsEngineDataPointLike) => void points.push(point) }
}

/** Fault injection: a dataset that refuses every point (as Analytics Engine does past its per-invocation limit). */
function refusingDatasetFault() {
  return {
    writeDataPoint: () => {
      throw new Error('injected: too many data points')
    },
  }
}

async function requestSnapshot(): Promise<MetricsSnapshot> {
  const metrics = createMetrics()
  const cache = createCache({ storage: memoryStorage() }).withContext({ onEvent: metrics.onEvent })
  await cache.query({ material: ['posts'], scopes: [tableScope('posts')] }, fakeTable(['a']).load)
  await cache.query({ material: ['posts'], scopes: [tableScope('posts')] }, fakeTable(['a']).load)
  metrics.onEvent({ type: 'hit', key: 'k', ageMs: 5000, createdAtMs: 0, tables: ['users'] } as CacheEvent)
  metrics.onEvent({ type: 'operation', storage: 'kv', kind: 'read', keys: 2 })
  metrics.onEvent({ type: 'operation', storage: 'kv', kind: 'write', keys: 1 })
  return metrics.snapshot()
}

describe('analyticsEngineSink', () => {
  it('writes one point for the request and one per table, doubles in the documented order', async () => {
    const snapshot = await requestSnapshot()
    const dataset = writeDataPointRecorder()
    analyticsEngineSink(dataset, { label: 'api' })(snapshot)
    const [request, ...tables] = dataset.points
    expect(request?.blobs).toStrictEqual(['request', 'api', ''])
    expect(request?.indexes).toStrictEqual(['api'])
    const named = (point: AnalyticsEngineDataPointLike | undefined) => Object.fromEntries(ANALYTICS_DOUBLES.map((name, i) => [name, point?.doubles?.[i]]))
    expect(request?.doubles).toHaveLength(ANALYTICS_DOUBLES.length)
    expect(named(request)).toMatchObject({ hits: 2, misses: 1, fills: 1, kvReadCalls: 1, kvReadKeys: 2, kvWrites: 1, kvDeletes: 0, otherStorageCalls: 3 })
    expect(named(request).kvUsdBulkReadAsOneRead).toBeCloseTo((0.5 + 5) / 1e6, 12)
    expect(tables.map((point) => point.blobs)).toStrictEqual([
      ['table', 'api', '(unknown)'],
      ['table', 'api', 'users'],
    ])
    expect(named(tables[1])).toMatchObject({ hits: 1, maxAgeMs: 5000, kvReadCalls: 0, kvUsdBulkReadPerKey: 0 })
  })

  it('keeps the busiest tables when there are more than maxTables; the request point still counts them all', async () => {
    const metrics = createMetrics()
    for (const [table, hits] of [
      ['a', 1],
      ['b', 3],
      ['c', 2],
    ] as const) {
      for (let i = 0; i < hits; i++) metrics.onEvent({ type: 'hit', key: table, ageMs: 0, createdAtMs: 0, tables: [table] } as CacheEvent)
    }
    const dataset = writeDataPointRecorder()
    analyticsEngineSink(dataset, { maxTables: 2 })(metrics.snapshot())
    expect(dataset.points.map((point) => point.blobs?.[2])).toStrictEqual(['', 'b', 'c'])
    expect(dataset.points[0]?.doubles?.[0]).toBe(6)
    expect(dataset.points[0]?.indexes).toStrictEqual(['kvcache'])
  })

  it('hands a real Analytics Engine binding its points without throwing or awaiting', async () => {
    const snapshot = await requestSnapshot()
    const errors: unknown[] = []
    const sink = analyticsEngineSink(KVCACHE_METRICS, { label: 'test', onError: (error) => errors.push(error) })
    expect(sink(snapshot)).toBeUndefined()
    expect(errors).toStrictEqual([])
  })

  it('never throws into the caller: a refused point goes to onError, and a throwing onError is swallowed', async () => {
    const snapshot = await requestSnapshot()
    const errors: unknown[] = []
    expect(() => analyticsEngineSink(refusingDatasetFault(), { onError: (error) => errors.push(error) })(snapshot)).not.toThrow()
    expect(String(errors[0])).toContain('too many data points')
    const throwing = () => {
      throw new Error('handler bug')
    }
    expect(() => analyticsEngineSink(refusingDatasetFault(), { onError: throwing })(snapshot)).not.toThrow()
    expect(() => analyticsEngineSink(refusingDatasetFault())(snapshot)).not.toThrow()
  })

  it('fails fast on a missing dataset or invalid options, naming them', () => {
    const failure = (make: () => unknown) => {
      try {
        make()
      } catch (error) {
        return error
      }
      throw new Error('expected a KvCacheError')
    }
    const missing = failure(() => analyticsEngineSink(undefined as never))
    expect(isKvCacheError(missing, 'MISSING_BINDING') && missing.message).toContain('`dataset`')
    const unknown = failure(() => analyticsEngineSink(writeDataPointRecorder(), { lable: 'x' } as never))
    expect(isKvCacheError(unknown, 'UNKNOWN_OPTION') && unknown.message).toContain('Did you mean `label`?')
    const tables = failure(() => analyticsEngineSink(writeDataPointRecorder(), { maxTables: 1.5 }))
    expect(isKvCacheError(tables, 'INVALID_OPTION') && tables.message).toContain('`maxTables`')
    const label = failure(() => analyticsEngineSink(writeDataPointRecorder(), { label: '' }))
    expect(isKvCacheError(label, 'INVALID_OPTION') && label.message).toContain('`label`')
  })
})

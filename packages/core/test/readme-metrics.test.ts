import { expect, it } from 'vitest'
import readme from '../README.md?raw'
import type { AnalyticsEngineDataPointLike } from '../src'
import exampleSource from './readme-metrics.ts?raw'
import { handle } from './readme-metrics'

it('the README shows exactly the metrics example this test runs', () => {
  expect(readme).toContain(exampleSource.trim())
})

it("the README's metrics example: a header per request, a miss then a hit, and data points for Analytics Engine", async () => {
  // Records the points (miniflare's local dataset keeps none; analytics-sink.test.ts also writes to it).
  const points: AnalyticsEngineDataPointLike[] = []
  const dataset = { writeDataPoint: (point: AnalyticsEngineDataPointLike) => void points.push(point) }
  let loads = 0
  const loadPosts = async () => (loads++, ['Hello'])
  const first = await handle(dataset, loadPosts)
  expect(first.response.headers.get('x-kvcache')).toBe('miss; reason=absent; tables=posts')
  expect(await first.response.json()).toStrictEqual(['Hello'])
  const second = await handle(dataset, loadPosts)
  expect(second.response.headers.get('x-kvcache')).toMatch(/^hit; tables=posts; age=\d+$/)
  expect(loads).toBe(1)
  // The hit: one bulk read of the entry and its two stamps (`tables` reads depend on `table:` and `bulk:`).
  expect(second.snapshot.operations).toStrictEqual([{ storage: 'memory', kind: 'read', calls: 1, keys: 3 }])
  expect(points.filter((point) => point.blobs?.[0] === 'request')).toHaveLength(2)
})

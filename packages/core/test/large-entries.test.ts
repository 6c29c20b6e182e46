import { describe, expect, it } from 'vitest'
import { createCache, memoryStorage } from '../src'
import { tableScope } from '../src/layout'
import { eventLog, fakeTable, slowLargeReadsFault } from './helpers'

const large = { material: ['large report'], scopes: [tableScope('reports')] }
const small = { material: ['small'], scopes: [tableScope('posts')] }

describe('large entries', () => {
  it('a read that is slow because its value is large does not count as a storage outage', async () => {
    const storage = slowLargeReadsFault(memoryStorage(), { minChars: 1024 * 1024, delayMs: 150 })
    const log = eventLog()
    const cache = createCache({ storage, timeoutMs: 50, breaker: { failureThreshold: 2, openSeconds: 60 }, onEvent: log.onEvent })
    const report = fakeTable('r'.repeat(2 * 1024 * 1024))
    const posts = fakeTable(['hello'])
    expect(await cache.query(large, report.load)).toHaveLength(2 * 1024 * 1024)
    expect(await cache.query(small, posts.load)).toStrictEqual(['hello'])

    // Two slow large reads in a row would open a breaker with threshold 2 if they counted.
    const fresh = createCache({ storage, timeoutMs: 50, breaker: { failureThreshold: 2, openSeconds: 60 }, onEvent: log.onEvent })
    log.clear()
    expect(await fresh.query(large, report.load)).toHaveLength(2 * 1024 * 1024)
    await storage.lastSlowRead // the late answer arrives after the read gave up
    // Its processing is promise callbacks only: one macrotask turn runs every one of them.
    await new Promise((resolve) => setTimeout(resolve, 0))
    // Its size is now known: the next read of it gets a budget that fits, and hits.
    const loads = report.loads
    expect(await fresh.query(large, report.load)).toHaveLength(2 * 1024 * 1024)
    expect(report.loads).toBe(loads)
    expect(log.of('breaker')).toStrictEqual([])
    // Small entries are still served from storage.
    const postLoads = posts.loads
    expect(await fresh.query(small, posts.load)).toStrictEqual(['hello'])
    expect(posts.loads).toBe(postLoads)
  })

  it('a storage that hangs still opens the breaker (only a late, large answer is forgiven)', async () => {
    const log = eventLog()
    const hanging = { ...memoryStorage(), get: () => new Promise<null>(() => {}), getMany: () => new Promise<Map<string, null>>(() => {}) }
    const cache = createCache({ storage: hanging, timeoutMs: 20, breaker: { failureThreshold: 2, openSeconds: 60 }, onEvent: log.onEvent })
    for (let i = 0; i < 3; i++) expect(await cache.query(small, async () => i)).toBe(i)
    expect(log.of('breaker').map((event) => event.state)).toStrictEqual(['open'])
  })
})

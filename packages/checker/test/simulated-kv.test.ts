import { isKvCacheError } from '@kvcache/core'
import { describe, expect, it } from 'vitest'
import { createVirtualTime, kvStamps, runScenario, seededRandom, simulatedKv, START_MS } from '../src'

/** A two-location simulated KV whose writes take 10 ms and reach the other location after 5 s. */
function twoLocations() {
  const time = createVirtualTime(START_MS)
  const kv = simulatedKv({ time, random: seededRandom(1), locations: 2, latencyMs: [10, 10], propagation: { meanMs: 5000, maxMs: 5000 } })
  /** Runs `work` to completion on simulated time, `ms` at most. */
  const run = async <T>(work: T | Promise<T>, ms = 60_000): Promise<T> => {
    let result: { value: T } | undefined
    void Promise.resolve(work).then((value) => (result = { value }))
    await time.runUntil(time.now() + ms)
    if (!result) throw new Error('did not finish')
    return result.value
  }
  return { time, kv, run }
}

const text = (cacheTtl: number) => ({ type: 'text', cacheTtl }) as const

describe('simulatedKv', () => {
  it('rejects a second write of a key within a second with a 429, which kvStorage reports as RATE_LIMITED', async () => {
    const { kv, run, time } = twoLocations()
    const storage = kv.storageAt(0)
    await run(storage.set('k', 'a'), 100)
    const second = await run(
      Promise.resolve(storage.set('k', 'b')).then(
        () => undefined,
        (error: unknown) => error,
      ),
      100,
    )
    expect(isKvCacheError(second, 'RATE_LIMITED')).toBe(true)
    expect(kv.stats.rateLimited).toBe(1)
    await time.runUntil(time.now() + 1000)
    await run(storage.set('other', 'c'), 100)
    await run(storage.set('k', 'c'), 100)
    expect(await run(storage.get('k'), 100)).toBe('c')
  })

  it('shows a write at once where it was made, elsewhere after propagation, and serves edge-cached reads for cacheTtl', async () => {
    const { kv, run, time } = twoLocations()
    const here = kv.namespaceAt(0)
    const there = kv.namespaceAt(1)
    expect(await run(there.get('k', text(30)), 100)).toBeNull() // cached as absent for 30 s
    await run(here.put('k', 'v1'), 100)
    expect(await run(here.get('k', text(30)), 100)).toBe('v1')
    await time.runUntil(time.now() + 6000) // propagated, but the edge cache still holds the miss
    expect(await run(there.get('k', text(30)), 100)).toBeNull()
    expect(await run(there.get('k', text(0)), 100)).toBe('v1') // past cacheTtl: the location's copy
  })

  it('fails a share of calls with a 500 (not a 429); a failed write lands or not, unknown to the caller', async () => {
    const time = createVirtualTime(START_MS)
    const kv = simulatedKv({ time, random: seededRandom(3), locations: 1, latencyMs: [10, 10], failRatio: 0.5 })
    const storage = kv.storageAt(0)
    const settle = async <T>(work: T | Promise<T>): Promise<{ value?: T; error?: unknown }> => {
      let result: { value?: T; error?: unknown } | undefined
      Promise.resolve(work).then(
        (value) => (result = { value }),
        (error: unknown) => (result = { error }),
      )
      await time.runUntil(time.now() + 100)
      return result as { value?: T; error?: unknown }
    }
    /** Reads until a read gets through: reads fail too. */
    const readBack = async (key: string) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const read = await settle(storage.get(key))
        if (!('error' in read)) return read.value
      }
      throw new Error('no read got through')
    }
    const written: { key: string; failed: boolean }[] = []
    for (let i = 0; i < 40; i++) {
      const write = await settle(storage.set(`k${i}`, `v${i}`))
      if ('error' in write) expect(isKvCacheError(write.error, 'RATE_LIMITED')).toBe(false)
      written.push({ key: `k${i}`, failed: 'error' in write })
    }
    const landed: { failed: boolean; landed: boolean }[] = []
    for (const { key, failed } of written) landed.push({ failed, landed: (await readBack(key)) !== null })
    expect(landed.filter((write) => !write.failed).every((write) => write.landed)).toBe(true)
    const failed = landed.filter((write) => write.failed)
    expect(failed.some((write) => write.landed)).toBe(true)
    expect(failed.some((write) => !write.landed)).toBe(true)
    expect(kv.stats.failed).toBeGreaterThan(failed.length) // reads failed too
  })

  it('is deterministic: the same seed gives the same history, another seed another one', async () => {
    const settings = { durationMs: 20_000 }
    // One after the other: a run owns the process's timers and clock while it lasts.
    const a = await runScenario(kvStamps, 7, settings)
    const b = await runScenario(kvStamps, 7, settings)
    const c = await runScenario(kvStamps, 8, settings)
    expect(a.history.operations.length).toBeGreaterThan(100)
    expect(b.history).toStrictEqual(a.history)
    expect(b.kv).toStrictEqual(a.kv)
    expect(c.history).not.toStrictEqual(a.history)
  })
})

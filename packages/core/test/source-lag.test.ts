// Issue 18: the cache never makes a read staler than its source. A source that answers from the past
// (Hyperdrive's query cache, a read replica) is declared with `sourceLagSeconds`.
import { describe, expect, it } from 'vitest'
import { createCache, isKvCacheError, memoryStorage } from '../src'
import { tableScope } from '../src/layout'
import { cacheOnManualClock } from './helpers'

/** A database whose reads answer as of `lagMs` ago: what Hyperdrive's cache or a replica does after a write. */
function laggingSource<T>(initial: T, now: () => number, lagMs: number) {
  const history: { atMs: number; value: T }[] = [{ atMs: Number.NEGATIVE_INFINITY, value: initial }]
  return {
    load: async () => structuredClone(history.filter((version) => version.atMs <= now() - lagMs).at(-1)?.value as T),
    write: (value: T) => void history.push({ atMs: now(), value }),
  }
}

function setup(sourceLagSeconds?: number) {
  const { cache, clock, log } = cacheOnManualClock(sourceLagSeconds === undefined ? {} : { sourceLagSeconds })
  const db = laggingSource('v0', clock.now, 400)
  return { cache, clock, log, db }
}

const read = { material: ['select * from posts where id = 1'], scopes: [tableScope('posts')], ttlSeconds: 300 }

describe('sourceLagSeconds: a source that lags its writes', () => {
  it('a read right after a write is served from the lagging source but not stored; once the lag has passed, fresh rows are cached again', async () => {
    const { cache, clock, log, db } = setup(0.4)
    expect(await cache.query(read, db.load)).toBe('v0')
    db.write('v0 behind the cache')
    clock.advanceSeconds(1)
    expect(await cache.query(read, db.load)).toBe('v0')

    db.write('v1')
    await cache.invalidate({ tables: ['posts'] })
    clock.advanceSeconds(0.1)
    // The source has not caught up: its answer is served (it is what the database says) but not kept.
    expect(await cache.query(read, db.load)).toBe('v0 behind the cache')
    expect(log.events.at(-1)).toMatchObject({ type: 'skip', reason: 'source-lag' })
    clock.advanceSeconds(0.4)
    expect(await cache.query(read, db.load)).toBe('v1')
    // Stored now, and served from the cache: a change behind its back is not seen.
    db.write('v1 behind the cache')
    clock.advanceSeconds(1)
    expect(await cache.query(read, db.load)).toBe('v1')
  })

  it('without the declaration the lagging answer would be kept for the whole TTL (why the option exists)', async () => {
    const { cache, clock, db } = setup()
    await cache.query(read, db.load)
    db.write('v1')
    await cache.invalidate({ tables: ['posts'] })
    clock.advanceSeconds(0.1)
    expect(await cache.query(read, db.load)).toBe('v0')
    clock.advanceSeconds(200)
    expect(await cache.query(read, db.load)).toBe('v0')
  })

  it('per call on `wrap` and `query`, overriding the cache: 0 turns it off for a source that does not lag', async () => {
    const { cache, clock, log, db } = setup()
    await cache.wrap('post', db.load, { tables: ['posts'], sourceLagSeconds: 0.4 })
    db.write('v1')
    await cache.invalidate({ tables: ['posts'] })
    clock.advanceSeconds(0.1)
    expect(await cache.wrap('post', db.load, { tables: ['posts'], sourceLagSeconds: 0.4 })).toBe('v0')
    expect(log.events.at(-1)).toMatchObject({ type: 'skip', reason: 'source-lag' })
    clock.advanceSeconds(0.4)
    expect(await cache.wrap('post', db.load, { tables: ['posts'], sourceLagSeconds: 0.4 })).toBe('v1')

    const lagged = setup(60)
    await lagged.cache.query({ ...read, sourceLagSeconds: 0 }, lagged.db.load)
    expect(lagged.log.events.at(-1)).toMatchObject({ type: 'fill' })
  })

  it('invalid values fail fast naming the option', async () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '60' as unknown as number]) {
      expect(() => createCache({ storage: memoryStorage(), sourceLagSeconds: bad })).toThrow(/sourceLagSeconds/)
      const { cache, db } = setup()
      const error = await cache.query({ ...read, sourceLagSeconds: bad }, db.load).catch((caught: unknown) => caught)
      expect(isKvCacheError(error, 'INVALID_OPTION') && String((error as Error).message)).toMatch(/sourceLagSeconds/)
    }
  })
})

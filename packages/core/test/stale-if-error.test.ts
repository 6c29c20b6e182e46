// Issue 19: stale-if-error. When the database fails, an entry that merely aged out may answer,
// within `staleIfErrorSeconds` after its freshness (and swr) ended; an entry a write invalidated never does.
import { describe, expect, it } from 'vitest'
import { isKvCacheError, type CacheOptions } from '../src'
import { tableScope } from '../src/layout'
import { cacheOnManualClock, deferred } from './helpers'

/** A database that can be made to fail: what a D1 outage or a dropped Hyperdrive connection looks like to a loader. */
function flakyDatabase(initial: string) {
  const state = { value: initial, down: false, loads: 0 }
  return {
    state,
    load: async () => {
      state.loads++
      if (state.down) throw new Error('D1_ERROR: database unavailable')
      return state.value
    },
  }
}

function setup(options: Partial<CacheOptions> = {}) {
  return { ...cacheOnManualClock(options), db: flakyDatabase('v0') }
}

const read = { material: ['select * from posts'], scopes: [tableScope('posts')], ttlSeconds: 10, staleIfErrorSeconds: 600 }

describe('staleIfErrorSeconds', () => {
  it('serves an entry that aged out when the database fails, reports it with the error, and goes back to the database once it answers', async () => {
    const { cache, clock, log, db } = setup()
    expect(await cache.query(read, db.load)).toBe('v0')
    db.state.value = 'v1 (written behind the cache, so only TTL expires the entry)'
    clock.advanceSeconds(300)
    db.state.down = true

    expect(await cache.query(read, db.load)).toBe('v0')
    const [event] = log.of('stale-if-error')
    expect(event).toMatchObject({ type: 'stale-if-error', ageMs: 300_000 })
    expect(String((event as { error: unknown }).error)).toContain('database unavailable')

    db.state.down = false
    expect(await cache.query(read, db.load)).toBe(db.state.value)
  })

  it('fails with the database error past the window (ttl + swr + staleIfErrorSeconds)', async () => {
    const { cache, clock, db } = setup()
    await cache.query({ ...read, swrSeconds: 20 }, db.load)
    clock.advanceSeconds(10 + 20 + 600 + 1)
    db.state.down = true
    await expect(cache.query({ ...read, swrSeconds: 20 }, db.load)).rejects.toThrow('database unavailable')
  })

  it('never serves an entry a write invalidated, however recent: the error reaches the caller', async () => {
    const { cache, clock, log, db } = setup()
    await cache.query(read, db.load)
    clock.advanceSeconds(30)
    db.state.value = 'v1'
    await cache.invalidate({ tables: ['posts'] })
    db.state.down = true
    await expect(cache.query(read, db.load)).rejects.toThrow('database unavailable')
    expect(log.of('stale-if-error')).toHaveLength(0)
  })

  it('never serves an entry older than the reader has already seen (its bookmark)', async () => {
    const { cache, clock, db } = setup()
    await cache.query(read, db.load)
    clock.advanceSeconds(30)
    // A write elsewhere that this client saw (its bookmark), to a table the entry does not depend on.
    await cache.invalidate({ tables: ['comments'] })
    const bookmark = await cache.bookmark()
    db.state.down = true
    const client = cache.withContext({ bookmark })
    await expect(client.query(read, db.load)).rejects.toThrow('database unavailable')
  })

  it('is off unless asked: without the option the database error is thrown as before', async () => {
    const { cache, clock, db } = setup()
    const plain = { ...read, staleIfErrorSeconds: undefined }
    await cache.query(plain, db.load)
    clock.advanceSeconds(30)
    db.state.down = true
    await expect(cache.query(plain, db.load)).rejects.toThrow('database unavailable')
  })

  it('takes the cache default (`defaultStaleIfErrorSeconds`), and a call may turn it off with 0', async () => {
    const { cache, clock, db } = setup({ defaultStaleIfErrorSeconds: 600 })
    const plain = { ...read, staleIfErrorSeconds: undefined }
    await cache.query(plain, db.load)
    clock.advanceSeconds(30)
    db.state.down = true
    expect(await cache.query(plain, db.load)).toBe('v0')
    await expect(cache.query({ ...plain, staleIfErrorSeconds: 0 }, db.load)).rejects.toThrow('database unavailable')
  })

  it('wrap takes it per call, and callers that joined the failing lookup get the same entry', async () => {
    const { cache, clock, db } = setup()
    const options = { tables: ['posts'], ttlSeconds: 10, staleIfErrorSeconds: 600 }
    await cache.wrap('feed', db.load, options)
    clock.advanceSeconds(60)
    const gate = deferred<void>()
    const failing = async () => {
      await gate.promise
      throw new Error('D1_ERROR: timeout')
    }
    const first = cache.wrap('feed', failing, options)
    const second = cache.wrap('feed', failing, options)
    gate.resolve()
    expect(await Promise.all([first, second])).toStrictEqual(['v0', 'v0'])
  })

  it('keeps the bytes for the window: the storage lifetime covers ttl + swr + staleIfErrorSeconds', async () => {
    const { cache, clock, log, db } = setup()
    await cache.query({ ...read, ttlSeconds: 1, staleIfErrorSeconds: 3600 }, db.load)
    expect(log.of('fill')).toHaveLength(1)
    // Far past freshness, well within the window: memory storage would have dropped bytes kept for 1 s.
    clock.advanceSeconds(3000)
    db.state.down = true
    expect(await cache.query({ ...read, ttlSeconds: 1, staleIfErrorSeconds: 3600 }, db.load)).toBe('v0')
  })

  it('refuses a negative or non-finite window at the call and at construction, naming the option', async () => {
    const { cache, db } = setup()
    await expect(cache.query({ ...read, staleIfErrorSeconds: -1 }, db.load)).rejects.toThrow(/staleIfErrorSeconds/)
    await expect(cache.wrap('k', db.load, { staleIfErrorSeconds: Number.NaN })).rejects.toThrow(/staleIfErrorSeconds/)
    let caught: unknown
    try {
      setup({ defaultStaleIfErrorSeconds: -5 })
    } catch (error) {
      caught = error
    }
    expect(isKvCacheError(caught, 'INVALID_OPTION')).toBe(true)
    expect(String(caught)).toContain('defaultStaleIfErrorSeconds')
  })
})

import { describe, expect, it } from 'vitest'
import { createCache, isKvCacheError, memoryStorage, storageVersions, type Storage } from '../src'
import { tableScope } from '../src/layout'
import { createStampClock, isStamp } from '../src/clock'
import { qualifyScope, stampKey } from '../src/layout'
import { eventLog, fakeTable, heldWritesFault, manualClock, withCapabilities } from './helpers'

const posts = { material: ['select * from posts'], scopes: [tableScope('posts')] }
const postsStampKey = stampKey('kvc', qualifyScope(undefined, tableScope('posts')))

/** One cache per "isolate", all over the same storage, each with its own clock and stamp writers. */
function isolate(storage: Storage, options: { now?: () => number; timeoutMs?: number; maxRetries?: number; retryBaseMs?: number } = {}) {
  const log = eventLog()
  const now = options.now ?? Date.now
  const versions = storageVersions({
    storage,
    now,
    timeoutMs: options.timeoutMs ?? 1000,
    maxRetries: options.maxRetries ?? 4,
    retryBaseMs: options.retryBaseMs ?? 10,
  })
  const cache = createCache({ storage, versions, now, onEvent: log.onEvent, timeoutMs: options.timeoutMs ?? 1000 })
  return { cache, log }
}

describe('a stamp write that hangs', () => {
  it('is bounded, retried and reported; flush settles; later bumps are written and seen elsewhere', async () => {
    const fault = heldWritesFault(memoryStorage())
    const writer = isolate(fault.storage, { timeoutMs: 50, maxRetries: 1 })
    const reader = isolate(fault.storage)
    const db = fakeTable('v1')
    expect(await reader.cache.query(posts, db.load)).toBe('v1')

    fault.hold((key) => key === postsStampKey)
    db.write('v2')
    await writer.cache.invalidate({ tables: ['posts'] })
    // Never awaited forever: every attempt times out and the drain gives up with an error event.
    await writer.cache.flush()
    expect(writer.log.of('error').some((event) => isKvCacheError(event.error, 'STORAGE_FAILED'))).toBe(true)
    // The writer's own isolate sees its write at once; elsewhere the stamp never arrived.
    expect(await writer.cache.query(posts, db.load)).toBe('v2')

    fault.releaseHolds()
    db.write('v3')
    await writer.cache.invalidate({ tables: ['posts'] })
    expect(await reader.cache.query(posts, db.load)).toBe('v3')
  })

  it('that lands late, after a newer stamp, is overwritten again: storage never keeps the older stamp', async () => {
    const clock = manualClock()
    const fault = heldWritesFault(memoryStorage({ now: clock.now }))
    const writer = isolate(fault.storage, { now: clock.now, timeoutMs: 30 })
    const reader = isolate(fault.storage, { now: clock.now })
    // Another isolate whose clock is a little behind the writer's.
    const lagging = isolate(fault.storage, { now: () => clock.now() - 500 })
    const db = fakeTable('v1')
    await reader.cache.query(posts, db.load)

    // First bump's write hangs, then is retried and lands; a second bump lands after it.
    fault.hold((key) => key === postsStampKey)
    db.write('v2')
    await writer.cache.invalidate({ tables: ['posts'] })
    fault.releaseHolds()
    await writer.cache.flush()
    clock.advanceSeconds(1)
    db.write('v3')
    await writer.cache.invalidate({ tables: ['posts'] })
    await writer.cache.flush()
    expect(await reader.cache.query(posts, db.load)).toBe('v3')
    const newest = (await fault.storage.get(postsStampKey)) as string

    // Now the first, hung write lands: older than what storage holds.
    await fault.held[0]?.release()
    await writer.cache.flush()
    expect((await fault.storage.get(postsStampKey)) as string).toBe(newest)

    // A later write from the lagging isolate must still invalidate the reader's v3 entry.
    db.write('v4')
    await lagging.cache.invalidate({ tables: ['posts'] })
    expect(await reader.cache.query(posts, db.load)).toBe('v4')
  })
})

describe('stamps never move backwards because of us', () => {
  it('a queued (throttled) older bump does not overwrite a newer stamp another isolate wrote', async () => {
    // Declares a per-key write interval like KV's (shortened), so bumps within it are queued.
    const storage = withCapabilities(memoryStorage(), { minWriteIntervalMs: 100 })
    const behind = isolate(storage)
    const ahead = isolate(storage, { now: () => Date.now() + 30_000 })
    const reader = isolate(storage)
    const normal = isolate(storage)
    const db = fakeTable('v1')

    await behind.cache.invalidate({ tables: ['posts'] })
    db.write('v2')
    // Within the interval: this bump is queued, its write goes out ~100 ms later.
    await behind.cache.invalidate({ tables: ['posts'] })
    const queued = (await storage.get(postsStampKey)) as string
    db.write('v3')
    await ahead.cache.invalidate({ tables: ['posts'] })
    const newer = (await storage.get(postsStampKey)) as string
    expect(newer > queued).toBe(true)
    expect(await reader.cache.query(posts, db.load)).toBe('v3')

    await behind.cache.flush()
    expect(await storage.get(postsStampKey)).toBe(newer)
    // So the next bump, from a clock behind the newer stamp, still outranks it.
    db.write('v4')
    await normal.cache.invalidate({ tables: ['posts'] })
    expect(await reader.cache.query(posts, db.load)).toBe('v4')
  })
})

describe('a stamp that does not parse', () => {
  const now = Date.now()
  const good = createStampClock(() => now).next()
  const garbage = [
    '',
    'garbage',
    good.slice(0, 18),
    `${good}0`,
    good.toUpperCase(),
    ' '.repeat(19),
    '\ud800'.repeat(19),
    '{"stamp":1}',
    createStampClock(() => now + 365 * 86_400_000).next(),
  ]

  it.each(garbage.map((value) => [JSON.stringify(value).slice(0, 30), value]))(
    '(%s) makes dependent entries misses, is reported, and is repaired by a bump',
    async (_, value) => {
      const storage = memoryStorage()
      const { cache, log } = isolate(storage)
      const db = fakeTable('v1')
      expect(await cache.query(posts, db.load)).toBe('v1')
      expect(await cache.query(posts, db.load)).toBe('v1')
      expect(db.loads).toBe(1)

      await storage.set(postsStampKey, value as string)
      db.write('v2')
      log.clear()
      // Never a hit: the database answers, and nothing is stored against the unknown stamp.
      expect(await cache.query(posts, db.load)).toBe('v2')
      expect(log.of('miss')[0]?.reason).toBe('stamp-unknown')
      expect(log.of('error').some((event) => isKvCacheError(event.error, 'CORRUPT_STAMP'))).toBe(true)
      expect(log.of('fill')).toHaveLength(0)

      await cache.flush()
      expect(isStamp(await storage.get(postsStampKey))).toBe(true)
      db.write('v3')
      expect(await cache.query(posts, db.load)).toBe('v3')
      const loads = db.loads
      expect(await cache.query(posts, db.load)).toBe('v3')
      expect(db.loads).toBe(loads)
    },
  )
})

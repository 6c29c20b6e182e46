import { describe, expect, it } from 'vitest'
import { createCache, memoryStorage } from '../src'
import { tableScope } from '../src/layout'
import { latestStampAt } from '../src/clock'
import { eventLog, failingStorageFault, fakeTable, laggingStampsFault, manualClock } from './helpers'

const postsQuery = { material: ['posts'], scopes: [tableScope('posts')] }

describe('session bookmarks', () => {
  it('give a client read-your-writes where stamps lag behind (eventual consistency)', async () => {
    const shared = memoryStorage()
    const lagging = laggingStampsFault(shared)
    const here = createCache({ storage: shared })
    const elsewhere = createCache({ storage: lagging })
    const db = fakeTable({ title: 'v1' })

    expect(await elsewhere.query(postsQuery, db.load)).toStrictEqual({ title: 'v1' })
    await lagging.freeze()

    db.write({ title: 'v2' })
    await here.invalidate({ tables: ['posts'] })
    const bookmark = here.bookmark()
    expect(bookmark).not.toBe('')

    // Without the bookmark the lagging location still serves v1: that is KV's propagation window.
    expect(await elsewhere.query(postsQuery, db.load)).toStrictEqual({ title: 'v1' })
    // With it, the client that wrote sees its write.
    const session = elsewhere.withContext({ bookmark })
    expect(await session.query(postsQuery, db.load)).toStrictEqual({ title: 'v2' })
    const loads = db.loads
    expect(await session.query(postsQuery, db.load)).toStrictEqual({ title: 'v2' })
    expect(db.loads).toBe(loads)
    expect(session.bookmark() >= bookmark).toBe(true)
  })

  it('give monotonic reads: a client never goes back to an older entry than one it saw', async () => {
    const storage = memoryStorage()
    const cache = createCache({ storage })
    const db = fakeTable({ n: 1 })
    const first = cache.withContext({})
    await first.query(postsQuery, db.load)
    const bookmark = first.bookmark()
    const next = cache.withContext({ bookmark })
    expect(await next.query(postsQuery, db.load)).toStrictEqual({ n: 1 })
    // The entry the client already saw is not older than its bookmark: still a hit.
    expect(db.loads).toBe(1)
    expect(next.bookmark()).toBe(bookmark)
    // An older entry (before a write elsewhere) is skipped once the client has seen a newer one.
    db.write({ n: 2 })
    const writer = cache.withContext({})
    await writer.invalidate({ tables: ['posts'] })
    expect(await cache.withContext({ bookmark: writer.bookmark() }).query(postsQuery, db.load)).toStrictEqual({ n: 2 })
  })

  it('ignore an invalid bookmark with an error event instead of failing the request', async () => {
    const log = eventLog()
    const cache = createCache({ storage: memoryStorage(), onEvent: log.onEvent })
    const session = cache.withContext({ bookmark: 'not-a-bookmark' })
    expect(await session.query(postsQuery, async () => 'ok')).toBe('ok')
    expect(log.of('error')[0]?.operation).toBe('bookmark')
  })
})

describe('bookmarks are client input', () => {
  it('a forged bookmark far in the future only slows its own client down, and never for long', async () => {
    const clock = manualClock()
    const log = eventLog()
    const cache = createCache({ storage: memoryStorage({ now: clock.now }), now: clock.now, onEvent: log.onEvent })
    const db = fakeTable({ n: 1 })
    const forged = 'zzzzzzzzzzz00000000'
    const attacker = cache.withContext({ bookmark: forged })
    expect(await attacker.query(postsQuery, db.load)).toStrictEqual({ n: 1 })

    // Everyone else keeps caching: entries minted after the forged bookmark are well-formed hits.
    db.write({ n: 2 })
    await cache.invalidate({ tables: ['posts'] })
    expect(await cache.withContext({}).query(postsQuery, db.load)).toStrictEqual({ n: 2 })
    const loads = db.loads
    expect(await cache.withContext({}).query(postsQuery, db.load)).toStrictEqual({ n: 2 })
    expect(db.loads).toBe(loads)
    expect(log.of('skip').filter((event) => event.reason === 'stamp-unknown')).toHaveLength(0)

    // The forger's own reads are correct, and the floor it gets back is capped at now + clock skew.
    db.write({ n: 3 })
    await cache.invalidate({ tables: ['posts'] })
    const again = cache.withContext({ bookmark: forged })
    expect(await again.query(postsQuery, db.load)).toStrictEqual({ n: 3 })
    expect(again.bookmark() <= latestStampAt(clock.now() + 60_000)).toBe(true)
    expect(again.bookmark() < forged).toBe(true)
  })

  it('any value a cookie can carry is ignored with one error event, never an exception', async () => {
    const log = eventLog()
    const cache = createCache({ storage: memoryStorage(), onEvent: log.onEvent })
    const values: unknown[] = ['x', '\ud800', 'a'.repeat(100_000), '0'.repeat(18), `${'0'.repeat(19)}.`, {}, 42, null, ['1']]
    for (const bookmark of values) {
      log.clear()
      const view = cache.withContext({ bookmark: bookmark as string })
      expect(await view.query(postsQuery, async () => 'ok')).toBe('ok')
      expect(
        log.of('error').filter((event) => event.operation === 'bookmark'),
        String(bookmark).slice(0, 20),
      ).toHaveLength(1)
    }
  })
})

describe('signed bookmarks', () => {
  const secret = 'a long enough secret for hmac!!'

  it('carry an HMAC, give read-your-writes, and tampered or unsigned ones are ignored and reported', async () => {
    const shared = memoryStorage()
    const lagging = laggingStampsFault(shared)
    const here = createCache({ storage: shared, bookmarkSecret: secret })
    const log = eventLog()
    const elsewhere = createCache({ storage: lagging, bookmarkSecret: secret, onEvent: log.onEvent })
    const db = fakeTable({ title: 'v1' })
    await elsewhere.query(postsQuery, db.load)
    await lagging.freeze()
    db.write({ title: 'v2' })
    await here.invalidate({ tables: ['posts'] })
    const bookmark = here.bookmark()
    expect(bookmark).toMatch(/^[0-9a-z]{19}\.[A-Za-z0-9_-]{22}$/)

    const [stamp, mac] = bookmark.split('.') as [string, string]
    const tampered = [stamp, `${stamp}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, `${'z'.repeat(11)}${stamp.slice(11)}.${mac}`]
    for (const bad of tampered) {
      log.clear()
      expect(await elsewhere.withContext({ bookmark: bad }).query(postsQuery, db.load)).toStrictEqual({ title: 'v1' })
      expect(log.of('error').map((event) => event.operation)).toStrictEqual(['bookmark'])
    }
    const other = createCache({ storage: lagging, bookmarkSecret: 'another secret, also long enough' })
    expect(await other.withContext({ bookmark }).query(postsQuery, db.load)).toStrictEqual({ title: 'v1' })
    expect(await elsewhere.withContext({ bookmark }).query(postsQuery, db.load)).toStrictEqual({ title: 'v2' })
  })

  it('a secret shorter than 16 bytes fails at construction, naming the option', () => {
    expect(() => createCache({ storage: memoryStorage(), bookmarkSecret: 'short' })).toThrow(/`bookmarkSecret`/)
  })

  it('move on when the database answers because storage failed: the next request never goes back to an older entry (found by the checker)', async () => {
    const shared = memoryStorage()
    const mode = { failing: false }
    // Two isolates whose requests come a few milliseconds apart: stamps minted in one millisecond by
    // two isolates are ordered by their random part (they are concurrent), so real time could flake.
    const clock = manualClock()
    const flaky = createCache({ storage: failingStorageFault(shared, mode), breaker: false, now: () => clock.now() + 5 })
    const healthy = createCache({ storage: shared, now: clock.now })
    const db = fakeTable({ n: 1 })
    // An entry of n = 1 is stored; then n = 2 is written by a request the cache does not see invalidated yet (lagging stamps).
    expect(await healthy.query(postsQuery, db.load)).toStrictEqual({ n: 1 })
    db.write({ n: 2 })
    mode.failing = true
    const request = flaky.withContext({})
    expect(await request.query(postsQuery, db.load)).toStrictEqual({ n: 2 })
    mode.failing = false
    // The client carries its bookmark: the older entry is bypassed, it does not see n = 1 again.
    expect(await flaky.withContext({ bookmark: request.bookmark() }).query(postsQuery, db.load)).toStrictEqual({ n: 2 })
  })
})

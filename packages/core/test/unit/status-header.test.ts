import { describe, expect, it } from 'vitest'
import { cacheStatusHeader, createCache, createMetrics, memoryStorage, type CacheEvent } from '../../src'
import { tableScope } from '../../src/layout'
import { eventLog, fakeTable, manualClock } from '../helpers'

const read = (type: string, extra: object = {}) => ({ type, key: 'k', ageMs: 0, createdAtMs: 0, ...extra }) as unknown as CacheEvent

describe('cacheStatusHeader', () => {
  it('one read: its outcome, tables and age in whole seconds, from events or a snapshot alike', async () => {
    const clock = manualClock()
    const metrics = createMetrics()
    const log = eventLog()
    const cache = createCache({ storage: memoryStorage({ now: clock.now }), now: clock.now })
    const posts = { material: ['posts'], scopes: [tableScope('posts')], ttlSeconds: 60 }
    await cache.query(posts, fakeTable(['a']).load)
    clock.advanceSeconds(12.7)
    await cache
      .withContext({ onEvent: metrics.onEvent })
      .withContext({ onEvent: log.onEvent })
      .query(posts, fakeTable(['b']).load)
    // Reads through `query` without a binding name no tables: the header leaves them out.
    expect(cacheStatusHeader(log.events)).toBe('hit; age=12')
    expect(cacheStatusHeader(metrics.snapshot())).toBe('hit; age=12')
    expect(cacheStatusHeader([read('hit', { ageMs: 12_700, tables: ['posts'] })])).toBe('hit; tables=posts; age=12')
  })

  it('a miss says why; several reads are counted by outcome with every table they read', () => {
    expect(cacheStatusHeader([read('miss', { reason: 'absent', tables: ['posts'] }), read('fill', { bytes: 10, ttlSeconds: 60 })])).toBe(
      'miss; reason=absent; tables=posts',
    )
    const events = [
      read('hit', { tables: ['posts'] }),
      read('hit', { tables: ['posts', 'users'] }),
      read('miss', { reason: 'invalidated', tables: ['users'] }),
      read('stale', { ageMs: 90_000, tables: ['comments'] }),
      read('skip', { reason: 'bypass', tables: ['audit'] }),
      read('joined', { tables: ['posts'] }),
    ]
    expect(cacheStatusHeader(events)).toBe('hit=2 stale=1 joined=1 miss=1 bypass=1; tables=posts,users,comments,audit')
  })

  it('a stale-if-error answer counts once, not as the miss before it; no read at all is `none`', () => {
    const events = [
      read('miss', { reason: 'expired', tables: ['posts'] }),
      read('stale-if-error', { ageMs: 65_000, error: new Error('db down'), tables: ['posts'] }),
    ]
    expect(cacheStatusHeader(events)).toBe('stale-if-error; tables=posts; age=65')
    const metrics = createMetrics()
    for (const event of events) metrics.onEvent(event)
    expect(cacheStatusHeader(metrics.snapshot())).toBe('stale-if-error; tables=posts; age=65')
    expect(cacheStatusHeader([])).toBe('none')
    expect(cacheStatusHeader([read('invalidate', { scopes: [':table:posts'], stamp: 'x' })])).toBe('none')
  })

  it('keeps the value a valid header: odd table names percent-encoded, long lists cut', () => {
    expect(cacheStatusHeader([read('hit', { tables: ['app.posts', 'naïve;x=1', 'lone\ud800'] })])).toBe(
      'hit; tables=app.posts,na%C3%AFve%3Bx%3D1,lone%EF%BF%BD; age=0',
    )
    const many = Array.from({ length: 10 }, (_, i) => `t${i}`)
    expect(cacheStatusHeader([read('hit', { tables: many })])).toBe('hit; tables=t0,t1,t2,t3,t4,t5,t6,t7,+2; age=0')
  })
})

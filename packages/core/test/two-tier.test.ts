import { describe, expect, it } from 'vitest'
import { createCache, memoryStorage, twoTierStorage, type CacheEvent, type Storage, type TierEvent } from '../src'
import { rowScope, tableScope } from '../src/layout'
import { fakeTable, manualClock } from './helpers'

/** Counts calls per tier so a test can see which one answered. */
function counting(inner: Storage) {
  const calls = { get: 0, getMany: 0, set: 0 }
  const storage: Storage = {
    ...inner,
    get: (key, context) => (calls.get++, inner.get(key, context)),
    getMany: (keys, context) => (calls.getMany++, (inner.getMany as NonNullable<Storage['getMany']>)(keys, context)),
    set: (key, value, options) => (calls.set++, inner.set(key, value, options)),
  }
  return { storage, calls }
}

/** Fault injection: every call of this tier throws. */
function throwingStorageFault(inner: Storage): Storage {
  const fail = () => Promise.reject(new Error('injected tier failure'))
  return { ...inner, name: `${inner.name}-throwing`, get: fail, getMany: fail, set: fail, delete: fail }
}

function setup(options: { l1?: Storage; l2?: Storage; now?: () => number; stampTrustSeconds?: number } = {}) {
  // L1 evicts (like the Cache API), so it is not durable; L2 keeps everything (like KV).
  const l1 = counting(options.l1 ?? memoryStorage({ maxEntries: 1000, ...(options.now && { now: options.now }) }))
  const l2 = counting(options.l2 ?? memoryStorage(options.now ? { now: options.now } : {}))
  const tierEvents: TierEvent[] = []
  const events: CacheEvent[] = []
  const storage = twoTierStorage({ l1: l1.storage, l2: l2.storage, onTierEvent: (event) => tierEvents.push(event) })
  const cache = createCache({
    storage,
    onEvent: (event) => events.push(event),
    ...(options.now && { now: options.now }),
    ...(options.stampTrustSeconds && { stampTrustSeconds: options.stampTrustSeconds }),
  })
  return { cache, storage, l1, l2, tierEvents, events }
}

const posts = { material: ['posts'], scopes: [tableScope('posts')] }

describe('twoTierStorage through createCache', () => {
  it('keeps version stamps in L2 only, and an L1 hit never reads the entry from L2', async () => {
    const { cache, l1, l2 } = setup()
    const db = fakeTable(['a'])
    await cache.query(posts, db.load)
    await cache.invalidate({ tables: ['other'] })
    expect(l1.calls.set).toBe(1) // the entry; stamps never go to L1
    const l2Gets = l2.calls.get
    expect(await cache.query(posts, db.load)).toStrictEqual(['a'])
    expect(db.loads).toBe(1)
    expect(l2.calls.get).toBe(l2Gets)
  })

  it('an L2 hit is returned and promoted to L1', async () => {
    const l2 = memoryStorage()
    const first = setup({ l2 })
    const db = fakeTable(['a'])
    await first.cache.query(posts, db.load)
    const second = setup({ l2 })
    expect(await second.cache.query(posts, db.load)).toStrictEqual(['a'])
    expect(db.loads).toBe(1)
    await second.storage.settled()
    expect(second.l1.calls.set).toBe(1)
  })

  it('write, invalidate, read: fresh through L1, including a write made by another isolate', async () => {
    const l2 = memoryStorage()
    const { cache } = setup({ l2 })
    const other = setup({ l2 })
    const db = fakeTable(['a'])
    await cache.query(posts, db.load)
    db.write(['a', 'b'])
    await cache.invalidate({ tables: ['posts'] })
    expect(await cache.query(posts, db.load)).toStrictEqual(['a', 'b'])
    db.write(['a', 'b', 'c'])
    await other.cache.invalidate({ tables: ['posts'] })
    expect(await cache.query(posts, db.load)).toStrictEqual(['a', 'b', 'c'])
  })

  it('a failing L1 still serves from L2 and reports the tier error; a failing L2 falls back to the database', async () => {
    const l2 = memoryStorage()
    const db = fakeTable(['a'])
    await setup({ l2 }).cache.query(posts, db.load)
    const brokenL1 = setup({ l1: throwingStorageFault(memoryStorage({ maxEntries: 10 })), l2 })
    expect(await brokenL1.cache.query(posts, db.load)).toStrictEqual(['a'])
    expect(db.loads).toBe(1)
    expect(brokenL1.tierEvents.some((event) => event.tier === 'l1' && event.reason === 'error')).toBe(true)
    db.write(['b'])
    const brokenL2 = setup({ l2: throwingStorageFault(memoryStorage()) })
    expect(await brokenL2.cache.query(posts, db.load)).toStrictEqual(['b'])
    expect(brokenL2.events.some((event) => event.type === 'error')).toBe(true)
  })

  it('keeps values too large for L1 in L2 only', async () => {
    const small = memoryStorage({ maxEntries: 10 })
    const l1: Storage = { ...small, capabilities: { ...small.capabilities, maxValueBytes: 1024 } }
    const { cache, l1: counted, tierEvents } = setup({ l1 })
    const big = { body: 'x'.repeat(5000) }
    await cache.query(posts, async () => big)
    expect(counted.calls.set).toBe(0)
    expect(tierEvents.some((event) => event.tier === 'l1' && event.reason === 'oversized')).toBe(true)
    expect(await cache.query(posts, async () => ({ body: 'not cached' }))).toStrictEqual(big)
  })
})

describe('storage calls per hit', () => {
  it('two-tier: an L1 hit reads only the stamps from L2; an L1 miss reads entry and stamps from L2 in one call', async () => {
    const l2 = memoryStorage()
    const first = setup({ l2 })
    const db = fakeTable(['a'])
    await first.cache.query(posts, db.load)
    const l1Before = { get: first.l1.calls.get, l2get: first.l2.calls.get, l2many: first.l2.calls.getMany }
    expect(await first.cache.query(posts, db.load)).toStrictEqual(['a'])
    expect(first.l1.calls.get - l1Before.get).toBe(1)
    expect(first.l2.calls.get - l1Before.l2get).toBe(0)
    expect(first.l2.calls.getMany - l1Before.l2many).toBe(1)

    const second = setup({ l2 }) // an empty L1: the entry lives only in L2
    expect(await second.cache.query(posts, db.load)).toStrictEqual(['a'])
    expect(db.loads).toBe(1)
    expect(second.l2.calls.get).toBe(0)
    expect(second.l2.calls.getMany).toBe(1)
  })

  it('more than 99 scopes: entry and stamps in ceil((scopes + 1) / 100) bulk reads', async () => {
    const inner = memoryStorage()
    const counted = counting({ ...inner, capabilities: { ...inner.capabilities, maxBatchGet: 100 } })
    const cache = createCache({ storage: counted.storage })
    const scopes = Array.from({ length: 199 }, (_, i) => tableScope(`t${i}`))
    const db = fakeTable('v1')
    await cache.query({ material: ['wide'], scopes }, db.load)
    const before = counted.calls.getMany
    expect(await cache.query({ material: ['wide'], scopes }, db.load)).toBe('v1')
    expect(counted.calls.getMany - before).toBe(2)
    db.write('v2')
    await cache.invalidate({ tables: ['t150'] })
    expect(await cache.query({ material: ['wide'], scopes }, db.load)).toBe('v2')
  })
})

describe('twoTierStorage.getMany', () => {
  it('reads each key from L1 first and the rest from L2 in one call, then promotes those', async () => {
    const l1 = counting(memoryStorage({ maxEntries: 10 }))
    const l2 = counting(memoryStorage())
    const storage = twoTierStorage({ l1: l1.storage, l2: l2.storage })
    await storage.set('both', 'in both', { ttlSeconds: 600 })
    await l2.storage.set('l2', 'only l2')
    const found = await storage.getMany?.(['both', 'l2', 'absent'])
    expect(found && Object.fromEntries(found)).toStrictEqual({ both: 'in both', l2: 'only l2', absent: null })
    expect(l2.calls.getMany).toBe(1)
    await storage.settled()
    expect(await l1.storage.get('l2')).toBe('only l2')
  })

  it('is absent when L2 has no bulk read', () => {
    const { getMany: _, ...noBulk } = memoryStorage()
    const l2: Storage = { ...noBulk, capabilities: { ...noBulk.capabilities, maxBatchGet: 1 } }
    const storage = twoTierStorage({ l1: memoryStorage({ maxEntries: 10 }), l2 })
    expect(storage.getMany).toBeUndefined()
    expect(storage.capabilities.maxBatchGet).toBe(1)
  })
})

describe('stampTrustSeconds', () => {
  const byId = { material: ['post', 1], scopes: [rowScope('posts', 1)], ttlSeconds: 300 }

  it('0 (default): a write made elsewhere is seen at once', async () => {
    const l2 = memoryStorage()
    const reader = setup({ l2 })
    const writer = createCache({ storage: l2 })
    const db = fakeTable({ title: 't1' })
    await reader.cache.query(byId, db.load)
    db.write({ title: 't2' })
    await writer.invalidate({ rows: [{ table: 'posts', pk: 1 }] })
    expect(await reader.cache.query(byId, db.load)).toStrictEqual({ title: 't2' })
  })

  it('N > 0: a write made elsewhere is seen after at most N seconds; a write made here at once', async () => {
    const clock = manualClock()
    const l2 = memoryStorage({ now: clock.now })
    const reader = setup({ l2, now: clock.now, stampTrustSeconds: 10 })
    const writer = createCache({ storage: l2, now: clock.now })
    const db = fakeTable({ title: 't1' })
    await reader.cache.query(byId, db.load)
    db.write({ title: 't2' })
    await writer.invalidate({ rows: [{ table: 'posts', pk: 1 }] })
    clock.advanceSeconds(5)
    expect(await reader.cache.query(byId, db.load)).toStrictEqual({ title: 't1' })
    clock.advanceSeconds(6)
    expect(await reader.cache.query(byId, db.load)).toStrictEqual({ title: 't2' })
    db.write({ title: 't3' })
    await reader.cache.invalidate({ rows: [{ table: 'posts', pk: 1 }] })
    expect(await reader.cache.query(byId, db.load)).toStrictEqual({ title: 't3' })
  })
})

import { describe, expect, it } from 'vitest'
import { createCache, createMetrics, memoryStorage, twoTierStorage, type CacheEvent, type MetricsSnapshot, type Storage, type StorageContext } from '../src'
import { tableScope } from '../src/layout'
import { deferred, eventLog, fakeTable } from './helpers'

type Tally = Record<'read' | 'write' | 'delete', { calls: number; keys: number }>
const emptyTally = (): Tally => ({ read: { calls: 0, keys: 0 }, write: { calls: 0, keys: 0 }, delete: { calls: 0, keys: 0 } })

/** A meter, not a fake: forwards every call to the real storage and counts calls and keys per kind. */
function countingStorage(inner: Storage) {
  const counts = emptyTally()
  const contexts: (StorageContext | undefined)[] = []
  const count = (kind: keyof Tally, keys: number, context: StorageContext | undefined) => {
    counts[kind].calls++
    counts[kind].keys += keys
    contexts.push(context)
  }
  const storage: Storage = {
    ...inner,
    get: (key, context) => (count('read', 1, context), inner.get(key, context)),
    getMany: (keys, context) => (count('read', keys.length, context), (inner.getMany as NonNullable<Storage['getMany']>)(keys, context)),
    set: (key, value, options, context) => (count('write', 1, context), inner.set(key, value, options, context)),
    delete: (key, context) => (count('delete', 1, context), inner.delete(key, context)),
  }
  return { storage, counts, contexts }
}

/** The snapshot's calls to one storage (and tier), in the meter's shape. */
function tallyOf(snapshot: MetricsSnapshot, storage: string, tier?: 'L1' | 'L2'): Tally {
  const tally = emptyTally()
  for (const row of snapshot.operations) {
    if (row.storage !== storage || row.tier !== tier) continue
    tally[row.kind].calls += row.calls
    tally[row.kind].keys += row.keys
  }
  return tally
}

const posts = { material: ['posts'], scopes: [tableScope('posts')] }
const users = { material: ['users'], scopes: [tableScope('users')] }

describe('storage operations', () => {
  it("a request's metrics count exactly the storage calls it made: a miss and its fill, a hit, an invalidation, a delete", async () => {
    const memory = countingStorage(memoryStorage())
    const cache = createCache({ storage: memory.storage })
    const metrics = createMetrics()
    const request = cache.withContext({ onEvent: metrics.onEvent })
    const db = fakeTable(['a'])
    await request.query(posts, db.load)
    await request.query(posts, db.load)
    await request.invalidate({ tables: ['posts'] })
    await request.delete('some key')
    await request.flush()
    const snapshot = metrics.snapshot()
    expect(tallyOf(snapshot, 'memory')).toStrictEqual(memory.counts)
    // Miss: one bulk read (entry + stamp), one fill. Hit: one bulk read. Invalidation of a table
    // (two scopes): one bulk read of both stamps, two stamp writes. Delete: one.
    expect(memory.counts).toStrictEqual({ read: { calls: 3, keys: 6 }, write: { calls: 3, keys: 3 }, delete: { calls: 1, keys: 1 } })
    expect(snapshot.totals).toMatchObject({ misses: 1, missReasons: { absent: 1 }, fills: 1, hits: 1, invalidations: 1 })
  })

  it('operation events reach only handlers that ask for them; without one, storage gets no reporting callback', async () => {
    const memory = countingStorage(memoryStorage())
    const isolateLog = eventLog()
    const cache = createCache({ storage: memory.storage, onEvent: isolateLog.onEvent })
    const requestLog = eventLog()
    const db = fakeTable(['a'])
    await cache.withContext({ onEvent: requestLog.onEvent }).query(posts, db.load)
    expect(memory.contexts.every((context) => context?.onOperation === undefined)).toBe(true)

    const metrics = createMetrics()
    await cache.withContext({ onEvent: metrics.onEvent }).withContext({ onEvent: requestLog.onEvent }).query(posts, db.load)
    expect(memory.contexts.at(-1)?.onOperation).toBeTypeOf('function')
    expect(metrics.snapshot().operations).toStrictEqual([{ storage: 'memory', kind: 'read', calls: 1, keys: 2 }])
    expect(isolateLog.types()).toStrictEqual(['miss', 'fill', 'hit'])
    expect(requestLog.types()).toStrictEqual(['miss', 'fill', 'hit'])
  })

  it("two concurrent requests' metrics never mix", async () => {
    const memory = countingStorage(memoryStorage())
    const cache = createCache({ storage: memory.storage })
    await cache.query(users, fakeTable(['u']).load)
    const before = structuredClone(memory.counts)
    const a = createMetrics()
    const b = createMetrics()
    const loading = deferred<string[]>()
    const slow = cache.withContext({ onEvent: a.onEvent }).query(posts, () => loading.promise)
    // While A waits on its database read, B is served from the cache.
    expect(await cache.withContext({ onEvent: b.onEvent }).query(users, fakeTable(['never']).load)).toStrictEqual(['u'])
    loading.resolve(['p'])
    expect(await slow).toStrictEqual(['p'])
    const [snapshotA, snapshotB] = [a.snapshot(), b.snapshot()]
    expect(snapshotA.totals).toMatchObject({ misses: 1, fills: 1, hits: 0 })
    expect(snapshotB.totals).toMatchObject({ misses: 0, fills: 0, hits: 1 })
    expect(tallyOf(snapshotA, 'memory')).toStrictEqual({ read: { calls: 1, keys: 2 }, write: { calls: 1, keys: 1 }, delete: { calls: 0, keys: 0 } })
    expect(tallyOf(snapshotB, 'memory')).toStrictEqual({ read: { calls: 1, keys: 2 }, write: { calls: 0, keys: 0 }, delete: { calls: 0, keys: 0 } })
    // Between them, exactly what the storage saw since.
    expect(memory.counts.read.calls - before.read.calls).toBe(2)
    expect(memory.counts.write.calls - before.write.calls).toBe(1)
  })

  it("two-tier storage says which tier each call hit, promotions included, and matches each tier's own count", async () => {
    const l2 = countingStorage(memoryStorage())
    const l1a = countingStorage(memoryStorage({ maxEntries: 100 }))
    const filler = createCache({ storage: twoTierStorage({ l1: l1a.storage, l2: l2.storage }) })
    const fill = createMetrics()
    await filler.withContext({ onEvent: fill.onEvent }).query(posts, fakeTable(['a']).load)
    const filled = fill.snapshot()
    // L1 missed (one read), L2 read the entry and its stamp in one call; the fill wrote L2, then L1.
    expect(tallyOf(filled, 'memory', 'L1')).toStrictEqual(l1a.counts)
    expect(tallyOf(filled, 'memory', 'L2')).toStrictEqual(l2.counts)
    expect(l1a.counts).toStrictEqual({ read: { calls: 1, keys: 1 }, write: { calls: 1, keys: 1 }, delete: { calls: 0, keys: 0 } })
    expect(l2.counts).toStrictEqual({ read: { calls: 1, keys: 2 }, write: { calls: 1, keys: 1 }, delete: { calls: 0, keys: 0 } })

    // Another location: its L1 is empty, so L2 answers and the entry is promoted into L1.
    const l1b = countingStorage(memoryStorage({ maxEntries: 100 }))
    const storage = twoTierStorage({ l1: l1b.storage, l2: l2.storage })
    const reader = createCache({ storage })
    const l2Before = structuredClone(l2.counts)
    const read = createMetrics()
    expect(await reader.withContext({ onEvent: read.onEvent }).query(posts, fakeTable(['never']).load)).toStrictEqual(['a'])
    await storage.settled()
    const served = read.snapshot()
    expect(tallyOf(served, 'memory', 'L1')).toStrictEqual(l1b.counts)
    expect(l1b.counts).toStrictEqual({ read: { calls: 1, keys: 1 }, write: { calls: 1, keys: 1 }, delete: { calls: 0, keys: 0 } })
    expect(tallyOf(served, 'memory', 'L2')).toStrictEqual({ read: { calls: 1, keys: 2 }, write: { calls: 0, keys: 0 }, delete: { calls: 0, keys: 0 } })
    expect(l2.counts.read.calls - l2Before.read.calls).toBe(1)
    expect(served.totals.hits).toBe(1)
  })
})

describe('createMetrics', () => {
  it('counts reads per table from the tables events name, invalidations from the table scopes bumped, the rest under (unknown)', async () => {
    const metrics = createMetrics()
    const labelled = (event: object) => metrics.onEvent(event as CacheEvent)
    labelled({ type: 'hit', key: 'k1', ageMs: 12_000, createdAtMs: 0, tables: ['posts', 'users'] })
    labelled({ type: 'miss', key: 'k2', reason: 'invalidated', tables: ['posts'] })
    labelled({ type: 'skip', key: 'k2', reason: 'rate-limited', tables: ['posts'] })
    labelled({ type: 'skip', reason: 'bypass', detail: 'inside a transaction', tables: ['users'] })
    labelled({ type: 'stale', key: 'k3', ageMs: 70_000, createdAtMs: 0 })
    const cache = createCache({ storage: memoryStorage() }).withContext({ onEvent: metrics.onEvent })
    await cache.invalidate({ tables: ['comments'] })
    await cache.invalidate({ tags: ['feed'] })

    const { totals, tables } = metrics.snapshot()
    expect(totals).toMatchObject({
      hits: 1,
      staleHits: 1,
      misses: 1,
      missReasons: { invalidated: 1 },
      skips: 1,
      skipReasons: { 'rate-limited': 1 },
      bypasses: 1,
    })
    expect(totals).toMatchObject({ invalidations: 2, maxAgeMs: 70_000 })
    expect(tables['posts']).toMatchObject({ hits: 1, misses: 1, skips: 1, bypasses: 0, maxAgeMs: 12_000 })
    expect(tables['users']).toMatchObject({ hits: 1, misses: 0, bypasses: 1 })
    expect(tables['comments']).toMatchObject({ invalidations: 1, hits: 0 })
    expect(tables['(unknown)']).toMatchObject({ staleHits: 1, invalidations: 1 })
  })

  it('estimates KV cost from KV calls only, under both readings of a bulk read', () => {
    const metrics = createMetrics()
    const call = (operation: Omit<Extract<CacheEvent, { type: 'operation' }>, 'type'>) => metrics.onEvent({ type: 'operation', ...operation })
    for (let i = 0; i < 3; i++) call({ storage: 'kv', kind: 'read', keys: 2 })
    call({ storage: 'kv', tier: 'L2', kind: 'read', keys: 1 })
    call({ storage: 'kv', kind: 'write', keys: 1 })
    call({ storage: 'kv', tier: 'L2', kind: 'write', keys: 1 })
    call({ storage: 'kv', kind: 'delete', keys: 1 })
    call({ storage: 'cache-api', tier: 'L1', kind: 'read', keys: 1 })
    call({ storage: 'coordinator', kind: 'read', keys: 3 })
    const { kv } = metrics.snapshot()
    expect(kv).toMatchObject({ readCalls: 4, readKeys: 7, writes: 2, deletes: 1 })
    // One read per call: 4 x $0.50 + 3 x $5.00 per million. One per key: 7 x $0.50 + 3 x $5.00.
    expect(kv.usd.bulkReadAsOneRead).toBeCloseTo(17 / 1e6, 12)
    expect(kv.usd.bulkReadPerKey).toBeCloseTo(18.5 / 1e6, 12)
  })

  it('snapshots are plain JSON, independent of later events; reset starts from zero', async () => {
    const metrics = createMetrics()
    const cache = createCache({ storage: memoryStorage() }).withContext({ onEvent: metrics.onEvent })
    await cache.query(posts, fakeTable(['a']).load)
    const first = metrics.snapshot()
    expect(JSON.parse(JSON.stringify(first))).toStrictEqual(first)
    await cache.query(posts, fakeTable(['a']).load)
    expect(first.totals.hits).toBe(0)
    expect(metrics.snapshot().totals.hits).toBe(1)
    metrics.reset()
    expect(metrics.snapshot()).toStrictEqual({
      totals: createMetrics().snapshot().totals,
      tables: {},
      operations: [],
      kv: createMetrics().snapshot().kv,
      tableKv: {},
    })
  })
})

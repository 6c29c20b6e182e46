import { createCache, storageVersions, type CacheEvent } from '@kvcache/core'
import { tableScope } from '@kvcache/core/testing'
import { env } from 'cloudflare:workers'
import { deferred, fakeTable } from '@kvcache/core/testing'
import { qualifyScope, stampKey } from '@kvcache/core/storage'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { kvStorage } from '../src'
import { countingKv, rateLimitedKvFault } from './faults'

const KV = (env as unknown as { KV: KVNamespace }).KV

/** Each test gets its own prefix, so runs never see each other's entries or stamps. */
const uniquePrefix = () => `t${crypto.randomUUID().slice(0, 8)}`

const table = fakeTable

const query = { material: ['d1', 'select * from posts where published = ?', [true]], scopes: [tableScope('posts')] }

describe('createCache over real KV', () => {
  it('a hit is one KV read call fetching the entry and its stamp; a fill is one write', async () => {
    const counting = countingKv(KV)
    const cache = createCache({ storage: kvStorage(counting.namespace), prefix: uniquePrefix() })
    const db = table([{ id: 1, title: 'Hello', createdAt: new Date('2026-01-01'), views: 10n }])
    const miss = await cache.query(query, db.load)
    expect(counting.stats).toMatchObject({ readCalls: 1, keysRead: 2, writes: 1, deletes: 0 })
    const hit = await cache.query(query, db.load)
    expect(hit).toStrictEqual(miss)
    expect(counting.stats).toMatchObject({ readCalls: 2, keysRead: 4, writes: 1, deletes: 0 })
    expect(db.loads).toBe(1)
  })

  it('write, then read: fresh value after invalidate, with one stamp write per scope (table and bulk) and no deletes', async () => {
    const counting = countingKv(KV)
    const cache = createCache({ storage: kvStorage(counting.namespace), prefix: uniquePrefix() })
    const db = table(['first post'])
    await cache.query(query, db.load)
    db.write(['first post', 'second post'])
    const writesBefore = counting.stats.writes
    await cache.invalidate({ tables: ['posts'] })
    // `table:posts` (reads of the table) and `bulk:posts` (its by-key reads): one write each.
    expect(counting.stats.writes - writesBefore).toBe(2)
    expect(await cache.query(query, db.load)).toStrictEqual(['first post', 'second post'])
    expect(counting.stats.deletes).toBe(0)
  })

  it('a write in another isolate is seen through the stamp stored in KV', async () => {
    const prefix = uniquePrefix()
    const isolateA = createCache({ storage: kvStorage(KV), prefix })
    const isolateB = createCache({ storage: kvStorage(KV), prefix })
    const db = table({ title: 'v1' })
    await isolateA.query(query, db.load)
    db.write({ title: 'v2' })
    await isolateB.invalidate({ tables: ['posts'] })
    expect(await isolateA.query(query, db.load)).toStrictEqual({ title: 'v2' })
  })

  it('a read that started before a write in another isolate and fills after it is never served', async () => {
    const prefix = uniquePrefix()
    const reader = createCache({ storage: kvStorage(KV), prefix })
    const writer = createCache({ storage: kvStorage(KV), prefix })
    const db = table({ title: 'before' })
    const gate = deferred()
    const loaderStarted = deferred()
    const slowRead = reader.query(query, async () => {
      const rows = await db.load()
      loaderStarted.resolve()
      await gate.promise
      return rows
    })
    await loaderStarted.promise
    db.write({ title: 'after' })
    await writer.invalidate({ tables: ['posts'] })
    gate.resolve()
    expect(await slowRead).toStrictEqual({ title: 'before' })
    await reader.flush()
    expect(await reader.query(query, db.load)).toStrictEqual({ title: 'after' })
  })

  it('clamps ttlSeconds: 1 to KV minimum physically, reports it once, and still expires after 1 s', async () => {
    let now = Date.now()
    const events: CacheEvent[] = []
    const cache = createCache({ storage: kvStorage(KV), prefix: uniquePrefix(), now: () => now, onEvent: (e) => events.push(e) })
    const db = table({ n: 1 })
    await cache.query({ ...query, ttlSeconds: 1 }, db.load)
    await cache.query({ ...query, material: ['other'], ttlSeconds: 1 }, db.load)
    expect(events.filter((e) => e.type === 'clamp')).toStrictEqual([{ type: 'clamp', requestedSeconds: 1, appliedSeconds: 60, storage: 'kv' }])
    expect(await cache.query({ ...query, ttlSeconds: 1 }, db.load)).toStrictEqual({ n: 1 })
    db.write({ n: 2 })
    now += 1500
    expect(await cache.query({ ...query, ttlSeconds: 1 }, db.load)).toStrictEqual({ n: 2 })
  })

  it('de-duplicates 100 concurrent identical misses into one loader call', async () => {
    const cache = createCache({ storage: kvStorage(KV), prefix: uniquePrefix() })
    const db = table([{ id: 1 }])
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.query(query, db.load)))
    expect(db.loads).toBe(1)
    expect(results.every((result) => result[0]?.id === 1)).toBe(true)
  })

  it('hands fills to waitUntil; the entry is there once the context settles', async () => {
    const ctx = createExecutionContext()
    const prefix = uniquePrefix()
    const cache = createCache({ storage: kvStorage(KV), prefix, waitUntil: (p) => ctx.waitUntil(p) })
    const db = table({ v: 1 })
    await cache.query(query, db.load)
    await waitOnExecutionContext(ctx)
    const other = createCache({ storage: kvStorage(KV), prefix })
    expect(await other.query(query, async () => ({ v: 'not cached' }))).toStrictEqual({ v: 1 })
  })

  it('skips values larger than maxValueBytes and serves them from the database', async () => {
    const events: CacheEvent[] = []
    const cache = createCache({ storage: kvStorage(KV, { maxValueBytes: 2048 }), prefix: uniquePrefix(), onEvent: (e) => events.push(e) })
    const big = { body: 'x'.repeat(10_000) }
    expect(await cache.query(query, async () => big)).toStrictEqual(big)
    expect(events).toContainEqual({ type: 'skip', key: expect.any(String), reason: 'oversized' })
  })
})

describe('stamps in KV under the one-write-per-second limit', () => {
  it('coalesces bursts of bumps, retries 429s, and lands the newest stamp', async () => {
    const { namespace, stats } = rateLimitedKvFault(KV)
    const errors: unknown[] = []
    const prefix = uniquePrefix()
    // Stamp writes that wait out the interval run in the background, kept alive by `waitUntil`
    // (without it, each bump waits for its own write: see test/node/no-wait-until.test.ts).
    const ctx = createExecutionContext()
    const cache = createCache({
      storage: kvStorage(namespace),
      prefix,
      waitUntil: (promise) => ctx.waitUntil(promise),
      onEvent: (e) => (e.type === 'error' ? errors.push(e.error) : undefined),
    })
    const db = table({ v: 0 })
    for (let i = 1; i <= 5; i++) {
      db.write({ v: i })
      // One scope, so the puts counted are one key's.
      await cache.invalidate({ scopes: [tableScope('posts')] })
      // This isolate sees its own writes at once, even while the stamp write waits its turn.
      expect(await cache.query(query, db.load)).toStrictEqual({ v: i })
    }
    await waitOnExecutionContext(ctx)
    await cache.flush()
    expect(errors).toStrictEqual([])
    expect(stats.puts).toBeLessThanOrEqual(4)
    // Another isolate (fresh stamp overlay) sees the final state through KV alone.
    const elsewhere = createCache({ storage: kvStorage(KV), prefix })
    db.write({ v: 99 })
    const seen = await elsewhere.query(query, db.load)
    expect(seen).toStrictEqual({ v: 99 })
    const scope = qualifyScope(undefined, tableScope('posts'))
    const stored = await KV.get(stampKey(prefix, scope))
    const local = await storageVersions({ storage: kvStorage(KV), prefix }).read([scope])
    expect(stored).toBe(local[0])
  }, 15_000)

  it('reports an error event when a stamp write runs out of retries (never dropped silently)', async () => {
    const { namespace } = rateLimitedKvFault(KV, { alwaysFail: true })
    const errors: unknown[] = []
    const versions = storageVersions({ storage: kvStorage(namespace), maxRetries: 2, retryBaseMs: 10 })
    const cache = createCache({
      storage: kvStorage(namespace),
      versions,
      onEvent: (e) => (e.type === 'error' ? errors.push(e) : undefined),
    })
    await cache.invalidate({ scopes: [tableScope('posts')] })
    await cache.flush()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ type: 'error', operation: 'versions.bump' })
  }, 15_000)
})

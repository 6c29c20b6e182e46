import { createCache, createMetrics, type KvCost } from '@kvcache/core'
import { deferred, fakeTable, manualClock, tableScope } from '@kvcache/core/testing'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { kvStorage } from '../src'
import { countingKv } from './faults'

const KV = (env as unknown as { KV: KVNamespace }).KV

/** Each test gets its own prefix, so runs never see each other's entries or stamps. */
const uniquePrefix = () => `t${crypto.randomUUID().slice(0, 8)}`

const posts = { material: ['d1', 'select * from posts'], scopes: [tableScope('posts')] }
const users = { material: ['d1', 'select * from users'], scopes: [tableScope('users')] }

type Stats = ReturnType<typeof countingKv>['stats']
/** What the meter saw since `before`, in the shape of a snapshot's `kv` counts. */
const since = (stats: Stats, before: Stats) => ({
  readCalls: stats.readCalls - before.readCalls,
  readKeys: stats.keysRead - before.keysRead,
  writes: stats.writes - before.writes,
  deletes: stats.deletes - before.deletes,
})
const counts = ({ readCalls, readKeys, writes, deletes }: KvCost) => ({ readCalls, readKeys, writes, deletes })

describe('per-request metrics over real KV', () => {
  it("a request's metrics count exactly the KV calls it made, background fill included, and price them", async () => {
    const meter = countingKv(KV)
    // A clock that stands still: the refill below always falls within KV's one write per key per second.
    const cache = createCache({ storage: kvStorage(meter.namespace), prefix: uniquePrefix(), now: manualClock().now })
    const request = async (work: (view: ReturnType<typeof cache.withContext>) => Promise<unknown>) => {
      const before = { ...meter.stats }
      const metrics = createMetrics()
      const ctx = createExecutionContext()
      await work(cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise), onEvent: metrics.onEvent }))
      await waitOnExecutionContext(ctx)
      return { snapshot: metrics.snapshot(), made: since(meter.stats, before) }
    }
    const db = fakeTable(['first'])

    const miss = await request((view) => view.query(posts, db.load))
    expect(counts(miss.snapshot.kv)).toStrictEqual(miss.made)
    expect(miss.made).toStrictEqual({ readCalls: 1, readKeys: 2, writes: 1, deletes: 0 })

    const hit = await request((view) => view.query(posts, db.load))
    expect(counts(hit.snapshot.kv)).toStrictEqual(hit.made)
    expect(hit.made).toStrictEqual({ readCalls: 1, readKeys: 2, writes: 0, deletes: 0 })
    // A hit is one bulk read of two keys: one read, or two if each key is billed.
    expect(hit.snapshot.kv.usd.bulkReadAsOneRead).toBeCloseTo(0.5 / 1e6, 12)
    expect(hit.snapshot.kv.usd.bulkReadPerKey).toBeCloseTo(1 / 1e6, 12)

    db.write(['second'])
    const write = await request(async (view) => {
      await view.invalidate({ tables: ['posts'] })
      expect(await view.query(posts, db.load)).toStrictEqual(['second'])
      await view.delete('some key')
    })
    expect(counts(write.snapshot.kv)).toStrictEqual(write.made)
    // Bump: one bulk read of both stamps, two stamp writes. Read: one bulk read (its refill is
    // paced: KV takes one write per key per second, so none is sent). Delete: one.
    expect(write.made).toStrictEqual({ readCalls: 2, readKeys: 4, writes: 2, deletes: 1 })
    expect(write.snapshot.kv.usd.bulkReadAsOneRead).toBeCloseTo((2 * 0.5 + 3 * 5) / 1e6, 12)
    expect(write.snapshot.totals).toMatchObject({ invalidations: 1, misses: 1, missReasons: { invalidated: 1 }, skipReasons: { 'rate-limited': 1 } })
  })

  it("two concurrent requests' KV calls never mix, and add up to what KV saw", async () => {
    const meter = countingKv(KV)
    const cache = createCache({ storage: kvStorage(meter.namespace), prefix: uniquePrefix() })
    await cache.query(users, fakeTable(['u']).load)
    const before = { ...meter.stats }
    const a = createMetrics()
    const b = createMetrics()
    const loading = deferred<string[]>()
    const slow = cache.withContext({ onEvent: a.onEvent }).query(posts, () => loading.promise)
    expect(await cache.withContext({ onEvent: b.onEvent }).query(users, fakeTable(['never']).load)).toStrictEqual(['u'])
    loading.resolve(['p'])
    expect(await slow).toStrictEqual(['p'])
    const [kvA, kvB] = [counts(a.snapshot().kv), counts(b.snapshot().kv)]
    expect(kvA).toStrictEqual({ readCalls: 1, readKeys: 2, writes: 1, deletes: 0 })
    expect(kvB).toStrictEqual({ readCalls: 1, readKeys: 2, writes: 0, deletes: 0 })
    const made = since(meter.stats, before)
    expect(made).toStrictEqual({ readCalls: kvA.readCalls + kvB.readCalls, readKeys: kvA.readKeys + kvB.readKeys, writes: 1, deletes: 0 })
  })
})

describe('per-table KV cost over real KV', () => {
  it('each read is priced under the tables it depends on; calls of no read count under (unknown)', async () => {
    const meter = countingKv(KV)
    const cache = createCache({ storage: kvStorage(meter.namespace), prefix: uniquePrefix(), now: manualClock().now })
    const metrics = createMetrics()
    const ctx = createExecutionContext()
    const view = cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise), onEvent: metrics.onEvent })
    // `about` labels a binding's read with the tables of its scopes, as every binding does.
    await view.query({ ...posts, about: { binding: 'test' } }, fakeTable(['p']).load)
    await view.query({ ...posts, about: { binding: 'test' } }, fakeTable(['p']).load)
    await view.wrap('feed', fakeTable(['u']).load, { tables: ['users'] })
    await view.invalidate({ tables: ['users'] })
    await waitOnExecutionContext(ctx)
    const { tableKv, kv } = metrics.snapshot()
    expect(counts(tableKv.posts as KvCost)).toStrictEqual({ readCalls: 2, readKeys: 4, writes: 1, deletes: 0 })
    expect(counts(tableKv.users as KvCost)).toStrictEqual({ readCalls: 1, readKeys: 3, writes: 1, deletes: 0 })
    // The invalidation's stamp read and writes belong to no read.
    expect(counts(tableKv['(unknown)'] as KvCost)).toStrictEqual({ readCalls: 1, readKeys: 2, writes: 2, deletes: 0 })
    expect(counts(kv)).toStrictEqual({ readCalls: 4, readKeys: 9, writes: 4, deletes: 0 })
  })
})

import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { createCache, twoTierStorage, type Cache } from '@kvcache/core'
import { cacheApiStorage } from '@kvcache/storage-cache-api'
import { kvStorage } from '@kvcache/storage-kv'
import { describe, expect, it } from 'vitest'
import { durableObjectVersions, type DurableObjectVersionsOptions } from '../src'
import { countingNamespace, countingStorage, eventLog, fakeTable, unique } from './helpers'

const posts = { rows: [{ table: 'posts', pk: 1 }] }

/** A two-tier cache (Cache API L1, KV L2) over the coordinator, every layer counted. */
function setup(options: DurableObjectVersionsOptions = {}) {
  const prefix = unique('cheap')
  const l1 = countingStorage(cacheApiStorage({ cacheName: prefix }))
  const l2 = countingStorage(kvStorage(env.KV))
  const coordinator = countingNamespace(env.KVCACHE_COORDINATOR)
  const versions = durableObjectVersions(coordinator.namespace, { prefix, ...options })
  const cache = createCache({ storage: twoTierStorage({ l1: l1.storage, l2: l2.storage }), prefix, versions })
  const reset = () => (l1.reset(), l2.reset(), coordinator.reset())
  return { cache, l1: l1.calls, l2: l2.calls, rpc: coordinator.calls, reset, prefix }
}

async function request<T>(cache: Cache, work: (view: Cache) => Promise<T>): Promise<T> {
  const ctx = createExecutionContext()
  const result = await work(cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) }))
  await waitOnExecutionContext(ctx)
  return result
}

describe('cheap hits', () => {
  it('an L1 hit is one Cache API call plus one coordinator call; a second lookup in the request skips the call', async () => {
    const { cache, l1, l2, rpc, reset } = setup()
    const table = fakeTable({ title: 'v1' })
    const events = eventLog()
    expect(await request(cache, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v1' })

    reset()
    const hits = await request(cache, async (view) => {
      const traced = view.withContext({ onEvent: events.onEvent })
      const first = await traced.wrap('post', table.load, posts)
      const afterFirst = { l1: l1.get, l2: l2.get + l2.getMany, rpc: rpc.read }
      const second = await traced.wrap('post', table.load, posts)
      return { first, second, afterFirst }
    })
    expect(hits.first).toStrictEqual({ title: 'v1' })
    expect(hits.second).toStrictEqual({ title: 'v1' })
    expect(events.types()).toStrictEqual(['hit', 'hit'])
    expect(hits.afterFirst).toStrictEqual({ l1: 1, l2: 0, rpc: 1 })
    expect({ l1: l1.get, l2: l2.get + l2.getMany, rpc: rpc.read }).toStrictEqual({ l1: 2, l2: 0, rpc: 1 })
    expect(table.loads).toBe(1)
  })

  it("a request's own write is seen by its next lookup (the memo moves with the bump)", async () => {
    const { cache, rpc, reset } = setup()
    const table = fakeTable({ title: 'v1' })
    await request(cache, async (view) => {
      expect(await view.wrap('post', table.load, posts)).toStrictEqual({ title: 'v1' })
      table.write({ title: 'v2' })
      reset()
      await view.invalidate(posts)
      expect(await view.wrap('post', table.load, posts)).toStrictEqual({ title: 'v2' })
      // The bump told the memo the new stamp: no read call was needed to see it.
      expect(rpc).toMatchObject({ bump: 1, read: 0 })
    })
  })

  it('a memo lives for one request: the next request asks again and sees a write made elsewhere', async () => {
    const { cache, rpc, prefix, reset } = setup()
    const other = createCache({ storage: kvStorage(env.KV), prefix, versions: durableObjectVersions(env.KVCACHE_COORDINATOR, { prefix }) })
    const table = fakeTable({ title: 'v1' })
    expect(await request(cache, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v1' })
    table.write({ title: 'v2' })
    await request(other, (view) => view.invalidate(posts))
    reset()
    expect(await request(cache, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v2' })
    expect(rpc.read).toBe(1)
  })

  it('requestMemoSeconds: 0 asks on every lookup; a view older than the memo window asks again', async () => {
    const off = setup({ requestMemoSeconds: 0 })
    const table = fakeTable({ title: 'v1' })
    await request(off.cache, async (view) => {
      for (let i = 0; i < 3; i++) expect(await view.wrap('post', table.load, posts)).toStrictEqual({ title: 'v1' })
    })
    expect(off.rpc.read).toBe(3)

    let now = Date.now()
    const aging = setup({ requestMemoSeconds: 2, now: () => now })
    await request(aging.cache, async (view) => {
      await view.wrap('post', table.load, posts)
      await view.wrap('post', table.load, posts)
      now += 2_000
      await view.wrap('post', table.load, posts)
    })
    expect(aging.rpc.read).toBe(2)
  })

  it('trustSeconds shares stamps across requests of the isolate for that long, and sees its own writes at once', async () => {
    let now = Date.now()
    const { cache, rpc, reset } = setup({ trustSeconds: 5, now: () => now })
    const table = fakeTable({ title: 'v1' })
    expect(await request(cache, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v1' })
    reset()
    expect(await request(cache, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v1' })
    expect(rpc.read).toBe(0)

    table.write({ title: 'v2' })
    await request(cache, (view) => view.invalidate(posts))
    expect(await request(cache, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v2' })
    expect(rpc.read).toBe(0)
    now += 5_000
    expect(await request(cache, (view) => view.wrap('post', table.load, posts))).toStrictEqual({ title: 'v2' })
    expect(rpc.read).toBe(1)
  })
})

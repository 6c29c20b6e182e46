import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { createCache, type Cache, type Storage } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { describe, expect, it } from 'vitest'
import { durableObjectVersions } from '../src'
import { deferred, eventLog, fakeTable, laggingLocationFault, unique } from './helpers'

/** One isolate's cache: its own client, the shared KV and coordinator. */
function isolate(prefix: string, storage: Storage = kvStorage(env.KV), options: { tenant?: string } = {}): Cache {
  return createCache({ storage, prefix, versions: durableObjectVersions(env.KVCACHE_COORDINATOR, { prefix }), ...options })
}

/** Runs `work` as one request: a view with the request's waitUntil, drained before returning. */
async function request<T>(cache: Cache, work: (view: Cache) => Promise<T>): Promise<T> {
  const ctx = createExecutionContext()
  const result = await work(cache.withContext({ waitUntil: (promise) => ctx.waitUntil(promise) }))
  await waitOnExecutionContext(ctx)
  return result
}

describe('strong mode: a write is seen everywhere as soon as it returns', () => {
  it('request B on another instance reads fresh right after request A wrote, even from a lagging KV location; KV stamps may not', async () => {
    const prefix = unique('strong')
    const table = fakeTable({ title: 'draft' })
    const readPost = (view: Cache) => view.wrap('post:1', table.load, { rows: [{ table: 'posts', pk: 1 }] })

    // The KV store, for contrast: B's location still serves the stamps it saw before A's write.
    const kvPrefix = unique('eventual')
    const laggingKv = laggingLocationFault(kvStorage(env.KV), { stampsOnly: true })
    const kvReader = createCache({ storage: laggingKv, prefix: kvPrefix })
    const kvWriter = createCache({ storage: kvStorage(env.KV), prefix: kvPrefix })
    expect(await request(kvReader, readPost)).toStrictEqual({ title: 'draft' })
    await laggingKv.freeze()

    // The coordinator: B's location lags on everything in KV, entries included.
    const laggingEntries = laggingLocationFault(kvStorage(env.KV))
    const reader = isolate(prefix, laggingEntries)
    const writer = isolate(prefix)
    expect(await request(reader, readPost)).toStrictEqual({ title: 'draft' })
    await laggingEntries.freeze()

    table.write({ title: 'published' })
    await request(writer, (view) => view.invalidate({ rows: [{ table: 'posts', pk: 1 }] }))
    await request(kvWriter, (view) => view.invalidate({ rows: [{ table: 'posts', pk: 1 }] }))

    expect(await request(reader, readPost)).toStrictEqual({ title: 'published' })
    // What the KV store's eventual consistency allows (up to ~60 s in production).
    expect(await request(kvReader, readPost)).toStrictEqual({ title: 'draft' })
  })

  it('every read that starts after a write returned sees it (writers and readers on 8 instances); hits resume once writes stop', async () => {
    const prefix = unique('linear')
    const db = { n: 0 }
    const load = async () => ({ n: db.n })
    let committed = 0
    // Readers start a read each time some write returns, while other writes are still under way.
    let writeReturned = deferred()
    const writers = Array.from({ length: 4 }, () => isolate(prefix))
    const readers = Array.from({ length: 4 }, () => isolate(prefix))
    const events = eventLog()
    const read = (cache: Cache) => request(cache, (view) => view.withContext({ onEvent: events.onEvent }).wrap('counter', load, { tables: ['counters'] }))

    const write = async (cache: Cache) => {
      for (let i = 0; i < 10; i++) {
        const n = ++db.n
        await request(cache, (view) => view.invalidate({ tables: ['counters'] }))
        committed = Math.max(committed, n)
        writeReturned.resolve()
        writeReturned = deferred()
      }
    }
    let writing = true
    const stale: string[] = []
    // Each reader reads one after another: lookups of one instance share flights.
    const check = async (cache: Cache) => {
      let reads = 0
      while (writing) {
        await writeReturned.promise
        const floor = committed
        const { n } = await read(cache)
        if (n < floor) stale.push(`read ${n} after write ${floor} returned`)
        reads++
      }
      return reads
    }
    // Every reader has the entry cached and its stamps seen before the first write.
    for (const reader of readers) expect(await read(reader)).toStrictEqual({ n: 0 })
    const checking = Promise.all(readers.map(check))
    await Promise.all(writers.map(write))
    writing = false
    writeReturned.resolve()
    expect((await checking).every((reads) => reads > 0)).toBe(true)
    expect(stale).toStrictEqual([])
    expect(await read(isolate(prefix))).toStrictEqual({ n: 40 })
    // Once writes stop, another instance hits the entry the last read stored.
    events.clear()
    expect(await read(isolate(prefix))).toStrictEqual({ n: 40 })
    expect(events.types()).toContain('hit')
  })

  it('concurrent bumps from many instances never move a stamp backwards', async () => {
    const prefix = unique('bumps')
    const stores = Array.from({ length: 8 }, () => durableObjectVersions(env.KVCACHE_COORDINATOR, { prefix, requestMemoSeconds: 0 }))
    const scopes = [':table:posts', ':row:posts:n1']
    const observed: string[][] = stores.map(() => [])
    await Promise.all(
      stores.map(async (store, i) => {
        for (let round = 0; round < 10; round++) {
          const stamp = await store.bump(scopes)
          const [current] = await store.read(scopes)
          // What this instance reads after its own bump is at least its bump, and never goes down.
          expect((current as string) >= stamp).toBe(true)
          const previous = observed[i]?.at(-1)
          if (previous !== undefined) expect((current as string) >= previous).toBe(true)
          observed[i]?.push(current as string)
        }
      }),
    )
    const [final] = await stores[0]!.read(scopes)
    expect(final).toBe(observed.flat().sort().at(-1))
  })

  it("tenant A's write does not invalidate tenant B, and B's own write does", async () => {
    const prefix = unique('tenants')
    const db = new Map([
      ['acme', { plan: 'free' }],
      ['globex', { plan: 'free' }],
    ])
    const shared = isolate(prefix)
    const readPlan = (tenant: string) =>
      request(shared, (view) => view.withContext({ tenant }).wrap('plan', async () => structuredClone(db.get(tenant)), { tables: ['plans'] }))
    expect(await readPlan('acme')).toStrictEqual({ plan: 'free' })
    expect(await readPlan('globex')).toStrictEqual({ plan: 'free' })

    db.set('acme', { plan: 'pro' })
    db.set('globex', { plan: 'pro' })
    const other = isolate(prefix, kvStorage(env.KV), { tenant: 'acme' })
    await request(other, (view) => view.invalidate({ tables: ['plans'] }))

    expect(await readPlan('acme')).toStrictEqual({ plan: 'pro' })
    // Globex was not invalidated: still its cached row, though the database changed under it.
    expect(await readPlan('globex')).toStrictEqual({ plan: 'free' })
    await request(shared, (view) => view.withContext({ tenant: 'globex' }).invalidate({ tables: ['plans'] }))
    expect(await readPlan('globex')).toStrictEqual({ plan: 'pro' })
  })

  it("works with bookmarks: the writer's bookmark carried to another instance reads fresh, without complaint", async () => {
    const prefix = unique('bookmark')
    const table = fakeTable({ stock: 5 })
    const writer = isolate(prefix)
    const reader = isolate(prefix)
    const events = eventLog()
    const readStock = (view: Cache) => view.wrap('stock', table.load, { rows: [{ table: 'items', pk: 'sku-1' }] })
    expect(await request(reader, readStock)).toStrictEqual({ stock: 5 })

    table.write({ stock: 4 })
    const bookmark = await request(writer, async (view) => {
      await view.invalidate({ rows: [{ table: 'items', pk: 'sku-1' }] })
      return view.bookmark()
    })
    expect(bookmark).not.toBe('')
    const next = await request(reader, async (view) => {
      const session = view.withContext({ bookmark, onEvent: events.onEvent })
      return { stock: await readStock(session), bookmark: session.bookmark() }
    })
    expect(next.stock).toStrictEqual({ stock: 4 })
    expect(next.bookmark >= bookmark).toBe(true)
    expect(events.of('error')).toStrictEqual([])
  })
})

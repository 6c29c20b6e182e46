import { createCache, memoryStorage, twoTierStorage, type CacheEvent, type Storage, type TierEvent } from '@kvcache/core'
import { storageConformance } from '@kvcache/core/testing'
import { kvStorage } from '@kvcache/storage-kv'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { cacheApiStorage } from '../src'

const { KV, DB } = env as unknown as { KV: KVNamespace; DB: D1Database }

/** Counts calls per storage so tests can see which tier answered. */
function counting(inner: Storage) {
  const calls = { get: 0, set: 0, delete: 0 }
  const storage: Storage = {
    ...inner,
    get: (key, context) => {
      calls.get++
      return inner.get(key, context)
    },
    set: (key, value, options) => {
      calls.set++
      return inner.set(key, value, options)
    },
    delete: (key) => {
      calls.delete++
      return inner.delete(key)
    },
  }
  return { storage, calls }
}

/** Fault injection the real Cache API never produces on demand: every call throws. */
function throwingStorageFault(inner: Storage): Storage {
  const fail = () => Promise.reject(new Error('injected tier failure'))
  return { ...inner, name: `${inner.name}-throwing`, get: fail, set: fail, delete: fail }
}

const unique = () => crypto.randomUUID().slice(0, 8)

beforeAll(async () => {
  await DB.exec('CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL)')
})

async function seedPost(title: string) {
  const id = Math.floor(Math.random() * 1e9)
  await DB.prepare('INSERT INTO posts (id, title) VALUES (?, ?)').bind(id, title).run()
  let queries = 0
  return {
    id,
    load: async () => {
      queries++
      return DB.prepare('SELECT id, title FROM posts WHERE id = ?').bind(id).first<{ id: number; title: string }>()
    },
    rename: (next: string) => DB.prepare('UPDATE posts SET title = ? WHERE id = ?').bind(next, id).run(),
    get queries() {
      return queries
    },
  }
}

function setup(options: { l1?: Storage; l2?: Storage; cacheOptions?: { stampTrustSeconds?: number; now?: () => number } } = {}) {
  const l1 = counting(options.l1 ?? cacheApiStorage({ cacheName: `l1-${unique()}` }))
  const l2 = counting(options.l2 ?? kvStorage(KV))
  const tierEvents: TierEvent[] = []
  const events: CacheEvent[] = []
  const storage = twoTierStorage({ l1: l1.storage, l2: l2.storage, onTierEvent: (e) => tierEvents.push(e) })
  const prefix = `tt${unique()}`
  const cache = createCache({ storage, prefix, onEvent: (e) => events.push(e), ...options.cacheOptions })
  return { cache, storage, l1, l2, tierEvents, events, prefix }
}

storageConformance({
  name: 'two-tier (Cache API + KV)',
  create: () => twoTierStorage({ l1: cacheApiStorage({ cacheName: 'conformance-l1' }), l2: kvStorage(KV) }),
})
storageConformance({ name: 'two-tier (memory + KV)', create: () => twoTierStorage({ l1: memoryStorage(), l2: kvStorage(KV) }) })

// The combinator's own behaviour (getMany, stampTrustSeconds, tier failures) is tested in core with
// memory tiers; here it runs with the real Cache API as L1, KV as L2 and D1 as the database.
describe('two-tier through createCache (Cache API L1, KV L2, D1 as the database)', () => {
  it('keeps version stamps in L2 only', () => {
    const { storage } = setup()
    expect(storage.durableTier?.name).toBe('kv')
    expect(storage.capabilities).toMatchObject({ minTtlSeconds: 60, durable: true, reach: 'global', maxBatchGet: 100 })
  })

  it('both miss: the database answers, then both tiers hold the entry', async () => {
    const { cache, l1, l2 } = setup()
    const post = await seedPost('hello')
    const query = { material: ['post', post.id], scopes: [`row:posts:n${post.id}`] }
    expect(await cache.query(query, post.load)).toStrictEqual({ id: post.id, title: 'hello' })
    expect(post.queries).toBe(1)
    expect(l2.calls.set).toBe(1)
    expect(l1.calls.set).toBe(1)
  })

  it('L1 hit: served from the Cache API without reading the entry from KV', async () => {
    const { cache, l2 } = setup()
    const post = await seedPost('cached')
    const query = { material: ['post', post.id], scopes: [] }
    await cache.query(query, post.load)
    const l2Gets = l2.calls.get
    expect(await cache.query(query, post.load)).toStrictEqual({ id: post.id, title: 'cached' })
    expect(l2.calls.get).toBe(l2Gets)
    expect(post.queries).toBe(1)
  })

  it('L2 hit: returned, and promoted to L1 once waitUntil settles', async () => {
    const l2 = kvStorage(KV)
    const first = setup({ l2 })
    const post = await seedPost('promote me')
    const query = { material: ['post', post.id], scopes: [] }
    await first.cache.query(query, post.load)

    // A second isolate: same KV, its own empty L1.
    const l1 = cacheApiStorage({ cacheName: `fresh-l1-${unique()}` })
    const storage = twoTierStorage({ l1, l2 })
    const second = createCache({ storage, prefix: first.prefix })
    const ctx = createExecutionContext()
    const view = second.withContext({ waitUntil: (p) => ctx.waitUntil(p) })
    expect(await view.query(query, post.load)).toStrictEqual({ id: post.id, title: 'promote me' })
    expect(post.queries).toBe(1)
    await waitOnExecutionContext(ctx)
    const entryKeys = (await KV.list({ prefix: `${first.prefix}:e:` })).keys.map((key) => key.name)
    expect(entryKeys).toHaveLength(1)
    expect(await l1.get(entryKeys[0] as string)).not.toBeNull()
  })

  it('a failing L1 still serves from L2 and reports the tier error', async () => {
    const l2 = kvStorage(KV)
    const healthy = setup({ l2 })
    const post = await seedPost('l1 down')
    const query = { material: ['post', post.id], scopes: [] }
    await healthy.cache.query(query, post.load)

    const tierEvents: TierEvent[] = []
    const storage = twoTierStorage({ l1: throwingStorageFault(cacheApiStorage()), l2, onTierEvent: (e) => tierEvents.push(e) })
    const cache = createCache({ storage, prefix: healthy.prefix })
    expect(await cache.query(query, post.load)).toStrictEqual({ id: post.id, title: 'l1 down' })
    expect(post.queries).toBe(1)
    expect(tierEvents.some((e) => e.tier === 'l1' && e.reason === 'error')).toBe(true)
  })

  it('a failing L2 still serves from the database, with an error event', async () => {
    const events: CacheEvent[] = []
    const storage = twoTierStorage({ l1: cacheApiStorage({ cacheName: `l1-${unique()}` }), l2: throwingStorageFault(kvStorage(KV)) })
    const cache = createCache({ storage, onEvent: (e) => events.push(e) })
    const post = await seedPost('l2 down')
    const query = { material: ['post', post.id], scopes: [] }
    expect(await cache.query(query, post.load)).toStrictEqual({ id: post.id, title: 'l2 down' })
    expect(events.some((e) => e.type === 'error')).toBe(true)
  })

  it('invalidation is visible through L1: write, invalidate, read the fresh row', async () => {
    const { cache } = setup()
    const post = await seedPost('old title')
    const query = { material: ['post', post.id], scopes: [`row:posts:n${post.id}`] }
    await cache.query(query, post.load)
    expect(await cache.query(query, post.load)).toStrictEqual({ id: post.id, title: 'old title' })
    await post.rename('new title')
    await cache.invalidate({ rows: [{ table: 'posts', pk: post.id }] })
    // L1 still holds the old bytes; their stamp (checked in L2) says they are dead.
    expect(await cache.query(query, post.load)).toStrictEqual({ id: post.id, title: 'new title' })
  })

  it('table invalidation is visible through L1: the read returns the fresh loader value', async () => {
    const { cache, l1 } = setup()
    const post = await seedPost('before')
    const query = { material: ['posts-table', post.id], scopes: ['table:posts'] }
    await cache.query(query, post.load)
    expect(await cache.query(query, post.load)).toStrictEqual({ id: post.id, title: 'before' })
    await post.rename('after')
    const l1Sets = l1.calls.set
    await cache.invalidate({ tables: ['posts'] })
    expect(l1.calls.set).toBe(l1Sets)
    expect(await cache.query(query, post.load)).toStrictEqual({ id: post.id, title: 'after' })
    expect(post.queries).toBe(2)
  })

  it('a write seen through another isolate is honoured by L1 hits too', async () => {
    const l2 = kvStorage(KV)
    const a = setup({ l2 })
    const post = await seedPost('v1')
    const query = { material: ['post', post.id], scopes: [`row:posts:n${post.id}`] }
    await a.cache.query(query, post.load)
    const b = createCache({ storage: twoTierStorage({ l1: cacheApiStorage({ cacheName: `b-${unique()}` }), l2 }), prefix: a.prefix })
    await post.rename('v2')
    await b.invalidate({ rows: [{ table: 'posts', pk: post.id }] })
    expect(await a.cache.query(query, post.load)).toStrictEqual({ id: post.id, title: 'v2' })
  })

  it('skips L1 for values larger than its limit, keeping them in L2', async () => {
    const { cache, tierEvents, l1, l2 } = setup({ l1: cacheApiStorage({ cacheName: `small-${unique()}`, maxValueBytes: 1024 }) })
    const big = { body: 'x'.repeat(4096) }
    expect(await cache.query({ material: ['big'], scopes: [] }, async () => big)).toStrictEqual(big)
    expect(tierEvents).toContainEqual({ tier: 'l1', key: expect.any(String), reason: 'oversized' })
    expect(l1.calls.set).toBe(0)
    expect(l2.calls.set).toBe(1)
    expect(await cache.query({ material: ['big'], scopes: [] }, async () => ({ body: 'not cached' }))).toStrictEqual(big)
  })
})

// Issue 19: stale-if-error through Drizzle on real D1 + KV. The database really fails (its table is
// renamed away behind the cache); time is the cache's clock, so "aged out" needs no waiting.
import { createCache, type CacheEvent } from '@kvcache/core'
import { manualClock } from '@kvcache/core/testing'
import { kvStorage } from '@kvcache/storage-kv'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { drizzleCache } from '../../src'
import * as schema from './schema'
import { posts } from './schema'
import { behind, DB, KV, resetDatabase } from './setup'

const takeOffline = () => behind('ALTER TABLE posts RENAME TO posts_offline')
const bringBack = () => behind('DROP TABLE IF EXISTS posts', 'ALTER TABLE posts_offline RENAME TO posts')

beforeEach(() => resetDatabase())
afterEach(() => behind('DROP TABLE IF EXISTS posts_offline'))

function setup(options: { staleIfErrorSeconds?: number } = { staleIfErrorSeconds: 600 }) {
  const clock = manualClock()
  const events: CacheEvent[] = []
  const cache = createCache({ storage: kvStorage(KV), prefix: `s${crypto.randomUUID().slice(0, 8)}`, now: clock.now, onEvent: (event) => events.push(event) })
  const kv = drizzleCache(cache, { schema, strategy: 'all', database: `d1-${crypto.randomUUID()}`, ttlSeconds: 10, ...options })
  const db = drizzle(kv.d1(DB), { schema, cache: kv })
  const titleOf = async () => (await db.select({ title: posts.title }).from(posts).where(eq(posts.id, 1)))[0]?.title
  return { clock, events, db, titleOf }
}

describe('staleIfErrorSeconds (Drizzle, D1)', () => {
  it('an entry that aged out answers while D1 fails, says so in an event, and the database answers again once it is back', async () => {
    const { clock, events, titleOf } = setup()
    expect(await titleOf()).toBe('Hello')
    await behind("UPDATE posts SET title = 'changed behind the cache' WHERE id = 1")
    // Served from the cache: the change behind it is not seen.
    expect(await titleOf()).toBe('Hello')
    clock.advanceSeconds(120)
    await takeOffline()

    expect(await titleOf()).toBe('Hello')
    const served = events.filter((event) => event.type === 'stale-if-error')
    expect(served).toHaveLength(1)
    expect(served[0]).toMatchObject({ ageMs: 120_000 })
    expect(String((served[0] as { error: unknown }).error)).toMatch(/posts/)

    await bringBack()
    expect(await titleOf()).toBe('changed behind the cache')
  })

  it('an entry a write invalidated is never served: the error reaches the caller', async () => {
    const { db, events, titleOf } = setup()
    expect(await titleOf()).toBe('Hello')
    await db.update(posts).set({ title: 'Written' }).where(eq(posts.id, 1))
    await takeOffline()
    await expect(titleOf()).rejects.toThrow()
    expect(events.some((event) => event.type === 'stale-if-error')).toBe(false)
    await bringBack()
    expect(await titleOf()).toBe('Written')
  })

  it('past the window, or without the option, the error reaches the caller', async () => {
    const within = setup()
    await within.titleOf()
    within.clock.advanceSeconds(10 + 600 + 1)
    const without = setup({})
    await without.titleOf()
    without.clock.advanceSeconds(60)
    await takeOffline()
    await expect(within.titleOf()).rejects.toThrow()
    await expect(without.titleOf()).rejects.toThrow()
  })

  it('a bad value fails at construction, naming the option', () => {
    expect(() => setup({ staleIfErrorSeconds: -1 })).toThrow(/staleIfErrorSeconds/)
  })
})

// Issue 19: stale-if-error through Kysely on real D1 + KV. The database really fails (its table is
// renamed away behind the cache); time is the cache's clock, so "aged out" needs no waiting.
import type { CacheEvent } from '@kvcache/core'
import { manualClock } from '@kvcache/core/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { cached } from '../../src'
import { behindTheCache, setup } from './setup'

const takeOffline = () => behindTheCache('ALTER TABLE posts RENAME TO posts_offline')
const bringBack = async () => {
  await behindTheCache('DROP TABLE IF EXISTS posts')
  await behindTheCache('ALTER TABLE posts_offline RENAME TO posts')
}
afterEach(() => behindTheCache('DROP TABLE IF EXISTS posts_offline'))

async function cachedTitles(staleIfErrorSeconds: number | undefined, perQuery?: { staleIfErrorSeconds: number }) {
  const clock = manualClock()
  const { db, events } = await setup({
    cacheOptions: { now: clock.now },
    ttlSeconds: 10,
    ...(staleIfErrorSeconds === undefined ? {} : { staleIfErrorSeconds }),
  })
  const query = db.selectFrom('posts').select('title').where('id', '=', 1)
  const title = async () => (await (perQuery ? query.withPlugin(cached({ ttlSeconds: 10, ...perQuery })) : query).executeTakeFirst())?.title
  const served = () => events.filter((event): event is Extract<CacheEvent, { type: 'stale-if-error' }> => event.type === 'stale-if-error')
  return { clock, db, title, served }
}

describe('staleIfErrorSeconds (Kysely, D1)', () => {
  it('an entry that aged out answers while D1 fails, says so in an event, and the database answers again once it is back', async () => {
    const { clock, title, served } = await cachedTitles(600)
    expect(await title()).toBe('Hello')
    await behindTheCache("UPDATE posts SET title = 'changed behind the cache' WHERE id = 1")
    expect(await title()).toBe('Hello')
    clock.advanceSeconds(120)
    await takeOffline()

    expect(await title()).toBe('Hello')
    expect(served()).toHaveLength(1)
    expect(served()[0]).toMatchObject({ ageMs: 120_000 })
    expect(String(served()[0]?.error)).toMatch(/posts/)

    await bringBack()
    expect(await title()).toBe('changed behind the cache')
  })

  it('per query with cached({ staleIfErrorSeconds })', async () => {
    const { clock, title, served } = await cachedTitles(undefined, { staleIfErrorSeconds: 600 })
    expect(await title()).toBe('Hello')
    clock.advanceSeconds(120)
    await takeOffline()
    expect(await title()).toBe('Hello')
    expect(served()).toHaveLength(1)
  })

  it('an entry a write invalidated is never served: the error reaches the caller', async () => {
    const { db, title, served } = await cachedTitles(600)
    expect(await title()).toBe('Hello')
    await db.updateTable('posts').set({ title: 'Written' }).where('id', '=', 1).execute()
    await takeOffline()
    await expect(title()).rejects.toThrow()
    expect(served()).toHaveLength(0)
    await bringBack()
    expect(await title()).toBe('Written')
  })

  it('past the window, or without the option, the error reaches the caller', async () => {
    const within = await cachedTitles(600)
    await within.title()
    within.clock.advanceSeconds(10 + 600 + 1)
    await expect(
      (async () => {
        await takeOffline()
        return within.title()
      })(),
    ).rejects.toThrow()
    await bringBack()
    const without = await cachedTitles(undefined)
    await without.title()
    without.clock.advanceSeconds(60)
    await takeOffline()
    await expect(without.title()).rejects.toThrow()
  })

  it('a bad value fails at construction, naming the option', async () => {
    await expect(cachedTitles(-1)).rejects.toThrow(/staleIfErrorSeconds/)
    expect(() => cached({ staleIfErrorSeconds: Number.NaN })).toThrow(/cached\(\)\.staleIfErrorSeconds/)
  })
})

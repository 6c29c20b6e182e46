import { createCache, memoryStorage } from '@kvcache/core'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { expect, it } from 'vitest'
import readme from '../../README.md?raw'
import exampleSource from './readme-example.ts?raw'
import { database } from './readme-example'
import eventsSource from './readme-events.ts?raw'
import { withCacheLog } from './readme-events'
import { drizzleCache } from '../../src/d1'
import { posts } from './schema'
import { behind, DB, KV, resetDatabase } from './setup'

it('the README shows exactly the example this test runs', () => {
  expect(readme).toContain(exampleSource.trim())
})

itInvalidates('the README example caches D1 reads in KV and serves the fresh row after a write', async () => {
  await resetDatabase()
  const env = { DB, CACHE_KV: KV }
  // Each call is a request of its own: a Drizzle instance with that request's waitUntil.
  const request = async <T>(work: (db: ReturnType<typeof database>) => Promise<T>): Promise<T> => {
    const ctx = createExecutionContext()
    const result = await work(database(env, ctx))
    await waitOnExecutionContext(ctx)
    return result
  }
  await expectFreshAfterWrite({
    read: () => request((db) => db.select({ title: posts.title }).from(posts).orderBy(posts.id)),
    direct: () => drizzle(DB).select({ title: posts.title }).from(posts).orderBy(posts.id),
    changeBehind: () => behind("UPDATE posts SET title = 'behind' WHERE id = 2"),
    write: () => request((db) => db.update(posts).set({ title: 'Hello, again' }).where(eq(posts.id, 1))),
  })
})

it('the README shows exactly the event log example this test runs', () => {
  expect(readme).toContain(eventsSource.trim())
})

it('the README event log shows a miss, then a hit, and a driver that was not wrapped', async () => {
  await resetDatabase()
  const lines: string[] = []
  const cache = createCache({ storage: memoryStorage() })
  const kv = drizzleCache(
    withCacheLog(cache, (line) => lines.push(line)),
    { strategy: 'all', database: 'readme-events' },
  )
  const db = drizzle(kv.d1(DB), { cache: kv })
  await db.select().from(posts)
  await db.select().from(posts)
  expect(lines).toStrictEqual([expect.stringMatching(/^miss \S+ \(absent\)$/), expect.stringMatching(/^hit \S+ \(\d+ ms old\)$/)])
  lines.length = 0
  await drizzle(DB, { cache: drizzleCache(withCacheLog(cache, (line) => lines.push(line))) })
    .select()
    .from(posts)
    .$withCache()
  expect(lines).toStrictEqual([expect.stringMatching(/^\[drizzle\] Drizzle was given the cache but not a wrapped driver.* Fix: Wrap the driver/)])
})

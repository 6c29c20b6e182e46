import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { expect, it } from 'vitest'
import readme from '../../README.md?raw'
import exampleSource from './readme-example.ts?raw'
import { database } from './readme-example'
import { posts } from './schema'
import { DB, KV, resetDatabase } from './setup'

it('the README shows exactly the example this test runs', () => {
  expect(readme).toContain(exampleSource.trim())
})

it('the README example caches D1 reads in KV and serves the fresh row after a write', async () => {
  await resetDatabase()
  const env = { DB, CACHE_KV: KV }
  const ctx = createExecutionContext()
  const db = database(env, ctx)
  const read = () => db.select({ title: posts.title }).from(posts).orderBy(posts.id)
  expect(await read()).toStrictEqual([{ title: 'Hello' }, { title: 'World' }])
  await waitOnExecutionContext(ctx)

  // Changed behind the cache's back: the next read is still the cached one.
  await drizzle(DB).update(posts).set({ title: 'behind' }).where(eq(posts.id, 2))
  const next = createExecutionContext()
  const again = database(env, next)
  expect(await again.select({ title: posts.title }).from(posts).orderBy(posts.id)).toStrictEqual([
    { title: 'Hello' },
    { title: 'World' },
  ])
  // A write through Drizzle invalidates: the next read is fresh.
  await again.update(posts).set({ title: 'Hello, again' }).where(eq(posts.id, 1))
  expect(await again.select({ title: posts.title }).from(posts).orderBy(posts.id)).toStrictEqual([
    { title: 'Hello, again' },
    { title: 'behind' },
  ])
  await waitOnExecutionContext(next)
})

import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { expect, it } from 'vitest'
import readme from '../README.md?raw'
import exampleSource from './readme-example.ts?raw'
import { latestPosts } from './readme-example'

const { KV, DB } = env as unknown as { KV: KVNamespace; DB: D1Database }

it('the README shows exactly the example this test runs', () => {
  expect(readme).toContain(exampleSource.trim())
})

it('the README example caches D1 rows in Cache API + KV and reads a write after invalidation', async () => {
  await DB.exec('CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL)')
  await DB.exec('DELETE FROM posts')
  await DB.prepare('INSERT INTO posts (id, title) VALUES (1, ?)').bind('First').run()
  const appEnv = { CACHE_KV: KV, DB }

  const ctx = createExecutionContext()
  const first = await latestPosts(appEnv, ctx)
  expect(first.posts).toStrictEqual([{ id: 1, title: 'First' }])
  await waitOnExecutionContext(ctx)

  await DB.prepare('INSERT INTO posts (id, title) VALUES (2, ?)').bind('Second').run()
  const next = createExecutionContext()
  expect((await latestPosts(appEnv, next)).posts).toStrictEqual([{ id: 1, title: 'First' }])
  await first.cache.invalidate({ tables: ['posts'] })
  expect((await latestPosts(appEnv, next)).posts).toStrictEqual([
    { id: 2, title: 'Second' },
    { id: 1, title: 'First' },
  ])
  await waitOnExecutionContext(next)
})

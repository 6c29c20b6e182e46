import { createCache } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { drizzle } from 'drizzle-orm/d1'
import { expect, it, vi } from 'vitest'
import readme from '../../README.md?raw'
import { drizzleCache } from '../../src/d1'
import statusSource from './readme-status.ts?raw'
import { readPost } from './readme-status'
import * as schema from './schema'
import { behind, DB, KV, resetDatabase } from './setup'

it('the README shows exactly the per-query status example this test runs', () => {
  expect(readme).toContain(statusSource.trim())
})

it('the README status example logs a miss, then a hit served from the cache', async () => {
  await resetDatabase()
  const debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
  const kv = drizzleCache(createCache({ storage: kvStorage(KV), prefix: `rs${crypto.randomUUID().slice(0, 6)}` }), {
    schema,
    strategy: 'all',
    database: 'readme-status',
  })
  const db = drizzle(kv.d1(DB), { schema, cache: kv })
  expect((await readPost(db, kv, 1))?.title).toBe('Hello')
  await behind("UPDATE posts SET title = 'behind' WHERE id = 1")
  expect((await readPost(db, kv, 1))?.title).toBe('Hello')
  expect(debug.mock.calls.map(([line]) => line)).toStrictEqual([
    '[kvcache] miss (tables: posts)',
    expect.stringMatching(/^\[kvcache\] hit, \d+ ms old \(tables: posts\)$/),
  ])
  debug.mockRestore()
})

import type { Kysely } from 'kysely'
import { expect, it, vi } from 'vitest'
import readme from '../../README.md?raw'
import statusSource from './readme-status.ts?raw'
import { readPost } from './readme-status'
import { behindTheCache, setup } from './setup'

it('the README shows exactly the per-query status example this test runs', () => {
  expect(readme).toContain(statusSource.trim())
})

it('the README status example logs a miss, then a hit served from the cache', async () => {
  const debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
  const { db } = await setup()
  const asReadme = db as unknown as Kysely<import('./readme-schema').Database>
  expect((await readPost(asReadme, 1))?.title).toBe('Hello')
  await behindTheCache("UPDATE posts SET title = 'behind' WHERE id = 1")
  expect((await readPost(asReadme, 1))?.title).toBe('Hello')
  expect(debug.mock.calls.map(([line]) => line)).toStrictEqual([
    '[kvcache] miss (tables: posts)',
    expect.stringMatching(/^\[kvcache\] hit, \d+ ms old \(tables: posts\)$/),
  ])
  debug.mockRestore()
})

import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { expect, it } from 'vitest'
import readme from '../README.md?raw'
import exampleSource from './readme-example.ts?raw'
import { handle } from './readme-example'
import requestCacheSource from './readme-request-cache.ts?raw'
import { handle as handleInOneLine } from './readme-request-cache'

it('the README shows exactly the example this test runs', () => {
  expect(readme).toContain(exampleSource.trim())
})

it('the README example caches in real KV and sees a write after invalidation', async () => {
  const CACHE_KV = (env as unknown as { KV: KVNamespace }).KV
  const db = new Map([[42, { id: 42, name: 'Ada' }]])
  const loadUser = async (id: number) => structuredClone(db.get(id))
  const ctx = createExecutionContext()
  const { user } = await handle({ CACHE_KV }, ctx, loadUser)
  expect(user).toStrictEqual({ id: 42, name: 'Ada' })
  await waitOnExecutionContext(ctx)

  db.set(42, { id: 42, name: 'Ada Lovelace' })
  const next = createExecutionContext()
  const hit = await handle({ CACHE_KV }, next, loadUser)
  expect(hit.user).toStrictEqual({ id: 42, name: 'Ada' })
  await hit.cache.invalidate({ rows: [{ table: 'users', pk: 42 }] })
  const fresh = await handle({ CACHE_KV }, next, loadUser)
  expect(fresh.user).toStrictEqual({ id: 42, name: 'Ada Lovelace' })
  await waitOnExecutionContext(next)
})

it('the README shows exactly the requestCache example this test runs', () => {
  expect(readme).toContain(requestCacheSource.trim())
})

it('the requestCache example: a miss, then a hit on the next request, a fresh value after invalidation', async () => {
  const CACHE_KV = (env as unknown as { KV: KVNamespace }).KV
  const db = new Map([[42, { id: 42, name: 'Ada' }]])
  let loads = 0
  const loadUser = async (id: number) => (loads++, structuredClone(db.get(id)))
  const ctx = createExecutionContext()
  expect((await handleInOneLine({ CACHE_KV }, ctx, loadUser)).user).toStrictEqual({ id: 42, name: 'Ada' })
  await waitOnExecutionContext(ctx)

  db.set(42, { id: 42, name: 'Ada Lovelace' })
  const next = createExecutionContext()
  const hit = await handleInOneLine({ CACHE_KV }, next, loadUser)
  expect([hit.user, loads]).toStrictEqual([{ id: 42, name: 'Ada' }, 1])
  await hit.cache.invalidate({ rows: [{ table: 'users', pk: 42 }] })
  expect((await handleInOneLine({ CACHE_KV }, next, loadUser)).user).toStrictEqual({ id: 42, name: 'Ada Lovelace' })
  await waitOnExecutionContext(next)
})

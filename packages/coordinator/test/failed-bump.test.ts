// Issue 18, coordinator bugs: a bump whose call failed must keep its isolate reading its own write in
// later requests, and no entry may record a proposal that never reached the coordinator. Real
// coordinator and KV in workerd; the fault only makes bump calls throw (an overloaded object).
import { env } from 'cloudflare:workers'
import { createCache, type Cache } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { expect, it } from 'vitest'
import { durableObjectVersions, type CoordinatorNamespaceLike } from '../src'
import { coordinatorFault, fakeTable, unique } from './helpers'

const posts = { tables: ['posts'] }

function isolate(prefix: string, namespace: CoordinatorNamespaceLike, options: { clockAheadMs?: number; retryBaseMs?: number } = {}): Cache {
  const now = () => Date.now() + (options.clockAheadMs ?? 0)
  const versions = durableObjectVersions(namespace, { prefix, timeoutMs: 200, retryBaseMs: options.retryBaseMs ?? 20, maxRetries: 3, now })
  return createCache({ storage: kvStorage(env.KV), prefix, versions, breaker: false, now })
}

/** One request: its own view (and request memo); fills are awaited, since no `waitUntil` is given. */
const request = (cache: Cache) => cache.withContext({})

it("after a failed bump, the writer's next requests read its write until the retry lands, and everyone does after", async () => {
  const prefix = unique('failed-bump')
  const fault = coordinatorFault(env.KVCACHE_COORDINATOR)
  // Retries wait 2 s, 4 s, 8 s: none lands while the test reads.
  const writer = isolate(prefix, fault.namespace, { retryBaseMs: 2_000 })
  const other = isolate(prefix, env.KVCACHE_COORDINATOR)
  const db = fakeTable({ title: 'v1' })
  expect(await request(writer).wrap('post', db.load, posts)).toStrictEqual({ title: 'v1' })
  db.write({ title: 'v1 behind the cache' })
  expect(await request(writer).wrap('post', db.load, posts)).toStrictEqual({ title: 'v1' })

  fault.set('throw', 'bump')
  db.write({ title: 'v2' })
  await request(writer).invalidate(posts)
  for (let i = 0; i < 3; i++) expect(await request(writer).wrap('post', db.load, posts)).toStrictEqual({ title: 'v2' })

  fault.release()
  await writer.flush()
  expect(await request(other).wrap('post', db.load, posts)).toStrictEqual({ title: 'v2' })
  expect(await request(writer).wrap('post', db.load, posts)).toStrictEqual({ title: 'v2' })
}, 20_000)

it('a failed bump from a client whose clock runs 1 s ahead never hides a later write made elsewhere, before or after its retry lands', async () => {
  const prefix = unique('clock-ahead')
  const fault = coordinatorFault(env.KVCACHE_COORDINATOR)
  const a = isolate(prefix, fault.namespace, { clockAheadMs: 1_000, retryBaseMs: 300 })
  const b = isolate(prefix, env.KVCACHE_COORDINATOR)
  const c = isolate(prefix, env.KVCACHE_COORDINATOR)
  const db = fakeTable({ title: 'v0' })
  expect(await request(c).wrap('post', db.load, posts)).toStrictEqual({ title: 'v0' })
  db.write({ title: 'v0 behind the cache' })
  expect(await request(c).wrap('post', db.load, posts)).toStrictEqual({ title: 'v0' })

  // A writes v1; its bump call fails, so its proposal (1 s ahead) reaches no coordinator. A reads v1.
  fault.set('throw', 'bump')
  db.write({ title: 'v1' })
  const writing = request(a)
  await writing.invalidate(posts)
  expect(await writing.wrap('post', db.load, posts)).toStrictEqual({ title: 'v1' })
  // B, with a correct clock, writes v2: the coordinator takes B's lower stamp.
  db.write({ title: 'v2' })
  await request(b).invalidate(posts)

  expect(await request(c).wrap('post', db.load, posts)).toStrictEqual({ title: 'v2' })
  fault.release()
  await a.flush()
  expect(await request(c).wrap('post', db.load, posts)).toStrictEqual({ title: 'v2' })
  expect(await request(a).wrap('post', db.load, posts)).toStrictEqual({ title: 'v2' })
}, 20_000)

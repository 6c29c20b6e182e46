// Issue 18, first store bug: an entry that records a stamp before it has landed in KV is valid again
// once that stamp lands late, after a newer one written elsewhere. Real KV in workerd; the only fake
// parks one stamp put (what a congested network does to production KV).
import { createCache, storageVersions, type CacheEvent } from '@kvcache/core'
import { fakeTable, tableScope } from '@kvcache/core/testing'
import { qualifyScope, stampKey } from '@kvcache/core/storage'
import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { expect, it } from 'vitest'
import { kvStorage } from '../src'
import { heldPutsKvFault } from './faults'

const KV = (env as unknown as { KV: KVNamespace }).KV
const posts = { material: ['select * from posts where id = 1'], scopes: [tableScope('posts')] }

it('a stamp that lands after a newer one never brings back an entry read under it before it landed (writer, reader and a new isolate)', async () => {
  const prefix = `u${crypto.randomUUID().slice(0, 8)}`
  const stamp = stampKey(prefix, qualifyScope(undefined, tableScope('posts')))
  const fault = heldPutsKvFault(KV)
  const storageA = kvStorage(fault.namespace)
  const events: CacheEvent[] = []
  // A hands its background stamp writes to `waitUntil`, as a Worker does (without it, each bump waits for its write).
  const ctx = createExecutionContext()
  const a = createCache({
    storage: storageA,
    prefix,
    versions: storageVersions({ storage: storageA, prefix }),
    waitUntil: (promise) => ctx.waitUntil(promise),
    onEvent: (event) => events.push(event),
  })
  const b = createCache({ storage: kvStorage(KV), prefix })
  const c = createCache({ storage: kvStorage(KV), prefix })
  const db = fakeTable('v0')

  // C caches v0, and a change behind the cache's back proves C is served from KV.
  expect(await c.query(posts, db.load)).toBe('v0')
  db.write('v0 behind the cache')
  expect(await c.query(posts, db.load)).toBe('v0')

  // A writes twice within a second: the second stamp write waits out KV's per-key interval.
  db.write('v1')
  await a.invalidate({ tables: ['posts'] })
  fault.hold((key) => key === stamp)
  db.write('v2')
  await a.invalidate({ tables: ['posts'] })
  // A reads its own write while its stamp is still on its way: fresh, and not stored under it.
  expect(await a.query(posts, db.load)).toBe('v2')
  expect(events.some((event) => event.type === 'skip' && event.reason === 'own-bump-pending')).toBe(true)

  // A's stamp put goes out after its check read and is held in flight; meanwhile B writes v3 and B's newer stamp lands.
  await expect.poll(() => fault.held.length, { timeout: 5_000, interval: 20 }).toBe(1)
  db.write('v3')
  await b.invalidate({ tables: ['posts'] })
  const newer = await KV.get(stamp)
  // Then A's older stamp lands over it: the stamp in KV moved backwards.
  await fault.held[0]?.release()
  expect(((await KV.get(stamp)) as string) < (newer as string)).toBe(true)

  expect(await c.query(posts, db.load)).toBe('v3')
  expect(await createCache({ storage: kvStorage(KV), prefix }).query(posts, db.load)).toBe('v3')
  await a.flush()
  expect(await a.query(posts, db.load)).toBe('v3')
}, 15_000)

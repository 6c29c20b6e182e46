import { createCache, isKvCacheError, storageVersions, type CacheEvent } from '@kvcache/core'
import { tableScope } from '@kvcache/core/testing'
import { byteLength, createStampClock, isStamp, qualifyScope, stampKey } from '@kvcache/core/storage'
import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { fakeTable } from '@kvcache/core/testing'
import { describe, expect, it } from 'vitest'
import { kvStorage } from '../src'
import { countingKv, heldPutsKvFault } from './faults'

const KV = (env as unknown as { KV: KVNamespace }).KV
const uniquePrefix = () => `h${crypto.randomUUID().slice(0, 8)}`
const posts = { material: ['select * from posts'], scopes: [tableScope('posts')] }

const table = fakeTable

function events() {
  const list: CacheEvent[] = []
  return { list, onEvent: (event: CacheEvent) => void list.push(event) }
}

describe('keys on real KV (512-byte limit)', () => {
  it('the longest prefix, tenant and names still fit: everything is cached, nothing trips the breaker', async () => {
    const counting = countingKv(KV)
    const log = events()
    const cache = createCache({ storage: kvStorage(counting.namespace), prefix: 'p'.repeat(64), onEvent: log.onEvent })
    const tenant = cache.withContext({ tenant: '\ud83d\ude00'.repeat(32) })
    const names = ['\u65e5'.repeat(3000), '\ud83d\ude00'.repeat(1000), '\ud800x'.repeat(400), 'n'.repeat(600)]
    for (const [i, name] of names.entries()) {
      // Tags follow the tag rule (well-formed, at most 1024 bytes): the longest one it allows.
      const tag = `${'\u65e5'.repeat(340)}${i}`
      const target = { tables: [name], tags: [tag], rows: [{ table: name, pk: name }] }
      const db = table(`v1-${i}`)
      expect(await tenant.wrap(`k${i}`, db.load, target)).toBe(`v1-${i}`)
      expect(await tenant.wrap(`k${i}`, db.load, target)).toBe(`v1-${i}`)
      expect(db.loads).toBe(1)
      db.write(`v2-${i}`)
      await tenant.invalidate({ tags: [tag] })
      expect(await tenant.wrap(`k${i}`, db.load, target)).toBe(`v2-${i}`)
    }
    expect(log.list.filter((event) => event.type === 'error' || event.type === 'breaker')).toStrictEqual([])
  })

  it('tags that look alike keep separate stamps in KV; ill-formed ones are refused before anything is stored', async () => {
    const prefix = uniquePrefix()
    const cache = createCache({ storage: kvStorage(KV), prefix })
    // A lone surrogate would reach KV's UTF-8 keys as U+FFFD: such tags are refused on both sides.
    for (const bad of ['\ud800', '\udc00']) {
      await expect(cache.wrap('t', async () => 'never', { tags: [bad] })).rejects.toThrow(/tags\[0\]/)
      await expect(cache.invalidate({ tags: [bad] })).rejects.toThrow(/tags\[0\]/)
    }
    const tags = ['\ufffd', '\ufffd\ufffd', '?']
    const dbs = tags.map((_, i) => table(`v1-${i}`))
    // A fresh isolate each time: stamps come from KV alone, not from this isolate's memory of its bumps.
    const read = (i: number) =>
      createCache({ storage: kvStorage(KV), prefix }).wrap(`t${i}`, (dbs[i] as ReturnType<typeof table<string>>).load, { tags: [tags[i] as string] })
    for (let i = 0; i < tags.length; i++) await read(i)
    dbs[0]?.write('v2-0')
    await cache.invalidate({ tags: ['\ufffd'] })
    expect(await Promise.all(tags.map((_, i) => read(i)))).toStrictEqual(['v2-0', 'v1-1', 'v1-2'])
    expect(dbs.map((db) => db.loads)).toStrictEqual([2, 1, 1])
  })

  it('query parameters that differ only in lone surrogates never share an entry', async () => {
    const cache = createCache({ storage: kvStorage(KV), prefix: uniquePrefix() })
    const params = ['\ud800', '\udc00', '\ufffd']
    for (const [i, param] of params.entries()) await cache.query({ material: ['q', param], scopes: [] }, async () => i)
    for (const [i, param] of params.entries()) expect(await cache.query({ material: ['q', param], scopes: [] }, async () => -1)).toBe(i)
  })
})

describe('stamps on real KV, two isolates', () => {
  it('a queued older bump never overwrites a newer stamp the other isolate wrote', async () => {
    const prefix = uniquePrefix()
    const isolateB = createCache({ storage: kvStorage(KV), prefix })
    // Isolate A's clock runs 30 s ahead (within tolerated skew): its stamps outrank B's.
    const isolateA = createCache({ storage: kvStorage(KV), prefix, now: () => Date.now() + 30_000 })
    const reader = createCache({ storage: kvStorage(KV), prefix })
    const key = stampKey(prefix, qualifyScope(undefined, tableScope('posts')))
    const db = table('v1')
    await isolateB.invalidate({ tables: ['posts'] })
    db.write('v2')
    await isolateB.invalidate({ tables: ['posts'] }) // within KV's 1 s per-key limit: queued
    db.write('v3')
    await isolateA.invalidate({ tables: ['posts'] })
    const newer = await KV.get(key)
    expect(await reader.query(posts, db.load)).toBe('v3')

    await isolateB.flush() // B's queued write goes out about a second later
    expect(await KV.get(key)).toBe(newer)
    db.write('v4')
    await createCache({ storage: kvStorage(KV), prefix }).invalidate({ tables: ['posts'] })
    expect(await reader.query(posts, db.load)).toBe('v4')
  }, 15_000)

  it('a stamp put that hangs is bounded and retried; when it finally lands late, the newest stamp is written again', async () => {
    const prefix = uniquePrefix()
    const fault = heldPutsKvFault(KV)
    const key = stampKey(prefix, qualifyScope(undefined, tableScope('posts')))
    const log = events()
    const ctx = createExecutionContext()
    const storage = kvStorage(fault.namespace)
    const writer = createCache({
      storage,
      prefix,
      versions: storageVersions({ storage, prefix, timeoutMs: 100, retryBaseMs: 10 }),
      timeoutMs: 100,
      // Retries run in the background, kept alive by `waitUntil` as in a Worker.
      waitUntil: (promise) => ctx.waitUntil(promise),
      onEvent: log.onEvent,
    })
    const reader = createCache({ storage: kvStorage(KV), prefix })
    const db = table('v1')
    await reader.query(posts, db.load)

    fault.hold((k) => k === key)
    db.write('v2')
    await writer.invalidate({ tables: ['posts'] })
    // Bounded: the invalidation returned while its put is still parked (none has landed yet).
    expect(fault.held.length).toBeGreaterThan(0)
    expect(await KV.get(key)).toBeNull()
    fault.releaseHolds()
    await writer.flush() // the retry lands (after KV's 1 s interval)
    expect(await reader.query(posts, db.load)).toBe('v2')
    db.write('v3')
    await writer.invalidate({ tables: ['posts'] })
    await writer.flush()
    const landed = await KV.get(key)

    await fault.held[0]?.release() // the first, older put finally arrives
    expect(((await KV.get(key)) as string) < (landed as string)).toBe(true)
    await writer.flush()
    // Written again: the newest stamp, or a fresher one (a write that waited goes out with a stamp minted then).
    expect(((await KV.get(key)) as string) >= (landed as string)).toBe(true)
    expect(log.list.some((event) => event.type === 'error' && isKvCacheError(event.error, 'TIMEOUT'))).toBe(false)
  }, 15_000)

  it('a stamp that does not parse is a miss on real KV, reported, and repaired by a bump', async () => {
    const prefix = uniquePrefix()
    const log = events()
    const cache = createCache({ storage: kvStorage(KV), prefix, onEvent: log.onEvent })
    const key = stampKey(prefix, qualifyScope(undefined, tableScope('posts')))
    const db = table('v1')
    await cache.query(posts, db.load)
    await KV.put(key, createStampClock(() => Date.now() + 86_400_000).next()) // a day ahead: not believable
    db.write('v2')
    expect(await cache.query(posts, db.load)).toBe('v2')
    expect(log.list.some((event) => event.type === 'error' && isKvCacheError(event.error, 'CORRUPT_STAMP'))).toBe(true)
    await cache.flush()
    const repaired = await KV.get(key)
    expect(isStamp(repaired)).toBe(true)
    expect(byteLength(repaired as string)).toBe(19)
    db.write('v3')
    expect(await createCache({ storage: kvStorage(KV), prefix }).query(posts, db.load)).toBe('v3')
  }, 15_000)
})

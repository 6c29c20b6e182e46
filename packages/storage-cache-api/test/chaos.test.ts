// The Cache API chaos fake (test-support) does what each fault says, over workerd's real
// `caches.default`, and stands in for the global `caches` that cacheApiStorage looks up per call.
import { chaosCacheApiFake } from '@kvcache/test-support/chaos-cache-api-fake'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cacheApiStorage } from '../src'

/** workerd's default cache (its type here is the DOM's CacheStorage, which has no `default`). */
const real = (globalThis as unknown as { caches: { default: Cache } }).caches.default
const url = () => `https://kvcache.internal/chaos-${crypto.randomUUID()}`
const response = (body: string) => new Response(body, { headers: { 'cache-control': 'max-age=60', 'x-kind': 'test' } })

afterEach(() => vi.unstubAllGlobals())

describe('chaosCacheApiFake over the real Cache API', () => {
  it('passes everything through without a fault', async () => {
    const chaos = chaosCacheApiFake(real, { fault: { kind: 'none' } })
    const key = url()
    await chaos.cache.put(key, response('v'))
    expect(await (await chaos.cache.match(key))?.text()).toBe('v')
    expect(await chaos.cache.delete(key)).toBe(true)
    expect(await real.match(key)).toBeUndefined()
  })

  it('throws on every call, or on writes only', async () => {
    const chaos = chaosCacheApiFake(real, { fault: { kind: 'throw' }, calls: 'writes' })
    const key = url()
    await expect(chaos.cache.put(key, response('v'))).rejects.toThrow(/Cache API write .* failed \(injected by chaosCacheApiFake\)/)
    expect(await chaos.cache.match(key)).toBeUndefined()
    chaos.set({ fault: { kind: 'throw' } })
    await expect(chaos.cache.match(key)).rejects.toThrow(/Cache API read/)
    expect(chaos.stats.thrown).toBe(2)
  })

  it('drops puts and deletes: they resolve and nothing changes', async () => {
    const chaos = chaosCacheApiFake(real, { fault: { kind: 'drop-writes' } })
    const [kept, never] = [url(), url()]
    await real.put(kept, response('kept'))
    await chaos.cache.put(never, response('lost'))
    expect(await chaos.cache.delete(kept)).toBe(true)
    expect(await real.match(never)).toBeUndefined()
    expect(await (await real.match(kept))?.text()).toBe('kept')
  })

  it('serves a copy of the previous response for the window after a put, then the new one', async () => {
    let nowMs = 0
    const chaos = chaosCacheApiFake(real, { fault: { kind: 'stale-reads', forMs: 1000 }, now: () => nowMs })
    const [old, fresh] = [url(), url()]
    await real.put(old, response('v1'))
    await chaos.cache.put(old, response('v2'))
    await chaos.cache.put(fresh, response('new'))
    const stale = await chaos.cache.match(old)
    expect(await stale?.text()).toBe('v1')
    expect(stale?.headers.get('x-kind')).toBe('test')
    // Each read gets its own copy (a body is read once).
    expect(await (await chaos.cache.match(old))?.text()).toBe('v1')
    expect(await chaos.cache.match(fresh)).toBeUndefined()
    nowMs += 1000
    expect(await (await chaos.cache.match(old))?.text()).toBe('v2')
  })

  it('hangs until released; cacheApiStorage uses it once stubbed in as `caches`', async () => {
    const chaos = chaosCacheApiFake(real, { fault: { kind: 'hang' } })
    vi.stubGlobal('caches', chaos.caches)
    const storage = cacheApiStorage({ cacheName: 'any-name-is-the-fake' })
    const key = `chaos-${crypto.randomUUID()}`
    let landed = false
    const write = Promise.resolve(storage.set(key, 'late', { ttlSeconds: 60 })).then(() => (landed = true))
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0))
    expect(landed).toBe(false)
    chaos.heal()
    chaos.release()
    await write
    expect(await storage.get(key)).toBe('late')
    expect(chaos.stats.hung).toBe(1)
  })
})

import { isKvCacheError } from '@kvcache/core'
import { kvCacheError } from '@kvcache/core/storage'
import { storageConformance } from '@kvcache/core/testing'
import { describe, expect, it } from 'vitest'
import { cacheApiStorage } from '../src'

storageConformance({ name: 'cache-api (caches.default)', create: () => cacheApiStorage() })
storageConformance({ name: 'cache-api (named cache)', create: () => cacheApiStorage({ cacheName: 'kvcache-test' }) })

describe('cacheApiStorage', () => {
  it('declares what the Cache API cannot do', () => {
    expect(cacheApiStorage().capabilities).toMatchObject({
      minTtlSeconds: 0,
      maxBatchGet: 1,
      durable: false,
      reach: 'local',
      globalDelete: false,
      listKeys: false,
      maxValueBytes: 512 * 1024 * 1024,
    })
  })

  it('keeps named caches and bases apart', async () => {
    const a = cacheApiStorage({ cacheName: 'kvcache-a' })
    const b = cacheApiStorage({ cacheName: 'kvcache-b' })
    const c = cacheApiStorage({ cacheName: 'kvcache-a', baseUrl: 'https://other.internal/x' })
    await a.set('k', 'from a', { ttlSeconds: 60 })
    expect(await b.get('k')).toBeNull()
    expect(await c.get('k')).toBeNull()
    expect(await a.get('k')).toBe('from a')
  })

  it('stores a TTL as Cache-Control max-age', async () => {
    const storage = cacheApiStorage({ cacheName: 'kvcache-ttl' })
    await storage.set('ttl key', 'v', { ttlSeconds: 42.2 })
    const response = await (await caches.open('kvcache-ttl')).match(`https://kvcache.internal/${encodeURIComponent('ttl key')}`)
    expect(response?.headers.get('cache-control')).toBe('max-age=43')
  })

  it('fails fast on bad options, naming them', () => {
    const messageOf = (make: () => unknown) => {
      try {
        make()
      } catch (error) {
        return isKvCacheError(error) ? `${error.code} ${error.message}` : String(error)
      }
      return 'no error'
    }
    expect(messageOf(() => cacheApiStorage({ baseUrl: 'not a url' }))).toMatch(/^INVALID_OPTION .*`baseUrl`/)
    expect(messageOf(() => cacheApiStorage({ baseUrl: 'ftp://x/' }))).toMatch(/^INVALID_OPTION .*`baseUrl`/)
    expect(messageOf(() => cacheApiStorage({ cacheName: '' }))).toMatch(/^INVALID_OPTION .*`cacheName`/)
    expect(messageOf(() => cacheApiStorage({ maxValueBytes: 0 }))).toMatch(/^INVALID_OPTION .*`maxValueBytes`/)
    expect(messageOf(() => cacheApiStorage({ ttl: 1 } as never))).toMatch(/^UNKNOWN_OPTION .*`ttl`/)
    expect(kvCacheError('INVALID_OPTION', 'x', 'y').message).toBe('[kvcache] [x] y')
  })
})

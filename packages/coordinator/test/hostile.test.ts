import { env } from 'cloudflare:workers'
import { createCache, isKvCacheError, memoryStorage, type Cache } from '@kvcache/core'
import { qualifyScopes, UNKNOWN_STAMP } from '@kvcache/core/storage'
import { describe, expect, it } from 'vitest'
import { durableObjectVersions, type CoordinatorNamespaceLike } from '../src'
import { eventLog, fakeTable, unique } from './helpers'

/** Fault injection: an object that answers like something else (an old or foreign class under the binding). */
function foreignCoordinatorFault(answer: unknown): CoordinatorNamespaceLike {
  return {
    idFromName: (name) => name,
    get: () => ({ read: async () => answer, bump: async () => answer, load: async () => answer }),
  }
}

const hostileNames = ['\ud800', 'a\udc00b', '💥'.repeat(400), 'x'.repeat(20_000), 'with:colon/and/slash', '__proto__', ' ', '\u0000']

describe('hostile input', () => {
  it('any table or key string works through the cache, and invalidation still hits the right entries', async () => {
    const prefix = unique('hostile')
    const versions = durableObjectVersions(env.KVCACHE_COORDINATOR, { prefix, scopeShards: 3 })
    const cache: Cache = createCache({ storage: memoryStorage(), prefix, versions })
    for (const name of hostileNames) {
      const table = fakeTable({ name, n: 1 })
      const target = { tables: [name], rows: [{ table: name, pk: name }] }
      const view = cache.withContext({ tenant: 'tenant-ü' })
      expect(await view.wrap(`key:${name}`, table.load, target)).toStrictEqual({ name, n: 1 })
      table.write({ name, n: 2 })
      expect(await cache.withContext({ tenant: 'tenant-ü' }).wrap(`key:${name}`, table.load, target)).toStrictEqual({ name, n: 1 })
      await cache.withContext({ tenant: 'tenant-ü' }).invalidate({ tables: [name] })
      expect(await cache.withContext({ tenant: 'tenant-ü' }).wrap(`key:${name}`, table.load, target), JSON.stringify(name.slice(0, 20))).toStrictEqual({
        name,
        n: 2,
      })
    }
  })

  it('tags outside the tag rule are refused before any coordinator call; valid odd ones work', async () => {
    const prefix = unique('hostile-tags')
    const versions = durableObjectVersions(env.KVCACHE_COORDINATOR, { prefix })
    const cache: Cache = createCache({ storage: memoryStorage(), prefix, versions })
    for (const tag of ['\ud800', 'a\udc00b', 'x'.repeat(20_000), '', '\u0000', '*']) {
      await expect(cache.wrap('k', async () => 'never', { tags: [tag] })).rejects.toThrow(/tags\[0\]/)
      await expect(cache.invalidate({ tags: [tag] })).rejects.toThrow(/tags\[0\]/)
    }
    for (const tag of ['with:colon/and/slash', '__proto__', ' ', '💥'.repeat(200)]) {
      const table = fakeTable({ tag, n: 1 })
      expect(await cache.wrap(`key:${tag}`, table.load, { tags: [tag] })).toStrictEqual({ tag, n: 1 })
      table.write({ tag, n: 2 })
      expect(await cache.wrap(`key:${tag}`, table.load, { tags: [tag] })).toStrictEqual({ tag, n: 1 })
      await cache.invalidate({ tags: [tag] })
      expect(await cache.wrap(`key:${tag}`, table.load, { tags: [tag] })).toStrictEqual({ tag, n: 2 })
    }
  })

  it('rejects malformed scopes before any call, and the stamps stay as they were', async () => {
    const prefix = unique('direct')
    const store = durableObjectVersions(env.KVCACHE_COORDINATOR, { prefix })
    const good = qualifyScopes('acme', ['table:posts'])
    const before = await store.read(good)
    const bad: [string, unknown[]][] = [
      ['lone surrogate', [':tag:\ud800']],
      ['not qualified', ['table-posts']],
      ['not a string', [42]],
      ['too long', [`:${'x'.repeat(600)}`]],
    ]
    for (const [label, scopes] of bad) {
      for (const call of [() => store.read(scopes as string[]), () => store.bump(scopes as string[])]) {
        const error = await call().catch((thrown: unknown) => thrown)
        expect(isKvCacheError(error, 'UNENCODABLE'), label).toBe(true)
      }
    }
    expect(await durableObjectVersions(env.KVCACHE_COORDINATOR, { prefix, requestMemoSeconds: 0 }).read(good)).toStrictEqual(before)
  })

  it('reads and bumps thousands of scopes, split into calls the object accepts', async () => {
    const store = durableObjectVersions(env.KVCACHE_COORDINATOR, { prefix: unique('many') })
    const scopes = qualifyScopes(
      'acme',
      Array.from({ length: 2_500 }, (_, i) => `row:posts:n${i}`),
    )
    const stamp = await store.bump(scopes)
    const read = await durableObjectVersions(env.KVCACHE_COORDINATOR, { prefix: store.layout.prefix }).read(scopes)
    expect(read).toHaveLength(2_500)
    expect(new Set(read).size).toBeLessThanOrEqual(3)
    expect(read.every((current) => current >= stamp)).toBe(true)
  })

  it('an object answering with something that is not stamps fails the read (the database answers) or reads as unknown', async () => {
    const events = eventLog()
    const table = fakeTable({ n: 1 })
    for (const answer of [{ evil: true }, 'stamp', [1, 2, 3]]) {
      const cache = createCache({ storage: memoryStorage(), versions: durableObjectVersions(foreignCoordinatorFault(answer)), onEvent: events.onEvent })
      expect(await cache.wrap('k', table.load, { tags: ['t'] })).toStrictEqual({ n: 1 })
    }
    expect(events.of('miss').map((event) => event.reason)).toStrictEqual(['error', 'error', 'error'])

    const unknown = durableObjectVersions(foreignCoordinatorFault(['not-a-stamp']))
    expect([...(await unknown.read(qualifyScopes(undefined, ['tag:t'])))]).toStrictEqual([UNKNOWN_STAMP])
  })
})

import { isKvCacheError, type CacheEvent, type CodecExtension } from '@kvcache/core'
import { CACHE_OPTIONS } from '@kvcache/core/storage'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { requestCache, requestCacheOptionNames, splitRequestCacheOptions, type KvNamespaceLike } from '../src'

const { KV } = env as unknown as { KV: KVNamespace }

/**
 * The real KV namespace behind a new object: the memo is keyed by the namespace object, so each
 * test starts with no cache in this isolate (the module state outlives a test, KV's contents don't).
 */
function freshNamespace(): KvNamespaceLike {
  return { get: KV.get.bind(KV) as KvNamespaceLike['get'], put: KV.put.bind(KV), delete: KV.delete.bind(KV) }
}

function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

function failure(run: () => unknown): { code: string; message: string } {
  try {
    run()
  } catch (error) {
    expect(isKvCacheError(error)).toBe(true)
    return error as { code: string; message: string }
  }
  throw new Error('expected a KvCacheError')
}

describe('requestCache: one cache per KV namespace per isolate, a view per request', () => {
  it('two requests share the isolate cache: the second joins the first one in-flight load instead of running its own', async () => {
    const namespace = freshNamespace()
    const [first, second] = [createExecutionContext(), createExecutionContext()]
    const started = gate()
    const release = gate()
    const loads: string[] = []
    const secondEvents: CacheEvent['type'][] = []
    const a = requestCache(namespace, first, { defaultTtlSeconds: 300 }).wrap('joined', async () => {
      loads.push('first')
      started.open()
      await release.opened
      return 'from the first request'
    })
    await started.opened
    const b = requestCache(namespace, second, { defaultTtlSeconds: 300, onEvent: (event) => secondEvents.push(event.type) }).wrap('joined', async () => {
      loads.push('second')
      return 'from the second request'
    })
    release.open()
    expect(await Promise.all([a, b])).toStrictEqual(['from the first request', 'from the first request'])
    expect(loads).toStrictEqual(['first'])
    expect(secondEvents).toContain('joined')
    await Promise.all([waitOnExecutionContext(first), waitOnExecutionContext(second)])
  })

  it("each view's background work goes to its own request's waitUntil: the fill is in KV once that request settled", async () => {
    const namespace = freshNamespace()
    const ctx = createExecutionContext()
    const cache = requestCache(namespace, ctx)
    let loads = 0
    expect(await cache.wrap('filled', async () => ++loads)).toBe(1)
    await waitOnExecutionContext(ctx)
    // Another isolate (a cache built elsewhere: a new namespace object) finds the entry in KV.
    const next = createExecutionContext()
    expect(await requestCache(freshNamespace(), next).wrap('filled', async () => ++loads)).toBe(1)
    expect(loads).toBe(1)
    await waitOnExecutionContext(next)
  })

  it('tenant and onEvent are per request: one view never sees the other tenant nor its events', async () => {
    const namespace = freshNamespace()
    const ctx = createExecutionContext()
    const aEvents: CacheEvent['type'][] = []
    const bEvents: CacheEvent['type'][] = []
    const a = requestCache(namespace, ctx, { tenant: 'a', onEvent: (event) => aEvents.push(event.type) })
    const b = requestCache(namespace, ctx, { tenant: 'b', onEvent: (event) => bEvents.push(event.type) })
    expect(await a.wrap('who', async () => 'a')).toBe('a')
    expect(await b.wrap('who', async () => 'b')).toBe('b')
    expect([a.tenant, b.tenant]).toStrictEqual(['a', 'b'])
    expect(aEvents.filter((type) => type === 'miss')).toHaveLength(1)
    expect(bEvents.filter((type) => type === 'miss')).toHaveLength(1)
    await waitOnExecutionContext(ctx)
  })

  it('a later call with other cache options fails fast naming the option; the same options (or the same extension objects) pass', () => {
    const namespace = freshNamespace()
    const ctx = createExecutionContext()
    const decimal: CodecExtension = { tag: 'test.decimal', test: (value): value is never => false, encode: String, decode: String }
    const options = { defaultTtlSeconds: 300, breaker: { failureThreshold: 3 }, codecExtensions: [decimal], bookmarkSecret: 'sixteen-bytes-secret' }
    requestCache(namespace, ctx, options)
    // Equal values, new objects: the same cache.
    requestCache(namespace, ctx, { ...options, breaker: { failureThreshold: 3 }, codecExtensions: [decimal], tenant: 'other', now: () => 0 })
    const ttl = failure(() => requestCache(namespace, ctx, { ...options, defaultTtlSeconds: 60 }))
    expect(ttl.code).toBe('INVALID_OPTION')
    expect(ttl.message).toContain("Option `defaultTtlSeconds` is 60 here, but this isolate's cache for this KV namespace was built with 300")
    expect(failure(() => requestCache(namespace, ctx, { ...options, prefix: 'other' })).message).toContain('Option `prefix` is other here')
    expect(failure(() => requestCache(namespace, ctx, { ...options, breaker: false })).message).toContain('Option `breaker` is not the one')
    const extensions = failure(() => requestCache(namespace, ctx, { ...options, codecExtensions: [{ ...decimal }] }))
    expect(extensions.message).toContain('Option `codecExtensions` is not the one')
    expect(extensions.message).toContain('create `codecExtensions` once, at module scope')
    // Budgets and admission compare by their fields; a spentUsd callback written inline is the first call's.
    const capped = freshNamespace()
    const budgeted = { budget: { monthlyUsd: 5, spentUsd: () => 1 }, admission: { minMisses: 2 } }
    requestCache(capped, ctx, budgeted)
    requestCache(capped, ctx, { budget: { monthlyUsd: 5, spentUsd: () => 2 }, admission: { minMisses: 2 } })
    expect(failure(() => requestCache(capped, ctx, { ...budgeted, budget: { monthlyUsd: 50 } })).message).toContain('Option `budget` is not the one')
    expect(failure(() => requestCache(capped, ctx, { ...budgeted, admission: { minMisses: 3 } })).message).toContain('Option `admission` is not the one')
    // Left out is different too: the first call asked for 300 s.
    expect(failure(() => requestCache(namespace, ctx)).message).toContain('Option `defaultTtlSeconds` is undefined here')
  })

  it('bad input fails fast with a KvCacheError naming it', () => {
    const ctx = createExecutionContext()
    expect(failure(() => requestCache(undefined as never, ctx)).code).toBe('MISSING_BINDING')
    expect(failure(() => requestCache(freshNamespace(), undefined as never)).message).toContain('`ctx`')
    const typo = failure(() => requestCache(freshNamespace(), ctx, { defaultTtlSecs: 5 } as never))
    expect([typo.code, typo.message]).toStrictEqual(['UNKNOWN_OPTION', expect.stringContaining('Did you mean `defaultTtlSeconds`?')])
    expect(failure(() => requestCache(freshNamespace(), ctx, { storage: {} } as never)).code).toBe('UNKNOWN_OPTION')
    expect(failure(() => requestCache(freshNamespace(), ctx, { waitUntil: () => {} } as never)).code).toBe('UNKNOWN_OPTION')
    expect(failure(() => requestCache(freshNamespace(), ctx, { defaultTtlSeconds: -1 })).message).toContain('`defaultTtlSeconds`')
    expect(failure(() => requestCache(freshNamespace(), ctx, { cacheTtlSeconds: 5 })).message).toContain('`cacheTtlSeconds`')
  })
})

describe('splitRequestCacheOptions: one options object for a binding and its cache', () => {
  it("splits by name: the binding's names to the binding (sourceLagSeconds included), the rest to the cache", () => {
    const { cache, binding } = splitRequestCacheOptions('orm', { strategy: 'all', sourceLagSeconds: 0, defaultTtlSeconds: 300, tenant: 't' }, [
      'strategy',
      'sourceLagSeconds',
    ])
    expect(binding).toStrictEqual({ strategy: 'all', sourceLagSeconds: 0 })
    expect(cache).toStrictEqual({ defaultTtlSeconds: 300, tenant: 't' })
  })

  it('an unknown name fails naming the nearest of either side', () => {
    const cacheSide = failure(() => splitRequestCacheOptions('orm', { defaultTtlSecs: 5 }, ['strategy']))
    expect([cacheSide.code, cacheSide.message]).toStrictEqual([
      'UNKNOWN_OPTION',
      expect.stringMatching(/^\[kvcache\] \[orm\] .*Did you mean `defaultTtlSeconds`\?/),
    ])
    expect(failure(() => splitRequestCacheOptions('orm', { strategi: 'all' }, ['strategy'])).message).toContain('Did you mean `strategy`?')
    expect(failure(() => splitRequestCacheOptions('orm', 5, ['strategy'])).code).toBe('INVALID_OPTION')
  })

  it("knows every createCache option except the two the arguments give, KV's cacheTtlSeconds and the view's bookmark", () => {
    const expected = CACHE_OPTIONS.filter((name) => name !== 'storage' && name !== 'waitUntil')
    expect([...requestCacheOptionNames()].sort()).toStrictEqual([...expected, 'cacheTtlSeconds', 'bookmark'].sort())
  })
})

import { createCache, memoryStorage } from '@kvcache/core'
import { describe, expect, it } from 'vitest'
import { drizzleCache } from '../../src'

const cache = createCache({ storage: memoryStorage() })

describe('drizzleCache options fail at construction, naming the option', () => {
  it.each([
    [{ strategy: 'sometimes' }, /`strategy`/],
    [{ ttlSeconds: 0 }, /`ttlSeconds`/],
    [{ ttlSeconds: Number.NaN }, /`ttlSeconds`/],
    [{ database: '' }, /`database`/],
    [{ database: 42 }, /`database`/],
    [{ views: { v: 'posts' } }, /`views`/],
    [{ onBypass: 'log' }, /`onBypass`/],
    [{ ttl: 60 }, /Unknown option `ttl`\. Did you mean `ttlSeconds`\?/],
    [{ swr: 60 }, /Unknown option `swr`\. Did you mean `swrSeconds`\?/],
    [{ shcema: {} }, /Unknown option `shcema`\. Did you mean `schema`\?/],
    [{ swrSeconds: -1 }, /`swrSeconds` must be a finite number of seconds >= 0/],
    [{ swrSeconds: Number.POSITIVE_INFINITY }, /`swrSeconds`/],
    [{ schema: 'schema' }, /`schema`/],
    [null, /Options must be an object/],
  ])('%j', (options, message) => {
    expect(() => drizzleCache(cache, options as never)).toThrow(message)
  })

  it('accepts a full, valid set', () => {
    expect(() =>
      drizzleCache(cache, { strategy: 'all', ttlSeconds: 30, swrSeconds: 0, database: 'main', views: { v: ['posts'] }, onBypass: () => undefined }),
    ).not.toThrow()
  })
})

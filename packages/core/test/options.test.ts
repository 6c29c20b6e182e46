import { describe, expect, it } from 'vitest'
import { createCache, isKvCacheError, memoryStorage, storageVersions, type CacheOptions, type KvCacheErrorCode } from '../src'

function failure(make: () => unknown): { code: string; message: string } {
  try {
    make()
  } catch (error) {
    if (isKvCacheError(error)) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected a KvCacheError')
}

const storage = memoryStorage()

describe('configuration is validated at construction', () => {
  const cases: [string, () => unknown, KvCacheErrorCode, RegExp][] = [
    ['missing storage', () => createCache({} as CacheOptions), 'MISSING_BINDING', /`storage`/],
    ['unknown option', () => createCache({ storage, ttl: 5 } as unknown as CacheOptions), 'UNKNOWN_OPTION', /`ttl`/],
    ['zero ttl', () => createCache({ storage, defaultTtlSeconds: 0 }), 'INVALID_OPTION', /`defaultTtlSeconds`/],
    ['NaN ttl', () => createCache({ storage, defaultTtlSeconds: Number.NaN }), 'INVALID_OPTION', /`defaultTtlSeconds`/],
    ['negative swr', () => createCache({ storage, defaultSwrSeconds: -1 }), 'INVALID_OPTION', /`defaultSwrSeconds`/],
    ['tenant with colon', () => createCache({ storage, tenant: 'a:b' }), 'INVALID_TENANT', /`tenant`/],
    ['tenant too long', () => createCache({ storage, tenant: 'x'.repeat(129) }), 'INVALID_TENANT', /128 bytes/],
    ['empty tenant', () => createCache({ storage, tenant: '' }), 'INVALID_TENANT', /`tenant`/],
    ['bad prefix', () => createCache({ storage, prefix: 'a:b' }), 'INVALID_OPTION', /`prefix`/],
    ['bad timeout', () => createCache({ storage, timeoutMs: -5 }), 'INVALID_OPTION', /`timeoutMs`/],
    ['bad breaker', () => createCache({ storage, breaker: { failureThreshold: 0 } }), 'INVALID_OPTION', /breaker\.failureThreshold/],
    ['unknown breaker option', () => createCache({ storage, breaker: { threshold: 1 } as never }), 'UNKNOWN_OPTION', /`threshold`/],
    ['waitUntil not a function', () => createCache({ storage, waitUntil: 5 as never }), 'INVALID_OPTION', /`waitUntil`/],
    ['evicting storage for stamps', () => createCache({ storage: memoryStorage({ maxEntries: 10 }) }), 'INVALID_OPTION', /cannot hold version stamps/],
    ['stamp store without storage', () => storageVersions({} as never), 'MISSING_BINDING', /`storage`/],
  ]
  for (const [name, make, code, message] of cases) {
    it(`rejects ${name}`, () => {
      const error = failure(make)
      expect(error.code).toBe(code)
      expect(error.message).toMatch(message)
      expect(error.message.startsWith('[kvcache] [')).toBe(true)
    })
  }

  it('rejects a bad tenant in withContext too', () => {
    const cache = createCache({ storage })
    expect(failure(() => cache.withContext({ tenant: 'has space' })).code).toBe('INVALID_TENANT')
  })

  it('accepts a full valid configuration', () => {
    const cache = createCache({
      storage,
      prefix: 'app-1',
      defaultTtlSeconds: 30,
      defaultSwrSeconds: 10,
      tenant: 'acme',
      timeoutMs: 200,
      breaker: { failureThreshold: 3, openSeconds: 5 },
      stampTrustSeconds: 2,
      onEvent: () => {},
      waitUntil: () => {},
    })
    expect(cache.tenant).toBe('acme')
  })
})

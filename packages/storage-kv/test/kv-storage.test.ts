import { isKvCacheError } from '@kvcache/core'
import { storageConformance } from '@kvcache/core/testing'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { kvStorage } from '../src'
import { rateLimitedKvFault } from './faults'

const KV = (env as unknown as { KV: KVNamespace }).KV

storageConformance({ name: 'kv', create: () => kvStorage(KV) })

describe('kvStorage', () => {
  it('declares KV limits', () => {
    expect(kvStorage(KV).capabilities).toMatchObject({
      minTtlSeconds: 60,
      maxKeyBytes: 512,
      maxValueBytes: 25 * 1024 * 1024,
      maxBatchGet: 100,
      minWriteIntervalMs: 1000,
      durable: true,
      reach: 'global',
    })
  })

  it('raises an expiration below 60 s to KV minimum instead of failing', async () => {
    const storage = kvStorage(KV)
    const key = `ttl-clamp:${crypto.randomUUID()}`
    await storage.set(key, 'v', { ttlSeconds: 1 })
    expect(await storage.get(key)).toBe('v')
    const listed = await KV.list({ prefix: key })
    const expiration = listed.keys[0]?.expiration ?? 0
    const secondsLeft = expiration - Date.now() / 1000
    expect(secondsLeft).toBeGreaterThan(55)
    expect(secondsLeft).toBeLessThanOrEqual(61)
  })

  it('turns KV 429 into a RATE_LIMITED error the core retries', async () => {
    const { namespace } = rateLimitedKvFault(KV)
    const storage = kvStorage(namespace)
    const key = `rl:${crypto.randomUUID()}`
    await storage.set(key, 'first')
    let caught: unknown
    try {
      await storage.set(key, 'second')
    } catch (error) {
      caught = error
    }
    expect(isKvCacheError(caught, 'RATE_LIMITED')).toBe(true)
  })

  it('fails fast on a missing binding and bad options, naming them', () => {
    const codeOf = (make: () => unknown) => {
      try {
        make()
      } catch (error) {
        return isKvCacheError(error) ? `${error.code} ${error.message}` : 'not a KvCacheError'
      }
      return 'no error'
    }
    expect(codeOf(() => kvStorage(undefined as never))).toMatch(/^MISSING_BINDING .*`namespace`/)
    expect(codeOf(() => kvStorage(KV, { cacheTtlSeconds: 10 }))).toMatch(/^INVALID_OPTION .*`cacheTtlSeconds`/)
    expect(codeOf(() => kvStorage(KV, { cacheTtl: 60 } as never))).toMatch(/^UNKNOWN_OPTION .*`cacheTtl`/)
  })
})

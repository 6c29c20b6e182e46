import { env } from 'cloudflare:workers'
import { createCache, isKvCacheError, memoryStorage } from '@kvcache/core'
import { describe, expect, it } from 'vitest'
import { durableObjectVersions, type DurableObjectVersionsOptions } from '../src'
import { eventLog, fakeTable, unique } from './helpers'

const ns = () => env.KVCACHE_COORDINATOR

describe('durableObjectVersions options fail fast, naming the option', () => {
  const cases: [string, () => unknown, string, RegExp][] = [
    ['no namespace', () => durableObjectVersions(undefined as never), 'MISSING_BINDING', /KVCACHE_COORDINATOR/],
    ['a KV namespace instead', () => durableObjectVersions(env.KV as never), 'MISSING_BINDING', /Durable Object namespace/],
    ['unknown option', () => durableObjectVersions(ns(), { shards: 4 } as never), 'UNKNOWN_OPTION', /`shards`/],
    ['zero scopeShards', () => durableObjectVersions(ns(), { scopeShards: 0 }), 'INVALID_OPTION', /`scopeShards`/],
    ['fractional scopeShards', () => durableObjectVersions(ns(), { scopeShards: 1.5 }), 'INVALID_OPTION', /`scopeShards`/],
    ['too many scopeShards', () => durableObjectVersions(ns(), { scopeShards: 65 }), 'INVALID_OPTION', /`scopeShards` must be an integer from 1 to 64/],
    ['string scopeShards', () => durableObjectVersions(ns(), { scopeShards: '2' as never }), 'INVALID_OPTION', /`scopeShards`/],
    ['zero tenantBuckets', () => durableObjectVersions(ns(), { tenantBuckets: 0 }), 'INVALID_OPTION', /`tenantBuckets`/],
    ['NaN tenantBuckets', () => durableObjectVersions(ns(), { tenantBuckets: Number.NaN }), 'INVALID_OPTION', /`tenantBuckets`/],
    ['empty prefix', () => durableObjectVersions(ns(), { prefix: '' }), 'INVALID_OPTION', /`prefix`/],
    ['prefix with a slash', () => durableObjectVersions(ns(), { prefix: 'a/b' }), 'INVALID_OPTION', /`prefix`/],
    ['prefix with a lone surrogate', () => durableObjectVersions(ns(), { prefix: 'kv\ud800' }), 'INVALID_OPTION', /`prefix`/],
    ['unknown location', () => durableObjectVersions(ns(), { locationHint: 'mars' as never }), 'INVALID_OPTION', /`locationHint` must be one of wnam/],
    ['zero timeout', () => durableObjectVersions(ns(), { timeoutMs: 0 }), 'INVALID_OPTION', /`timeoutMs`/],
    ['negative retries', () => durableObjectVersions(ns(), { maxRetries: -1 }), 'INVALID_OPTION', /`maxRetries`/],
    ['zero retry delay', () => durableObjectVersions(ns(), { retryBaseMs: 0 }), 'INVALID_OPTION', /`retryBaseMs`/],
    ['trust window too long', () => durableObjectVersions(ns(), { trustSeconds: 31 }), 'INVALID_OPTION', /`trustSeconds` must be at most 30/],
    ['negative memo', () => durableObjectVersions(ns(), { requestMemoSeconds: -1 }), 'INVALID_OPTION', /`requestMemoSeconds`/],
    ['infinite memo', () => durableObjectVersions(ns(), { requestMemoSeconds: Number.POSITIVE_INFINITY }), 'INVALID_OPTION', /`requestMemoSeconds`/],
    ['clock not a function', () => durableObjectVersions(ns(), { now: 5 as never }), 'INVALID_OPTION', /`now`/],
    ['options not an object', () => durableObjectVersions(ns(), null as never), 'INVALID_OPTION', /Options must be an object/],
  ]
  for (const [label, create, code, message] of cases) {
    it(label, () => {
      let thrown: unknown
      try {
        create()
      } catch (error) {
        thrown = error
      }
      expect(isKvCacheError(thrown, code as never), String(thrown)).toBe(true)
      expect((thrown as Error).message).toMatch(message)
    })
  }

  it('declares strong consistency, and eventual with a trust window', () => {
    expect(durableObjectVersions(ns())).toMatchObject({ name: 'coordinator', consistency: 'strong' })
    expect(durableObjectVersions(ns(), { trustSeconds: 2 })).toMatchObject({ name: 'coordinator+trust2s', consistency: 'eventual' })
    const options: DurableObjectVersionsOptions = { scopeShards: 4, tenantBuckets: 16, locationHint: 'weur', prefix: 'app.v2' }
    expect(durableObjectVersions(ns(), options).layout).toStrictEqual({ prefix: 'app.v2', scopeShards: 4, tenantBuckets: 16 })
  })

  it('a locationHint function returning nonsense fails the read: the database answers and the error is reported', async () => {
    const events = eventLog()
    const versions = durableObjectVersions(ns(), { prefix: unique('hint'), locationHint: (tenant) => (tenant === 'acme' ? ('moon' as never) : 'weur') })
    const cache = createCache({ storage: memoryStorage(), versions, onEvent: events.onEvent })
    const table = fakeTable({ n: 1 })
    expect(await cache.withContext({ tenant: 'acme' }).wrap('k', table.load, { tags: ['t'] })).toStrictEqual({ n: 1 })
    table.write({ n: 2 })
    expect(await cache.withContext({ tenant: 'acme' }).wrap('k', table.load, { tags: ['t'] })).toStrictEqual({ n: 2 })
    expect(String((events.of('error')[0]?.error as Error).message)).toMatch(/`locationHint` returned "moon" for tenant "acme"/)
    // Other tenants get their hint and cache normally.
    const globex = cache.withContext({ tenant: 'globex' })
    expect(await globex.wrap('k', table.load, { tags: ['t'] })).toStrictEqual({ n: 2 })
    table.write({ n: 3 })
    expect(await globex.wrap('k', table.load, { tags: ['t'] })).toStrictEqual({ n: 2 })
  })
})

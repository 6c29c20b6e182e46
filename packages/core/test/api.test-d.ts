// Type tests for the public API (checked by `tsc` in `pnpm typecheck`).
import { expectTypeOf } from 'vitest'
import {
  createCache,
  isKvCacheError,
  memoryStorage,
  type Cache,
  type CacheEvent,
  type KvCacheError,
  type KvCacheErrorCode,
  type ScopeTarget,
  type Storage,
} from '../src'
import * as publicApi from '../src'

declare const storage: Storage
const cache = createCache({ storage })

// Reads keep the loader's type, sync or async.
expectTypeOf(cache.query({ material: ['q'], scopes: [] }, async () => [{ id: 1 }])).toEqualTypeOf<Promise<{ id: number }[]>>()
expectTypeOf(cache.wrap('k', () => 42)).toEqualTypeOf<Promise<number>>()
expectTypeOf(cache.get<{ a: string }>('k')).toEqualTypeOf<Promise<{ a: string } | undefined>>()
expectTypeOf(cache.withContext({ tenant: 't' })).toEqualTypeOf<Cache>()
expectTypeOf(cache.bookmark()).toEqualTypeOf<string>()
expectTypeOf(cache.invalidate).parameter(0).toEqualTypeOf<ScopeTarget>()

// Options are checked: units in names, no positional flags, unknown keys rejected.
// @ts-expect-error ttl is spelled ttlSeconds
createCache({ storage, ttl: 60 })
// @ts-expect-error storage is required
createCache({})
createCache({ storage: memoryStorage(), defaultTtlSeconds: 60, breaker: false, bookmarkSecret: 'x'.repeat(16) })

// Events are a discriminated union.
declare const event: CacheEvent
if (event.type === 'miss') expectTypeOf(event.reason).toEqualTypeOf<import('../src').MissReason>()
if (event.type === 'skip') expectTypeOf(event.key).toEqualTypeOf<string | undefined>()

// Errors narrow by guard and code.
declare const caught: unknown
if (isKvCacheError(caught)) {
  expectTypeOf(caught).toEqualTypeOf<KvCacheError>()
  expectTypeOf(caught.code).toEqualTypeOf<KvCacheErrorCode>()
}

// Targets accept composite keys; per-call option names are checked by type too.
cache.invalidate({ rows: [{ table: 'members', pk: [1, 'a'] }] })
// @ts-expect-error table is spelled tables
void cache.wrap('k', () => 1, { table: ['posts'] })

// The main entry holds what users call; binding and backend helpers live in @kvcache/core/binding and /storage.
expectTypeOf(publicApi).not.toHaveProperty('assertKnownOptions')
expectTypeOf(publicApi).not.toHaveProperty('createStampClock')
expectTypeOf(publicApi).not.toHaveProperty('encodeMaterial')
expectTypeOf(publicApi).not.toHaveProperty('transactionBuffer')
expectTypeOf(publicApi).not.toHaveProperty('rowScope')

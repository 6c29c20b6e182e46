// Type tests for the public API (checked by `tsc` in `pnpm typecheck`).
import type { Cache, Storage } from '@kvcache/core'
import { expectTypeOf } from 'vitest'
import { kvStorage, requestCache, type KvNamespaceLike, type KvStorageOptions } from '../src'

declare const kv: KVNamespace
// A Workers KV binding fits the structural type; the result is a core Storage.
expectTypeOf(kvStorage(kv)).toEqualTypeOf<Storage>()
expectTypeOf<KVNamespace>().toMatchTypeOf<KvNamespaceLike>()
expectTypeOf<KvStorageOptions>().toEqualTypeOf<{ readonly cacheTtlSeconds?: number; readonly maxValueBytes?: number }>()
// @ts-expect-error the binding is required
kvStorage()
// @ts-expect-error units are in the option names
kvStorage(kv, { cacheTtl: 60 })

// requestCache: the KV binding and the request's ctx; a Cache back.
declare const ctx: ExecutionContext
expectTypeOf(requestCache(kv, ctx, { defaultTtlSeconds: 300, tenant: 't', onEvent: () => {} })).toEqualTypeOf<Cache>()
// @ts-expect-error storage comes from the namespace
requestCache(kv, ctx, { storage: kvStorage(kv) })
// @ts-expect-error waitUntil comes from ctx
requestCache(kv, ctx, { waitUntil: () => {} })
// @ts-expect-error the request's ctx is required
requestCache(kv)

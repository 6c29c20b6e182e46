// Type tests for the public API (checked by `tsc` in `pnpm typecheck`).
import type { Storage } from '@kvcache/core'
import { expectTypeOf } from 'vitest'
import { kvStorage, type KvNamespaceLike, type KvStorageOptions } from '../src'

declare const kv: KVNamespace
// A Workers KV binding fits the structural type; the result is a core Storage.
expectTypeOf(kvStorage(kv)).toEqualTypeOf<Storage>()
expectTypeOf<KVNamespace>().toMatchTypeOf<KvNamespaceLike>()
expectTypeOf<KvStorageOptions>().toEqualTypeOf<{ readonly cacheTtlSeconds?: number; readonly maxValueBytes?: number }>()
// @ts-expect-error the binding is required
kvStorage()
// @ts-expect-error units are in the option names
kvStorage(kv, { cacheTtl: 60 })

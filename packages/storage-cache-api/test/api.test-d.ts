// Type tests for the public API (checked by `tsc` in `pnpm typecheck`).
import type { Storage } from '@kvcache/core'
import { expectTypeOf } from 'vitest'
import { cacheApiStorage, type CacheApiStorageOptions } from '../src'

expectTypeOf(cacheApiStorage()).toEqualTypeOf<Storage>()
expectTypeOf(cacheApiStorage).parameter(0).toEqualTypeOf<CacheApiStorageOptions | undefined>()
expectTypeOf<CacheApiStorageOptions['noTtlMaxAgeSeconds']>().toEqualTypeOf<number | undefined>()
// @ts-expect-error units are in the option names
cacheApiStorage({ maxAge: 60 })

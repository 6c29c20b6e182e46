// Type tests for the public API (checked by `tsc` in `pnpm typecheck`).
import type { Cache } from '@kvcache/core'
import { drizzle as drizzleD1 } from 'drizzle-orm/d1'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { Cache as DrizzleCache } from 'drizzle-orm/cache/core'
import type pg from 'pg'
import { expectTypeOf } from 'vitest'
import { drizzleCache, KvDrizzleCache, type DrizzleCacheOptions } from '../src'

declare const cache: Cache
declare const d1: D1Database
declare const pool: pg.Pool

const kv = drizzleCache(cache, { strategy: 'all', ttlSeconds: 60 })
expectTypeOf(kv).toEqualTypeOf<KvDrizzleCache>()
expectTypeOf(kv).toMatchTypeOf<DrizzleCache>()

// Driver wrappers hand back the driver's own type, so drizzle() infers exactly as without us.
expectTypeOf(kv.d1(d1)).toEqualTypeOf<D1Database>()
expectTypeOf(kv.pg(pool)).toEqualTypeOf<pg.Pool>()
drizzleD1(kv.d1(d1), { cache: kv })
drizzlePg({ client: kv.pg(pool), cache: kv })

// Options: a closed set with units in the names.
expectTypeOf<DrizzleCacheOptions['strategy']>().toEqualTypeOf<'explicit' | 'all' | undefined>()
// @ts-expect-error strategy is 'explicit' or 'all'
drizzleCache(cache, { strategy: 'sometimes' })
// @ts-expect-error ttl is spelled ttlSeconds
drizzleCache(cache, { ttl: 60 })

// Type tests for the public API (checked by `tsc` in `pnpm typecheck`).
import type { Cache } from '@kvcache/core'
import { drizzle as drizzleD1 } from 'drizzle-orm/d1'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { Cache as DrizzleCache, type MutationOption } from 'drizzle-orm/cache/core'
import type pg from 'pg'
import { expectTypeOf } from 'vitest'
import { drizzleCache, KvDrizzleCache, type DrizzleCacheOptions } from '../src'
import { drizzleCache as d1Cache } from '../src/d1'
import { drizzleCache as libsqlCache } from '../src/libsql'
import { drizzleCache as pgCache } from '../src/pg'

declare const cache: Cache
declare const d1: D1Database
declare const pool: pg.Pool

const kv = drizzleCache(cache, { strategy: 'all', ttlSeconds: 60, swrSeconds: 30 })
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
// `db.$cache.invalidate` is the binding's own (it fails on unknown tables; Drizzle's notifications go to onMutate).
expectTypeOf(kv.invalidate).toEqualTypeOf<(params: MutationOption) => Promise<void>>()

// Per-driver entries: the same factory, with that driver's wrapper only.
const d1Only = d1Cache(cache, { strategy: 'all' })
expectTypeOf(d1Only).toMatchTypeOf<DrizzleCache>()
drizzleD1(d1Only.d1(d1), { cache: d1Only })
// @ts-expect-error @kvcache/drizzle/d1 has no node-postgres wrapper
d1Only.pg(pool)
const pgOnly = pgCache(cache, { database: 'main' })
drizzlePg({ client: pgOnly.pg(pool), cache: pgOnly })
// @ts-expect-error @kvcache/drizzle/pg has no D1 wrapper
pgOnly.d1(d1)
// @ts-expect-error @kvcache/drizzle/libsql has no D1 wrapper
libsqlCache(cache).d1(d1)

/**
 * `@kvcache/drizzle/d1`: the Drizzle binding with the D1 wrapper only, so a Worker bundles
 * no other driver's code nor another database's catalog reader. Same API as `@kvcache/drizzle`,
 * with `kv.d1()` only.
 */
import type { Cache } from '@kvcache/core'
import { KvDrizzleCacheBase, type DrizzleCacheOptions } from './binding'
import { attachD1, type D1DatabaseLike } from './d1-driver'

export { KvDrizzleCacheBase } from './binding'
export type { DrizzleCacheOptions, Session, Statement } from './binding'
export type { D1DatabaseLike } from './d1-driver'
export { schemaCatalog } from './schema-catalog'
export { ttlSecondsOf } from './cache-config'

/** The Drizzle binding with the D1 wrapper only. */
export class KvDrizzleD1Cache extends KvDrizzleCacheBase {
  /** Wraps a D1 binding: `drizzle(kv.d1(env.DB), { schema, cache: kv })`. */
  d1<T extends D1DatabaseLike>(database: T): T {
    return attachD1(this, database)
  }
}

/**
 * The Drizzle binding for D1.
 *
 * @example
 * const kv = drizzleCache(cache, { schema })
 * const db = drizzle(kv.d1(env.DB), { schema, cache: kv })
 */
export function drizzleCache(cache: Cache, options: DrizzleCacheOptions = {}): KvDrizzleD1Cache {
  return new KvDrizzleD1Cache(cache, options)
}

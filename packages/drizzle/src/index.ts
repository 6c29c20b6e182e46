import type { Cache } from '@kvcache/core'
import { KvDrizzleCache, type DrizzleCacheOptions } from './binding'

export { KvDrizzleCache } from './binding'
export type { DrizzleCacheOptions, Session, Statement } from './binding'
export type { D1DatabaseLike } from './d1'
export type { LibsqlClientLike } from './libsql'
export type { PgQueryable } from './pg'
export { schemaCatalog } from './schema-catalog'
export { ttlSecondsOf } from './ttl'
/** @deprecated Use `readStatement` from `@kvcache/core/sql`. */
export { readStatement as shapeOf } from '@kvcache/core/sql'
export type { StatementShape } from '@kvcache/core/sql'

/**
 * The Drizzle binding: a Drizzle `Cache` plus driver wrappers.
 *
 * @example
 * const kv = drizzleCache(cache.withContext({ waitUntil: (p) => ctx.waitUntil(p) }), { schema })
 * const db = drizzle(kv.d1(env.DB), { schema, cache: kv })
 */
export function drizzleCache(cache: Cache, options: DrizzleCacheOptions = {}): KvDrizzleCache {
  return new KvDrizzleCache(cache, options)
}

/**
 * `@kvcache/drizzle/libsql`: the Drizzle binding with the libSQL / Turso wrapper only, so a Worker bundles
 * no other driver's code nor another database's catalog reader. Same API as `@kvcache/drizzle`,
 * with `kv.libsql()` only.
 */
import type { Cache } from '@kvcache/core'
import { KvDrizzleCacheBase, type DrizzleCacheOptions } from './binding'
import { attachLibsql, type LibsqlClientLike } from './libsql-driver'

export { KvDrizzleCacheBase } from './binding'
export type { DrizzleCacheOptions, Session, Statement } from './binding'
export type { LibsqlClientLike } from './libsql-driver'
export { schemaCatalog } from './schema-catalog'
export { ttlSecondsOf } from './cache-config'

/** The Drizzle binding with the libSQL / Turso wrapper only. */
export class KvDrizzleLibsqlCache extends KvDrizzleCacheBase {
  /** Wraps a libSQL / Turso client: `drizzle({ client: kv.libsql(client), schema, cache: kv })`. */
  libsql<T extends LibsqlClientLike>(client: T): T {
    return attachLibsql(this, client)
  }
}

/**
 * The Drizzle binding for libSQL / Turso.
 *
 * @example
 * const kv = drizzleCache(cache, { schema })
 * const db = drizzle({ client: kv.libsql(client), schema, cache: kv })
 */
export function drizzleCache(cache: Cache, options: DrizzleCacheOptions = {}): KvDrizzleLibsqlCache {
  return new KvDrizzleLibsqlCache(cache, options)
}

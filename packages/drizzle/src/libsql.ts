/**
 * `@kvcache/drizzle/libsql`: the Drizzle binding with the libSQL / Turso wrapper only, so a Worker bundles
 * no other driver's code nor another database's catalog reader. Same API as `@kvcache/drizzle`,
 * with `kv.libsql()` only.
 */
import type { Cache } from '@kvcache/core'
import { KvDrizzleCacheBase, type DrizzleCacheOptions } from './binding'
import { oneLineBinding, type DrizzleKvOptions, type KvNamespaceLike, type WaitUntilContext } from './one-line'
import { attachLibsql, type LibsqlClientLike } from './libsql-driver'

export { KvDrizzleCacheBase } from './binding'
export type { DrizzleCacheOptions, Session, Statement } from './binding'
export type { DrizzleKvOptions, KvNamespaceLike, WaitUntilContext } from './one-line'
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

/**
 * The one-line setup: the binding on this isolate's cache for a KV namespace (built by the first
 * request from its options, shared by every request after it), seen by this request (its
 * `waitUntil`). Options are the binding's and the cache's in one object; a later request asking
 * for other cache options fails fast naming the option. `drizzleCache(cache, options)` is the
 * explicit form, for a cache you build yourself.
 *
 * @example
 * const kv = drizzleKv(env.CACHE_KV, ctx, { schema, strategy: 'all' })
 * const db = drizzle({ client: kv.libsql(client), schema, cache: kv })
 */
export function drizzleKv(namespace: KvNamespaceLike, ctx: WaitUntilContext, options: DrizzleKvOptions = {}): KvDrizzleLibsqlCache {
  return oneLineBinding(namespace, ctx, options, (cache, bindingOptions) => new KvDrizzleLibsqlCache(cache, bindingOptions))
}

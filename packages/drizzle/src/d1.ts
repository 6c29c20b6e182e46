/**
 * `@kvcache/drizzle/d1`: the Drizzle binding with the D1 wrapper only, so a Worker bundles
 * no other driver's code nor another database's catalog reader. Same API as `@kvcache/drizzle`,
 * with `kv.d1()` only.
 */
import type { Cache } from '@kvcache/core'
import { KvDrizzleCacheBase, type DrizzleCacheOptions } from './binding'
import { oneLineBinding, type DrizzleKvOptions, type KvNamespaceLike, type WaitUntilContext } from './one-line'
import { attachD1, type D1DatabaseLike } from './d1-driver'

export { KvDrizzleCacheBase } from './binding'
export type { DrizzleCacheOptions, Session, Statement } from './binding'
export type { DrizzleKvOptions, KvNamespaceLike, WaitUntilContext } from './one-line'
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

/**
 * The one-line setup: the binding on this isolate's cache for a KV namespace (built by the first
 * request from its options, shared by every request after it), seen by this request (its
 * `waitUntil`). Options are the binding's and the cache's in one object; a later request asking
 * for other cache options fails fast naming the option. `drizzleCache(cache, options)` is the
 * explicit form, for a cache you build yourself.
 *
 * @example
 * const kv = drizzleKv(env.CACHE_KV, ctx, { schema, strategy: 'all' })
 * const db = drizzle(kv.d1(env.DB), { schema, cache: kv })
 */
export function drizzleKv(namespace: KvNamespaceLike, ctx: WaitUntilContext, options: DrizzleKvOptions = {}): KvDrizzleD1Cache {
  return oneLineBinding(namespace, ctx, options, (cache, bindingOptions) => new KvDrizzleD1Cache(cache, bindingOptions))
}

import type { Cache } from '@kvcache/core'
import { KvDrizzleCacheBase, type DrizzleCacheOptions } from './binding'
import { oneLineBinding, type DrizzleKvOptions, type KvNamespaceLike, type WaitUntilContext } from './one-line'
import { attachD1, type D1DatabaseLike } from './d1-driver'
import { attachLibsql, type LibsqlClientLike } from './libsql-driver'
import { attachPg, type PgQueryable } from './pg-driver'

export { KvDrizzleCacheBase } from './binding'
export type { DrizzleCacheOptions, Session, Statement } from './binding'
export type { DrizzleKvOptions, KvNamespaceLike, WaitUntilContext } from './one-line'
export type { D1DatabaseLike } from './d1-driver'
export type { LibsqlClientLike } from './libsql-driver'
export type { PgQueryable } from './pg-driver'
export { schemaCatalog } from './schema-catalog'
export { ttlSecondsOf } from './cache-config'
/** @deprecated Use `readStatement` from `@kvcache/core/sql`. */
export { readStatement as shapeOf } from '@kvcache/core/sql'
export type { StatementShape } from '@kvcache/core/sql'

/**
 * The Drizzle side of @kvcache: a Drizzle `Cache` (for `$withCache()` opt-ins and
 * `db.$cache.invalidate()`), plus driver wrappers (`d1()`, `pg()`, `libsql()`) that see every
 * statement, so batches, raw SQL, relational queries and subqueries are handled too. What each
 * statement means comes from `@kvcache/core/sql`, with the database's own catalog. A Worker that
 * uses one driver bundles less with `@kvcache/drizzle/d1` (or `/pg`, `/libsql`): same API, one wrapper.
 */
export class KvDrizzleCache extends KvDrizzleCacheBase {
  /** Wraps a D1 binding: `drizzle(kv.d1(env.DB), { cache: kv })`. */
  d1<T extends D1DatabaseLike>(database: T): T {
    return attachD1(this, database)
  }

  /** Wraps a node-postgres Pool or Client: `drizzle({ client: kv.pg(pool), cache: kv })`. */
  pg<T extends PgQueryable>(client: T): T {
    return attachPg(this, client)
  }

  /** Wraps a libSQL / Turso client: `drizzle({ client: kv.libsql(client), cache: kv })`. */
  libsql<T extends LibsqlClientLike>(client: T): T {
    return attachLibsql(this, client)
  }
}

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
export function drizzleKv(namespace: KvNamespaceLike, ctx: WaitUntilContext, options: DrizzleKvOptions = {}): KvDrizzleCache {
  return oneLineBinding(namespace, ctx, options, (cache, bindingOptions) => new KvDrizzleCache(cache, bindingOptions))
}

import type { Cache } from '@kvcache/core'
import { introspectPostgres, introspectSqlite } from '@kvcache/core/sql'
import type { KyselyCacheOptions } from './binding'
import { cachedDialect } from './dialect'
import type { DialectLike } from './kysely-types'
import { oneLineDialect, type KvNamespaceLike, type KyselyKvOptions, type WaitUntilContext } from './one-line'

export type { KyselyCacheOptions } from './binding'
export type { KvNamespaceLike, KyselyKvOptions, WaitUntilContext } from './one-line'
export { cached, uncached } from './control'
export { cacheStatus, withStatus } from './status'
export type { ExecutableQuery } from './status'
export type { QueryStatus } from '@kvcache/core'
export { d1Sessions } from './d1-sessions'
export type { D1Sessions, D1SessionsLike, SessionBookmark } from './d1-sessions'
export type { CachedOptions } from './control'
export { kyselyCacheInvalidate } from './invalidate'
export type { KyselyInvalidation, KyselyLike } from './invalidate'
export { NODE_ROLES } from './kinds'
export type { KnownNodeKind, NodeRole } from './kinds'
export type { DialectLike, DriverLike, DatabaseConnectionLike, KyselyPluginLike } from './kysely-types'

const ENTRY = { name: '@kvcache/kysely', introspectors: { sqlite: introspectSqlite, postgres: introspectPostgres } }

/**
 * A Kysely dialect whose reads are served from the cache and whose writes invalidate it. Reads
 * SQLite (D1, libSQL) and PostgreSQL catalogs; a Worker with one database bundles less with
 * `@kvcache/kysely/sqlite` or `@kvcache/kysely/postgres` (same function, one catalog reader).
 *
 * @example
 * const db = new Kysely<Database>({ dialect: kyselyCache(new D1Dialect({ database: env.DB }), cache) })
 */
export function kyselyCache<D extends DialectLike>(dialect: D, cache: Cache, options: KyselyCacheOptions = {}): D {
  return cachedDialect(dialect, cache, options, ENTRY)
}

/**
 * The one-line setup: `kyselyCache` on this isolate's cache for a KV namespace (built by the
 * first request from its options, shared by every request after it), seen by this request (its
 * `waitUntil`). Options are the binding's and the cache's in one object; a later request asking
 * for other cache options fails fast naming the option.
 *
 * @example
 * const db = new Kysely<Database>({ dialect: kyselyKv(new D1Dialect({ database: env.DB }), env.CACHE_KV, ctx, { strategy: 'all' }) })
 */
export function kyselyKv<D extends DialectLike>(dialect: D, namespace: KvNamespaceLike, ctx: WaitUntilContext, options: KyselyKvOptions = {}): D {
  return oneLineDialect(dialect, namespace, ctx, options, ENTRY)
}

/**
 * `@kvcache/kysely/postgres`: `kyselyCache` for PostgreSQL (Hyperdrive, node-postgres) dialects only, so a
 * Worker bundles only that database's catalog reader. Otherwise the same API as `@kvcache/kysely`.
 */
import type { Cache } from '@kvcache/core'
import { introspectPostgres } from '@kvcache/core/sql'
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
export type { CachedOptions } from './control'
export { kyselyCacheInvalidate } from './invalidate'
export type { KyselyInvalidation, KyselyLike } from './invalidate'
export type { DialectLike, DriverLike, DatabaseConnectionLike, KyselyPluginLike } from './kysely-types'

const ENTRY = { name: '@kvcache/kysely/postgres', introspectors: { postgres: introspectPostgres } }

/**
 * A Kysely dialect for PostgreSQL (Hyperdrive, node-postgres) whose reads are served from the cache and whose writes
 * invalidate it. A dialect of another database whose catalog would be read fails at once,
 * naming the entry to use.
 *
 * @example
 * const db = new Kysely<Database>({ dialect: kyselyCache(new PostgresDialect({ pool }), cache) })
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
 * const db = new Kysely<Database>({ dialect: kyselyKv(new PostgresDialect({ pool }), env.CACHE_KV, ctx, { strategy: 'all', database: 'main' }) })
 */
export function kyselyKv<D extends DialectLike>(dialect: D, namespace: KvNamespaceLike, ctx: WaitUntilContext, options: KyselyKvOptions = {}): D {
  return oneLineDialect(dialect, namespace, ctx, options, ENTRY)
}

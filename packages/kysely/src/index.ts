import type { Cache } from '@kvcache/core'
import { introspectPostgres, introspectSqlite } from '@kvcache/core/sql'
import type { KyselyCacheOptions } from './binding'
import { cachedDialect } from './dialect'
import type { DialectLike } from './kysely-types'

export type { KyselyCacheOptions } from './binding'
export { cached, uncached } from './control'
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

import type { Cache } from '@kvcache/core'
import { assertKnownOptions, assertPositive, kvCacheError } from '@kvcache/core/internal'
import type { CatalogFacts } from '@kvcache/core/sql'
import type { BindingConfig } from './binding'
import { kyselyCatalog, type Introspectors } from './catalog'
import { wrapDriver } from './driver'
import { flavourOf } from './flavour'
import type { DialectLike } from './kysely-types'

/** Options for `kyselyCache`. */
export interface KyselyCacheOptions {
  /** `explicit`: only reads marked with `cached()` are cached. `all`: every read, except `uncached()` ones. @default 'explicit' */
  readonly strategy?: 'explicit' | 'all'
  /** Identifies the database in cache keys, so two databases sharing a cache never share entries. @default 'default' */
  readonly database?: string
  /** Freshness of cached reads without `cached({ ttlSeconds })`, in seconds. @default the cache's `defaultTtlSeconds` */
  readonly ttlSeconds?: number
  /** Stale-while-revalidate window of cached reads, in seconds. @default the cache's `defaultSwrSeconds` */
  readonly swrSeconds?: number
  /**
   * Read the database's catalog (primary keys, foreign-key actions, views, triggers) once per
   * isolate, for row-level scopes and cascades. `false`: use only what `schema` declares. @default true
   */
  readonly catalog?: boolean
  /** Facts to add to (or, with `catalog: false`, use instead of) the database's catalog: `{ tables, foreignKeys, views, triggers }`. */
  readonly schema?: CatalogFacts
}

const where = 'kysely'
const KNOWN = ['strategy', 'database', 'ttlSeconds', 'swrSeconds', 'catalog', 'schema'] as const satisfies readonly (keyof KyselyCacheOptions)[]
const DIALECT_METHODS = ['createDriver', 'createQueryCompiler', 'createAdapter', 'createIntrospector'] as const

/** An entry point of this package: its name and the catalogs it can read. */
export interface KyselyEntry {
  /** `@kvcache/kysely`, `@kvcache/kysely/sqlite`... */
  readonly name: string
  readonly introspectors: Introspectors
}

/**
 * `kyselyCache` as each entry point implements it: a Kysely dialect whose reads are served from
 * the cache and whose writes invalidate it, reading catalogs with the entry's introspectors.
 */
export function cachedDialect<D extends DialectLike>(dialect: D, cache: Cache, options: KyselyCacheOptions, entry: KyselyEntry): D {
  assertDialect(dialect)
  if (!cache || typeof cache.query !== 'function' || typeof cache.invalidate !== 'function') {
    throw kvCacheError('MISSING_BINDING', where, 'kyselyCache(dialect, cache) needs a cache from `createCache` in @kvcache/core as its second argument.')
  }
  const config = bindingConfig(cache, options, flavourOf(dialect), entry)
  // Inherits from the dialect (so `instanceof` still holds) with its methods bound to it (so
  // dialects with private fields still work); only the driver is replaced.
  const cachedDialect = Object.create(dialect) as D
  for (const method of DIALECT_METHODS) {
    const original = dialect[method] as (...args: unknown[]) => unknown
    const value = method === 'createDriver' ? () => wrapDriver(dialect.createDriver(), config) : (...args: unknown[]) => original.apply(dialect, args)
    Object.defineProperty(cachedDialect, method, { value })
  }
  return cachedDialect
}

function assertDialect(dialect: unknown): asserts dialect is DialectLike {
  const missing = DIALECT_METHODS.filter((method) => typeof (dialect as Record<string, unknown> | null | undefined)?.[method] !== 'function')
  if (missing.length === 0) return
  const got = dialect === null ? 'null' : typeof dialect
  throw kvCacheError(
    'INVALID_OPTION',
    where,
    `kyselyCache(dialect, cache) needs a Kysely dialect (e.g. \`new D1Dialect({ database: env.DB })\` or \`new PostgresDialect({ pool })\`) as its first argument; got ${got} without ${missing.join(', ')}.`,
  )
}

function bindingConfig(cache: Cache, options: KyselyCacheOptions, flavour: ReturnType<typeof flavourOf>, entry: KyselyEntry): BindingConfig {
  if (typeof options !== 'object' || options === null) {
    throw kvCacheError('INVALID_OPTION', where, 'kyselyCache(dialect, cache, options) takes an options object as its third argument.')
  }
  assertKnownOptions(where, options, KNOWN)
  if (options.strategy !== undefined && options.strategy !== 'explicit' && options.strategy !== 'all') {
    throw kvCacheError('INVALID_OPTION', where, `Option \`strategy\` must be 'explicit' or 'all', got ${String(options.strategy)}.`)
  }
  if (options.database !== undefined && (typeof options.database !== 'string' || options.database.length === 0)) {
    throw kvCacheError('INVALID_OPTION', where, 'Option `database` must be a non-empty string.')
  }
  assertPositive(where, 'ttlSeconds', options.ttlSeconds)
  assertPositive(where, 'swrSeconds', options.swrSeconds, { allowZero: true })
  if (options.catalog !== undefined && typeof options.catalog !== 'boolean') {
    throw kvCacheError('INVALID_OPTION', where, `Option \`catalog\` must be true or false, got ${String(options.catalog)}.`)
  }
  if (options.schema !== undefined && (typeof options.schema !== 'object' || options.schema === null || Array.isArray(options.schema))) {
    throw kvCacheError('INVALID_OPTION', where, 'Option `schema` must be an object ({ tables, foreignKeys, views, triggers }).')
  }
  const introspect = options.catalog ?? true
  if (introspect && flavour !== 'other' && !entry.introspectors[flavour]) {
    throw kvCacheError(
      'INVALID_OPTION',
      where,
      `${entry.name} reads ${Object.keys(entry.introspectors).join(' and ')} catalogs only, and this dialect writes ${flavour} SQL: import kyselyCache from '@kvcache/kysely/${flavour}' (or '@kvcache/kysely'), or pass \`catalog: false\`.`,
    )
  }
  const database = options.database ?? 'default'
  return {
    cache,
    strategy: options.strategy ?? 'explicit',
    database,
    ttlSeconds: options.ttlSeconds,
    swrSeconds: options.swrSeconds,
    catalog: kyselyCatalog({ cache, flavour, database, introspect, introspectors: entry.introspectors, declared: options.schema }),
  }
}

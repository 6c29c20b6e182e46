import type { Cache } from '@kvcache/core'
import { createBindingRuntime, kvCacheError, type BindingOptions, type BindingRuntime } from '@kvcache/core/binding'
import { createCatalog, type Catalog, type CatalogFacts, type Dialect, type Introspect, type RunQuery } from '@kvcache/core/sql'
import type { SqlFlavour } from './flavour'
import type { DatabaseConnectionLike } from './kysely-types'

/** Options for `kyselyCache`: the ones every binding shares, and how this one learns the database's catalog. */
export interface KyselyCacheOptions extends BindingOptions {
  /**
   * Read the database's catalog (primary keys, foreign-key actions, views, triggers) once per
   * isolate, for row-level scopes and cascades. `false`: use only what `schema` declares. @default true
   */
  readonly catalog?: boolean
  /** Facts to add to (or, with `catalog: false`, use instead of) the database's catalog: `{ tables, foreignKeys, views, triggers }`. */
  readonly schema?: CatalogFacts
}

/**
 * How each SQL dialect's catalog is read. An entry point passes only the ones it supports, so a
 * Worker bundles one database's catalog reader (`@kvcache/kysely/sqlite`, `/postgres`).
 */
export type Introspectors = Readonly<Partial<Record<Dialect, Introspect>>>

/** An entry point of this package: its name and the catalogs it can read. */
export interface KyselyEntry {
  /** `@kvcache/kysely`, `@kvcache/kysely/sqlite`... */
  readonly name: string
  readonly introspectors: Introspectors
}

/** One `kyselyCache()` call: its runtime (checked options, catalog, planning, reads, publishing). */
export interface KyselyBinding {
  readonly runtime: BindingRuntime
  /** The SQL the dialect writes, for the core's reader (undefined: neither SQLite nor PostgreSQL). */
  readonly dialect: Dialect | undefined
}

const where = 'kysely'
/** The options only this binding has (the shared ones are core's `BINDING_OPTIONS`). */
export const KYSELY_OPTIONS = ['catalog', 'schema'] as const satisfies readonly (keyof KyselyCacheOptions)[]

/**
 * Catalog SQL run on one of the driver's own connections (kysely-d1 keeps its D1 handle private):
 * every plan passes the connection it runs on, so a catalog query never waits for another
 * connection from a pool (Hyperdrive's examples use a pool of one).
 */
export function runOn(connection: DatabaseConnectionLike): RunQuery {
  return async (sql) => {
    const compiled = { sql, parameters: [], query: { kind: 'RawNode', sqlFragments: [sql], parameters: [] }, queryId: { queryId: 'kvcache-catalog' } }
    return (await connection.executeQuery<Record<string, unknown>>(compiled)).rows
  }
}

function declaredCatalog(options: KyselyCacheOptions): Catalog | undefined {
  if (options.catalog !== undefined && typeof options.catalog !== 'boolean') {
    throw kvCacheError('INVALID_OPTION', where, `Option \`catalog\` must be true or false, got ${String(options.catalog)}.`)
  }
  if (options.schema === undefined) return undefined
  if (typeof options.schema !== 'object' || options.schema === null || Array.isArray(options.schema)) {
    throw kvCacheError('INVALID_OPTION', where, 'Option `schema` must be an object ({ tables, foreignKeys, views, triggers }).')
  }
  try {
    return createCatalog(options.schema)
  } catch (error) {
    throw kvCacheError(
      'INVALID_OPTION',
      where,
      `Option \`schema\` is not valid catalog facts ({ tables, foreignKeys, views, triggers }): ${String(error)}`,
      error,
    )
  }
}

/** The catalog reader for this dialect, or undefined with `catalog: false` or a dialect the core cannot introspect. */
function introspectorFor(runtime: BindingRuntime, options: KyselyCacheOptions, flavour: SqlFlavour, entry: KyselyEntry): Introspect | undefined {
  if (options.catalog === false) return undefined
  if (flavour === 'other') {
    runtime.misconfigured(
      'kyselyCache was given a dialect that writes neither SQLite nor PostgreSQL SQL: its catalog cannot be read, so foreign-key cascades, triggers and views are not followed.',
      'Declare foreign keys, views and triggers with the `schema` option and pass `catalog: false`.',
    )
    return undefined
  }
  const introspect = entry.introspectors[flavour]
  if (introspect) return introspect
  throw kvCacheError(
    'INVALID_OPTION',
    where,
    `${entry.name} reads ${Object.keys(entry.introspectors).join(' and ')} catalogs only, and this dialect writes ${flavour} SQL: import kyselyCache from '@kvcache/kysely/${flavour}' (or '@kvcache/kysely'), or pass \`catalog: false\`.`,
  )
}

/**
 * Checks a `kyselyCache()` call's options once, at construction (the shared ones by the core,
 * unknown names failing with the nearest), and makes its runtime.
 */
export function kyselyBinding(cache: Cache, options: KyselyCacheOptions, flavour: SqlFlavour, entry: KyselyEntry): KyselyBinding {
  const declared = declaredCatalog(options)
  const runtime = createBindingRuntime({ cache, binding: where, options, known: KYSELY_OPTIONS, declared })
  const introspect = introspectorFor(runtime, options, flavour, entry)
  const dialect = flavour === 'other' ? undefined : flavour
  // Kysely dialects keep their database handle private: nothing to tell two databases apart by,
  // so the `database` option alone names this one (see the README's identity rule).
  if (introspect && dialect) runtime.attach({ handle: undefined, dialect, introspect })
  return { runtime, dialect }
}

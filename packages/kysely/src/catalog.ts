import type { Cache } from '@kvcache/core'
import { kvCacheError } from '@kvcache/core/internal'
import { createCatalog, isolateCatalogs, mergeCatalogs, type Catalog, type CatalogFacts, type Dialect, type Introspect, type RunQuery } from '@kvcache/core/sql'
import type { SqlFlavour } from './flavour'
import type { DatabaseConnectionLike } from './kysely-types'

/** What the binding knows about its database, and how it learns the rest. */
export interface KyselyCatalog {
  /** The SQL dialect for the core's reader, when it is one the core reads. */
  readonly dialect: Dialect | undefined
  /**
   * The catalog to plan with: the database's own (introspected once per isolate, on `connection`)
   * merged with declared facts. `wait: false` (inside a transaction) uses only what is already known.
   * Never throws; a failed introspection is reported once and planning goes on without it.
   */
  current(options: { readonly wait: boolean; readonly connection: DatabaseConnectionLike }): Promise<Catalog | undefined>
  /** Forgets the introspected catalog (after a schema change): the next statement reads it again. */
  refresh(): void
}

/**
 * How each SQL dialect's catalog is read. An entry point passes only the ones it supports, so a
 * Worker bundles one database's catalog reader (`@kvcache/kysely/sqlite`, `/postgres`).
 */
export type Introspectors = Readonly<Partial<Record<Dialect, Introspect>>>

export interface KyselyCatalogOptions {
  readonly cache: Cache
  readonly flavour: SqlFlavour
  readonly introspectors: Introspectors
  /** Names the database: one introspected catalog per name and isolate. */
  readonly database: string
  readonly introspect: boolean
  readonly declared: CatalogFacts | undefined
}

/** Catalog SQL run on the driver's own connection (kysely-d1 keeps its D1 handle private). */
function runOn(connection: DatabaseConnectionLike): RunQuery {
  return async (sql) => {
    const compiled = { sql, parameters: [], query: { kind: 'RawNode', sqlFragments: [sql], parameters: [] }, queryId: { queryId: 'kvcache-catalog' } }
    return (await connection.executeQuery<Record<string, unknown>>(compiled)).rows
  }
}

function declaredCatalog(facts: CatalogFacts | undefined): Catalog | undefined {
  if (facts === undefined) return undefined
  try {
    return createCatalog(facts)
  } catch (error) {
    throw kvCacheError('INVALID_OPTION', 'kysely', `Option \`schema\` is not valid catalog facts ({ tables, foreignKeys, views, triggers }): ${String(error)}`, error)
  }
}

export function kyselyCatalog(options: KyselyCatalogOptions): KyselyCatalog {
  const declared = declaredCatalog(options.declared)
  const dialect = options.flavour === 'other' ? undefined : options.flavour
  const identity = `kysely:${options.flavour}:${options.database}`
  let merged: { readonly from: Catalog; readonly catalog: Catalog } | undefined
  const withDeclared = (found: Catalog) => {
    if (!declared) return found
    if (merged?.from !== found) merged = { from: found, catalog: mergeCatalogs(found, declared) }
    return merged.catalog
  }
  const introspect = dialect === undefined ? undefined : options.introspectors[dialect]
  const load = async (read: Introspect, connection: DatabaseConnectionLike): Promise<Catalog | undefined> => {
    const answer = await isolateCatalogs.get(identity, () => read(runOn(connection)))
    if (answer.catalog) return answer.catalog
    if (answer.firstReport) {
      const detail = 'Could not read the database catalog: planning with table-level scopes and declared `schema` facts only (no row scopes, cascades, triggers or undeclared views) until it can be read.'
      options.cache.report({ type: 'degraded', source: 'kysely', detail, error: answer.error })
    }
    return undefined
  }
  return {
    dialect,
    async current({ wait, connection }) {
      if (!options.introspect || introspect === undefined) return declared
      const found = wait ? await load(introspect, connection) : isolateCatalogs.peek(identity)
      return found ? withDeclared(found) : declared
    },
    refresh() {
      isolateCatalogs.refresh(identity)
    },
  }
}

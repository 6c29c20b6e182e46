import type { Cache as KvCache } from '@kvcache/core'
import {
  canonicalTable,
  createCatalog,
  introspectPostgres,
  introspectSqlite,
  isolateCatalogs,
  mergeCatalogs,
  type Catalog,
  type CatalogIdentity,
  type Dialect,
  type RunQuery,
} from '@kvcache/core/sql'
import { schemaCatalog } from './schema-catalog'

/** The database a driver wrapper talks to, and how to read its catalog through that driver. */
export interface CatalogSource {
  readonly identity: CatalogIdentity
  readonly dialect: Dialect
  readonly run: RunQuery
}

const MAX_VIEW_MAPS = 100
const viewCatalogs = new Map<string, Catalog>()
const merged = new WeakMap<Catalog, WeakMap<Catalog, Catalog>>()

/** `{ view: [tables] }` as catalog facts, memoised by content (the option is often a fresh literal per request). */
function viewsCatalog(views: Readonly<Record<string, readonly string[]>>): Catalog | undefined {
  const entries = Object.entries(views)
  if (entries.length === 0) return undefined
  const key = JSON.stringify(entries)
  let catalog = viewCatalogs.get(key)
  if (!catalog) {
    catalog = createCatalog({ views: entries.map(([name, reads]) => ({ name: canonicalTable(name), reads })) })
    if (viewCatalogs.size >= MAX_VIEW_MAPS) viewCatalogs.delete(viewCatalogs.keys().next().value as string)
    viewCatalogs.set(key, catalog)
  }
  return catalog
}

/** `mergeCatalogs(first, second)`, computed once per pair of catalogs. */
function mergeOnce(first: Catalog | undefined, second: Catalog | undefined): Catalog | undefined {
  if (!first || !second) return first ?? second
  let bySecond = merged.get(first)
  if (!bySecond) merged.set(first, (bySecond = new WeakMap()))
  let catalog = bySecond.get(second)
  if (!catalog) bySecond.set(second, (catalog = mergeCatalogs(first, second)))
  return catalog
}

/** What the binding knows about its database, and how it learns the rest. */
export interface BindingCatalog {
  /** Called by each driver wrapper. */
  attach(source: CatalogSource): void
  readonly dialect: Dialect | undefined
  /**
   * The catalog to plan with: the database's own (introspected once per isolate) merged with the
   * Drizzle schema and declared views. `wait: false` (inside a transaction, where the connection
   * is busy) uses only what is already known. Never throws.
   */
  current(options: { readonly wait: boolean; readonly run?: RunQuery | undefined }): Promise<Catalog | undefined>
  /** Forgets the introspected catalog (after a migration). */
  refresh(): void
}

/** The catalog side of one `drizzleCache(...)`: declared facts now, the database's facts on first use. */
export function bindingCatalog(options: {
  readonly cache: KvCache
  readonly schema: Record<string, unknown> | undefined
  readonly views: Readonly<Record<string, readonly string[]>> | undefined
}): BindingCatalog {
  const declared = mergeOnce(options.schema ? schemaCatalog(options.schema) : undefined, viewsCatalog(options.views ?? {}))
  let source: CatalogSource | undefined

  const introspected = async (from: CatalogSource, run: RunQuery): Promise<Catalog | undefined> => {
    const answer = await isolateCatalogs.get(from.identity, () => (from.dialect === 'postgres' ? introspectPostgres(run) : introspectSqlite(run)))
    if (answer.catalog) return answer.catalog
    if (answer.firstReport) {
      options.cache.report({
        type: 'degraded',
        source: 'drizzle',
        detail:
          'Could not read the database catalog: planning from the Drizzle schema and declared views only (no triggers, ' +
          'no undeclared views, table-level scopes without a schema) until it can be read (retried in 30 s).',
        error: answer.error,
      })
    }
    return undefined
  }

  return {
    attach(next) {
      source = next
    },
    get dialect() {
      return source?.dialect
    },
    async current({ wait, run }) {
      if (!source) return declared
      const found = wait ? await introspected(source, run ?? source.run) : isolateCatalogs.peek(source.identity)
      // The database is the truth for keys; the schema and declared views add what it cannot say.
      return found ? mergeOnce(found, declared) : declared
    },
    refresh() {
      if (source) isolateCatalogs.refresh(source.identity)
    },
  }
}

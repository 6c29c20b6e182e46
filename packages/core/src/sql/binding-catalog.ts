import type { Cache } from '../cache-types'
import { createCatalog, mergeCatalogs, type Catalog } from './catalog'
import { isolateCatalogs, type CatalogCache, type CatalogIdentity } from './catalog-cache'
import type { RunQuery } from './introspect-sqlite'
import type { Dialect } from './tokens'

/** Reads a database's catalog through `run`: `introspectSqlite`, `introspectPostgres`, or a binding's own wrapper of one. */
export type Introspect = (run: RunQuery) => Promise<Catalog>

/** The database a driver wrapper talks to, and how to run catalog queries through that driver. */
export interface CatalogSource {
  /** Which database (see `CatalogIdentity`): a name the user gave, a connection string, or the driver object. */
  readonly identity: CatalogIdentity
  readonly dialect: Dialect
  /**
   * Runs one statement on the unwrapped driver (catalog queries must not pass the cache). Absent
   * when the binding has no connection of its own to give (Kysely): each `current` call passes one.
   */
  readonly run?: RunQuery | undefined
  /**
   * How this database's catalog is read (`introspectSqlite` for SQLite / D1 / libSQL,
   * `introspectPostgres`). The binding passes the one its driver needs, so a Worker bundles only that one.
   */
  readonly introspect: Introspect
}

/** Options for `createBindingCatalog`. */
export interface BindingCatalogOptions {
  /** Where the `degraded` event goes when the catalog cannot be read. */
  readonly cache: Pick<Cache, 'report'>
  /** Who reports (`drizzle`, `kysely`, `prisma`). */
  readonly source: string
  /** What the binding knows without asking the database (an ORM schema, declared views). */
  readonly declared?: Catalog | undefined
  /** @default isolateCatalogs */
  readonly catalogs?: CatalogCache
}

/** The catalog side of one binding instance: declared facts at once, the database's own on first use. */
export interface BindingCatalog {
  /** Called by each driver wrapper the binding hands out. */
  attach(source: CatalogSource): void
  /** The attached driver's dialect. */
  readonly dialect: Dialect | undefined
  /**
   * The catalog to plan with: the database's own (introspected once per isolate and database)
   * merged with the declared facts. `wait: false` (inside a transaction, where the connection is
   * busy) uses only what is already known; `run` overrides the connection catalog queries use.
   * Never throws; a failure reports one `degraded` event and answers the declared facts.
   */
  current(options: { readonly wait: boolean; readonly run?: RunQuery | undefined }): Promise<Catalog | undefined>
  /** Forgets the introspected catalog (after a migration): the next `current` reads it again. */
  refresh(): void
}

const merged = new WeakMap<Catalog, WeakMap<Catalog, Catalog>>()

/** `mergeCatalogs(first, second)`, computed once per pair (bindings are built per request). */
export function mergeCatalogsOnce(first: Catalog | undefined, second: Catalog | undefined): Catalog | undefined {
  if (!first || !second) return first ?? second
  let bySecond = merged.get(first)
  if (!bySecond) merged.set(first, (bySecond = new WeakMap()))
  let catalog = bySecond.get(second)
  if (!catalog) bySecond.set(second, (catalog = mergeCatalogs(first, second)))
  return catalog
}

const MAX_VIEW_MAPS = 100
const viewCatalogs = new Map<string, Catalog>()

/**
 * A catalog of declared views (`{ published_posts: ['posts', 'users'] }`), memoised by content:
 * the option is often a fresh object literal on every request.
 */
export function declaredViews(views: Readonly<Record<string, readonly string[]>> | undefined): Catalog | undefined {
  const entries = Object.entries(views ?? {})
  if (entries.length === 0) return undefined
  const key = JSON.stringify(entries)
  let catalog = viewCatalogs.get(key)
  if (!catalog) {
    catalog = createCatalog({ views: entries.map(([name, reads]) => ({ name, reads })) })
    if (viewCatalogs.size >= MAX_VIEW_MAPS) viewCatalogs.delete(viewCatalogs.keys().next().value as string)
    viewCatalogs.set(key, catalog)
  }
  return catalog
}

const DEGRADED =
  'Could not read the database catalog: planning from the declared schema and views only (no triggers; table-level scopes without a schema) until it can be read.'

/**
 * What every SQL binding does with the catalog: remember the driver, introspect through it once
 * per isolate and database (with the source's `introspect`), merge with the declared facts,
 * report a failure once, and plan at table level meanwhile.
 *
 * @example
 * const catalog = createBindingCatalog({ cache, source: 'kysely', declared: declaredViews(options.views) })
 * catalog.attach({ identity: env.DB, dialect: 'sqlite', run: async (sql) => (await env.DB.prepare(sql).all()).results, introspect: introspectSqlite })
 * const plan = planStatement({ sql, params, dialect: catalog.dialect }, { catalog: await catalog.current({ wait: true }) })
 */
export function createBindingCatalog(options: BindingCatalogOptions): BindingCatalog {
  const catalogs = options.catalogs ?? isolateCatalogs
  const declared = options.declared
  let attached: CatalogSource | undefined

  const introspected = async (source: CatalogSource, run: RunQuery): Promise<Catalog | undefined> => {
    const answer = await catalogs.get(source.identity, () => source.introspect(run))
    if (answer.catalog) return answer.catalog
    if (answer.firstReport) options.cache.report({ type: 'degraded', source: options.source, detail: DEGRADED, error: answer.error })
    return undefined
  }

  return {
    attach(source) {
      attached = source
    },
    get dialect() {
      return attached?.dialect
    },
    async current({ wait, run }) {
      if (!attached) return declared
      const through = run ?? attached.run
      const found = wait && through ? await introspected(attached, through) : catalogs.peek(attached.identity)
      // The database is the truth for keys; declared facts add what it cannot say.
      return found ? mergeCatalogsOnce(found, declared) : declared
    },
    refresh() {
      if (attached) catalogs.refresh(attached.identity)
    },
  }
}

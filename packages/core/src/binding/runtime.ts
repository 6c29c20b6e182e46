import type { Cache } from '../cache-types'
import { changeScopes, type Change } from '../changes'
import { splitQuiet } from '../field-tracking'
import type { FieldSchema } from './field-tracking-options'
import { claimDatabase, identityOf } from '../database-identity'
import { assumedLagSeconds } from './source-lag'
import { kvCacheError } from '../errors'
import { assertKnownOptions, nearestOption } from '../options'
import { tellUncached, type QueryStatus } from '../query-status'
import { digestOf } from '../read-labels'
import { assertTags, type ResolvedReadOptions } from '../read-options'
import { canonicalTable } from '../relation-names'
import { transactionBuffer, type TransactionBuffer } from '../transaction'
import { createBindingCatalog, type BindingCatalog, type Introspect } from '../sql/binding-catalog'
import { resolveRelation, type Catalog } from '../sql/catalog'
import { ALL_WRITE_EVENTS, reachOf } from '../sql/effects'
import type { RunQuery } from '../sql/introspect-sqlite'
import { planSafely } from './plan-safely'
import { resolveBindingOptions, type BindingOptions, type ResolvedBindingOptions } from './binding-options'
import type { Plan, PlanInput } from '../sql/planner'
import { isSourcePosition, type LoadContext } from '../source-position'
import type { Dialect } from '../sql/tokens'

/** How a binding reaches its database: to name it (identity) and to read its catalog. */
export interface DatabaseSource {
  /** The driver object (a D1 binding, a node-postgres Pool / Client, a libSQL client), or a string naming the database. */
  readonly handle: unknown
  readonly dialect: Dialect
  /** Runs one statement on the unwrapped driver (catalog queries must not pass the cache); absent when every call passes its own connection's. */
  readonly run?: RunQuery | undefined
  /** `introspectSqlite` or `introspectPostgres`: the binding passes the one its driver needs. */
  readonly introspect: Introspect
}

/** Options for `createBindingRuntime`. */
export interface BindingRuntimeOptions {
  /** The cache (or a request's view of it) this binding serves reads from. */
  readonly cache: Cache
  /** `drizzle`, `kysely`, `prisma`: names events, errors and this binding's cache keys. */
  readonly binding: string
  /** The binding's options object: the shared ones are validated here (`BINDING_OPTIONS`), the binding's own by `known`. */
  readonly options: BindingOptions & object
  /** Option names the binding adds to the shared ones. */
  readonly known?: readonly string[]
  /** Facts the binding knows without asking the database (an ORM schema, declared views). */
  readonly declared?: Catalog | undefined
  /** The binding's tables and columns under the names its users write (`fieldTracking` is translated and checked through it). */
  readonly fieldSchema?: FieldSchema | undefined
}

/** One read, as a binding hands it over. */
export interface BindingRead {
  /** What identifies the result besides the binding and database: SQL and parameters, or a model operation. */
  readonly material: unknown
  /** The scopes the planner (or a structured description) says the result depends on. */
  readonly scopes: readonly string[]
  /** This read's own options (Kysely's `cached()`, Prisma's `cacheStrategy`), already resolved. */
  readonly options?: ResolvedReadOptions | undefined
  /** Lifetime known only after the loader ran (Drizzle's `$withCache({ config })`). */
  readonly lateOptions?: Promise<{ readonly ttlSeconds?: number | undefined; readonly swrSeconds?: number | undefined } | undefined>
  /** The statement in words (SQL, `Model.action`): events carry a digest of it. */
  readonly statement?: string | undefined
  /** Told what the cache did for this read once it settled (a per-query status the binding hands its caller). */
  readonly onStatus?: ((status: QueryStatus) => void) | undefined
}

/**
 * What every ORM binding shares, decided once: option rules, which database entries belong to,
 * the catalog, what a statement means (and what happens when it cannot be read), how a read is
 * keyed and served, how writes publish (through one transaction buffer), and manual invalidation.
 * A binding is then the glue from its ORM's hooks to these calls.
 */
export interface BindingRuntime {
  readonly cache: Cache
  readonly binding: string
  readonly options: ResolvedBindingOptions
  /** The database's name in cache keys: the `database` option, one derived from the driver, or `default`. */
  readonly database: string
  readonly catalog: BindingCatalog
  /**
   * Names the database and learns how to read its catalog. Throws `DATABASE_CONFLICT` when this
   * cache already serves another database under the same name.
   */
  attach(source: DatabaseSource): void
  /** What a statement means (never throws: `planSafely`); reports a write `fieldTracking` makes quiet. `wait: false` inside a transaction. */
  plan(input: PlanInput, context: { readonly wait: boolean; readonly run?: RunQuery | undefined }): Promise<Plan>
  /** Serves a read through the cache: keyed by binding, database and material; tags and lifetimes applied. */
  read<T>(read: BindingRead, loader: (context: LoadContext) => Promise<T>): Promise<T>
  /** The scopes of changes a binding names itself (Prisma's unique-key lookups), without those `fieldTracking` makes quiet. */
  scopesOf(changes: readonly Change[]): string[]
  /** Reports a read that runs uncached, and why (a `skip` event with reason `bypass`; an `uncached` status to `onStatus`). */
  bypass(reason: string, statement?: string, onStatus?: (status: QueryStatus) => void): void
  /** Reports a setup mistake (a `misconfigured` event; a console warning once when nobody listens). */
  misconfigured(problem: string, fix: string): void
  /** A transaction buffer for one connection or interactive transaction. */
  transaction(): TransactionBuffer
  /**
   * Publishes a write's scopes: into `transaction` when one is open, else at once, with where the
   * database stood after it (`sourcePosition`: a D1 session's bookmark) when the driver can say. Never throws.
   */
  publish(scopes: readonly string[], transaction?: TransactionBuffer, sourcePosition?: string): Promise<void>
  /** After a planned write ran (or failed: it may have committed): publishes its scopes, and reads the catalog again after DDL. */
  afterWrite(plan: WritePlan, transaction?: TransactionBuffer, sourcePosition?: string): Promise<void>
  /**
   * Manual invalidation through the binding (`db.$cache.invalidate`): tables reach every read of
   * them and what their foreign keys and triggers change. A table the database does not have
   * fails with `UNKNOWN_TABLE` naming the nearest one (after reading the catalog again once).
   */
  invalidate(
    target: { readonly tables?: readonly string[]; readonly tags?: readonly string[] },
    context?: { readonly run?: RunQuery | undefined },
  ): Promise<void>
}

/** A plan for a statement that changes data. */
export type WritePlan = Extract<Plan, { type: 'write' }>

/**
 * The runtime of one binding instance (per request is fine: everything per isolate is cached).
 *
 * @example
 * const runtime = createBindingRuntime({ cache, binding: 'kysely', options, known: ['schema', 'catalog'] })
 * runtime.attach({ handle: env.DB, dialect: 'sqlite', run, introspect: introspectSqlite })
 * const plan = await runtime.plan({ sql, params, dialect: 'sqlite' }, { wait: true })
 * if (plan.type === 'read') return runtime.read({ material: { sql, params }, scopes: plan.scopes }, exec)
 */
export function createBindingRuntime(init: BindingRuntimeOptions): BindingRuntime {
  const { cache, binding } = init
  if (!cache || typeof cache.query !== 'function' || typeof cache.invalidate !== 'function') {
    throw kvCacheError('MISSING_BINDING', binding, 'Missing the cache: pass what `createCache` returned (or its `withContext` view).')
  }
  const options = resolveBindingOptions(binding, init.options, init.known ?? [], init.fieldSchema)
  const catalog = createBindingCatalog({ cache, source: binding, declared: init.declared })
  let database = options.database ?? 'default'
  let lagSeconds = options.sourceLagSeconds
  let attached: { readonly database: string; readonly identity: ReturnType<typeof identityOf> } | undefined

  const runtime: BindingRuntime = {
    cache,
    binding,
    options,
    catalog,
    get database() {
      return database
    },
    attach(source) {
      const name = claimDatabase(cache, { binding, name: options.database, handle: source.handle })
      const identity = identityOf(source.handle)
      if (attached && (attached.database !== name || !sameIdentity(attached.identity, identity))) {
        // One binding instance keys its entries with one database name: a second database would share them.
        throw kvCacheError(
          'DATABASE_CONFLICT',
          binding,
          `This binding already serves the database \`${attached.database}\`. Create one binding per database (each with its own \`database\` option when they share a cache).`,
        )
      }
      attached = { database: name, identity }
      database = name
      lagSeconds = options.sourceLagSeconds ?? assumedLagSeconds(binding, identity)
      // Two databases never share a catalog, even under one name in two caches (a D1 binding is
      // its own identity); one database under two names keeps two (a name is the user's word).
      const catalogIdentity = identity && 'object' in identity ? catalogKey(identity.object, `${binding}:${name}`) : `${binding}:${name}`
      catalog.attach({ identity: catalogIdentity, dialect: source.dialect, run: source.run, introspect: source.introspect })
    },
    async plan(input, context) {
      const plan = await planSafely(
        input,
        async () => ({ catalog: await catalog.current(context), fieldTracking: options.fieldTracking }),
        (detail, error) => cache.report({ type: 'degraded', source: binding, detail, error }),
      )
      if (plan.type === 'write') for (const quiet of plan.quiet ?? []) cache.report({ type: 'invalidate', scopes: [], quiet })
      return plan
    },
    scopesOf: (changes) => changeScopes(splitQuiet(changes, options.fieldTracking).loud),
    read(read, loader) {
      const own = read.options
      const ttlSeconds = own?.ttlSeconds ?? options.ttlSeconds
      const swrSeconds = own?.swrSeconds ?? options.swrSeconds
      const staleIfErrorSeconds = own?.staleIfErrorSeconds ?? options.staleIfErrorSeconds
      const tags = own?.tags ?? []
      const scopes = tags.length === 0 ? read.scopes : [...read.scopes, ...changeScopes(tags.map((tag): Change => ({ kind: 'tag', tag })))]
      return cache.query(
        {
          // Tags are part of the key: the same query read with other tags depends on other scopes.
          material: [binding, database, read.material, tags],
          scopes,
          ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
          ...(swrSeconds === undefined ? {} : { swrSeconds }),
          ...(staleIfErrorSeconds === undefined ? {} : { staleIfErrorSeconds }),
          ...(lagSeconds === undefined ? {} : { sourceLagSeconds: lagSeconds }),
          ...(read.lateOptions ? { lateOptions: read.lateOptions } : {}),
          about: { binding, ...(read.statement !== undefined && { statement: read.statement }) },
          ...(read.onStatus ? { onStatus: read.onStatus } : {}),
        },
        loader,
      )
    },
    bypass(reason, statement, onStatus) {
      const labels = { binding, ...(statement !== undefined && { digest: digestOf(statement) }) }
      cache.report({ type: 'skip', reason: 'bypass', detail: statement === undefined ? reason : `${reason}: ${statement.slice(0, 200)}`, ...labels })
      tellUncached(onStatus, reason)
    },
    misconfigured(problem, fix) {
      cache.report({ type: 'misconfigured', source: binding, problem, fix })
    },
    transaction: () => transactionBuffer(cache),
    async publish(scopes, transaction, sourcePosition) {
      try {
        if (transaction?.inTransaction) await transaction.publish(scopes)
        // A bookmark we cannot store (a format D1 may adopt later) must not cost the invalidation:
        // bump without it, and readers of these scopes go to the primary.
        else if (scopes.length > 0) await cache.invalidate({ scopes }, isSourcePosition(sourcePosition) ? { sourcePosition } : {})
      } catch (error) {
        cache.report({ type: 'degraded', source: binding, detail: 'publishing an invalidation failed', error })
      }
    },
    async afterWrite(plan, transaction, sourcePosition) {
      if (plan.schemaChanged) catalog.refresh()
      await runtime.publish(plan.scopes, transaction, sourcePosition)
    },
    async invalidate(target, context = {}) {
      const tables = tablesOf(binding, target)
      const tags = target.tags === undefined ? [] : assertTags(binding, 'tags', target.tags, Number.POSITIVE_INFINITY)
      const known = tables.length === 0 ? undefined : await knownCatalog(runtime, tables, context.run)
      const changes: Change[] = tags.map((tag): Change => ({ kind: 'tag', tag }))
      for (const table of tables) {
        // We do not know how the table changed: follow every kind of write (cascades, triggers).
        const reach = reachOf(
          known,
          ALL_WRITE_EVENTS.map((event) => ({ table: resolveRelation(known, table), event })),
        )
        if (reach.unknown) changes.push({ kind: 'database' })
        changes.push({ kind: 'table', table }, ...[...reach.tables].map((reached): Change => ({ kind: 'table', table: reached })))
      }
      if (changes.length > 0) await cache.invalidate({ scopes: changeScopes(changes) })
    },
  }
  return runtime
}

const catalogKeys = new WeakMap<object, Map<string, object>>()

/** One key object per database object and name, for the isolate's catalog cache (it keys objects weakly). */
function catalogKey(database: object, name: string): object {
  let byName = catalogKeys.get(database)
  if (!byName) catalogKeys.set(database, (byName = new Map()))
  let key = byName.get(name)
  if (!key) byName.set(name, (key = {}))
  return key
}

function sameIdentity(a: ReturnType<typeof identityOf>, b: ReturnType<typeof identityOf>): boolean {
  if (!a || !b) return a === b
  return 'text' in a ? 'text' in b && a.text === b.text : 'object' in b && a.object === b.object
}

/** Tables a complete catalog has (after resolving the search path), or views. */
function unknownTables(known: Catalog | undefined, tables: readonly string[]): string[] {
  if (!known?.complete) return []
  return tables.filter((table) => {
    const relation = resolveRelation(known, table)
    return !known.tables.has(relation) && !known.views.has(relation)
  })
}

/** The tables of a manual invalidation, checked like any per-call option. */
function tablesOf(binding: string, target: unknown): string[] {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    throw kvCacheError('INVALID_OPTION', binding, 'An invalidation takes an object like { tables: [...], tags: [...] }.')
  }
  assertKnownOptions(binding, target, ['tables', 'tags'])
  const tables: unknown = (target as { tables?: unknown }).tables ?? []
  if (!Array.isArray(tables) || !tables.every((table) => typeof table === 'string' && table.length > 0)) {
    throw kvCacheError('INVALID_OPTION', binding, 'Option `tables` must be an array of table names.')
  }
  return tables.map(canonicalTable)
}

/** The catalog for a manual invalidation; fails fast on a table the database does not have. */
async function knownCatalog(runtime: BindingRuntime, tables: readonly string[], run: RunQuery | undefined): Promise<Catalog | undefined> {
  let known = await runtime.catalog.current({ wait: true, run })
  if (unknownTables(known, tables).length === 0) return known
  // Created since the catalog was read (a migration elsewhere)? Read it again once before failing.
  runtime.catalog.refresh()
  known = await runtime.catalog.current({ wait: true, run })
  const unknown = unknownTables(known, tables)
  if (unknown.length === 0 || !known) return known
  const table = unknown[0] as string
  const nearest = nearestOption(table, [...known.tables.keys(), ...known.views.keys()])
  throw kvCacheError(
    'UNKNOWN_TABLE',
    runtime.binding,
    `Cannot invalidate \`${table}\`: the database has no such table or view.${nearest === undefined ? '' : ` Did you mean \`${nearest}\`?`}`,
  )
}

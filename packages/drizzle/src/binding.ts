import type { Cache as KvCache } from '@kvcache/core'
import { assertKnownOptions, assertPositive, bulkScope, databaseScope, kvCacheError, tableScope, tagScope } from '@kvcache/core/internal'
import {
  ALL_WRITE_EVENTS,
  canonicalTable,
  createBindingCatalog,
  declaredViews,
  mergeCatalogsOnce,
  reachOf,
  relationSpellings,
  type BindingCatalog,
  type CatalogSource,
  type RunQuery,
} from '@kvcache/core/sql'
import { Cache as DrizzleCache, type MutationOption } from 'drizzle-orm/cache/core'
import type { CacheConfig } from 'drizzle-orm/cache/core/types'
import { createRunner, type Runner, type Session, type Statement } from './runner'
import { nameOfTable, schemaCatalog } from './schema-catalog'
import { createSignals, type Signals } from './signals'
import { ttlSecondsOf } from './ttl'

export type { Session, Statement } from './runner'

/** Options for `drizzleCache`. */
export interface DrizzleCacheOptions {
  /** `explicit`: only `.$withCache()` reads are cached. `all`: every read, including relational and raw ones. @default 'explicit' */
  readonly strategy?: 'explicit' | 'all'
  /** Your Drizzle schema module: primary keys and cascades known before the database's catalog is read. */
  readonly schema?: Record<string, unknown>
  /** Views (or other relations) and the tables they read, e.g. `{ published_posts: ['posts', 'users'] }`. The catalog finds views too; declare what it cannot see. */
  readonly views?: Readonly<Record<string, readonly string[]>>
  /** Identifies the database in cache keys (and its catalog), so two databases never share entries. @default 'default' */
  readonly database?: string
  /** Freshness of cached reads without `$withCache({ config })`, in seconds. @default the cache's `defaultTtlSeconds` */
  readonly ttlSeconds?: number
  /** Told when a read is not cached because its dependencies cannot be named safely (also reported as a `skip` event). */
  readonly onBypass?: (info: { readonly sql: string; readonly reason: string }) => void
}

const KNOWN = ['strategy', 'schema', 'views', 'database', 'ttlSeconds', 'onBypass']

/**
 * The Drizzle side of @kvcache, without its driver wrappers: a Drizzle `Cache` (for `$withCache()`
 * opt-ins and `db.$cache.invalidate()`) and the statement runner the wrappers call. Subclasses add
 * the wrappers (`d1()`, `pg()`, `libsql()`: all of them in `@kvcache/drizzle`, one each in
 * `@kvcache/drizzle/d1`, `/pg`, `/libsql`, so a Worker bundles only its own driver's code).
 */
export class KvDrizzleCacheBase extends DrizzleCache {
  readonly #cache: KvCache
  readonly #database: string | undefined
  readonly #catalog: BindingCatalog
  readonly #signals: Signals = createSignals()
  readonly #writing = new Map<string, number>()
  readonly #runner: Runner
  #driverWrapped = false
  #notWrappedReported = false

  constructor(cache: KvCache, options: DrizzleCacheOptions = {}) {
    super()
    assertKnownOptions('drizzle', options, KNOWN)
    if (!cache || typeof cache.query !== 'function') {
      throw kvCacheError('MISSING_BINDING', 'drizzle', 'Missing required argument `cache` (from `createCache` in @kvcache/core).')
    }
    validateOptions(options)
    this.#cache = cache
    this.#database = options.database
    // Schema and declared views are translated once per schema object / views content, not per request.
    const declared = mergeCatalogsOnce(options.schema ? schemaCatalog(options.schema) : undefined, declaredViews(options.views))
    this.#catalog = createBindingCatalog({ cache, source: 'drizzle', declared })
    const onBypass = options.onBypass
    this.#runner = createRunner({
      cache,
      strategy: options.strategy ?? 'explicit',
      database: options.database ?? 'default',
      ttlSeconds: options.ttlSeconds,
      catalog: this.#catalog,
      signals: this.#signals,
      writing: this.#writing,
      reportBypass: (sql, reason) => {
        onBypass?.({ sql, reason })
        cache.report({ type: 'skip', reason: 'bypass', detail: reason })
      },
    })
  }

  /**
   * Always 'explicit' towards Drizzle: with 'all', Drizzle would hash every builder read itself
   * (its hash throws on BigInt parameters). Our driver wrapper applies `strategy: 'all'` instead.
   * Drizzle asks this for every query it builds: a good moment to notice an unwrapped driver.
   */
  override strategy(): 'explicit' | 'all' {
    this.#checkWrapped()
    return 'explicit'
  }

  /**
   * Drizzle asks here before running a cacheable builder read. We answer "not cached" and record
   * the read's options; the driver wrapper then serves it through the core, which reads version
   * stamps before the query runs (Drizzle's get-then-put cannot order that safely).
   */
  override async get(key: string, tables: string[], isTag: boolean, isAutoInvalidate?: boolean): Promise<undefined> {
    if (this.#checkWrapped()) this.#signals.expect(key, tables, isTag, isAutoInvalidate ?? true)
    return undefined
  }

  /** Drizzle's put carries the `$withCache` config; the core is waiting for it to fill the entry. */
  override async put(key: string, _response: unknown, _tables: string[], isTag: boolean, config?: CacheConfig): Promise<void> {
    const ttlSeconds = ttlSecondsOf(config, Date.now())
    this.#signals.settle(key, isTag, ttlSeconds === undefined ? undefined : { ttlSeconds })
  }

  /** `db.$cache.invalidate({ tables, tags })` and Drizzle's own write notifications land here. */
  override async onMutate(params: MutationOption): Promise<void> {
    const tables = ([] as unknown[]).concat((params.tables ?? []) as never)
    const tags = ([] as string[]).concat(params.tags ?? [])
    const names = tables.map((table) => (typeof table === 'string' ? canonicalTable(table) : nameOfTable(table as object)))
    // Drizzle calls this alongside each builder write, as the statement starts. Our driver wrapper
    // already registered that write (synchronously) and bumps precisely once it has settled.
    if (tags.length === 0 && names.length > 0 && names.every((name) => (this.#writing.get(name) ?? 0) > 0)) return
    const scopes = new Set<string>(tags.map(tagScope))
    const catalog = await this.#catalog.current({ wait: this.#driverWrapped })
    for (const name of names) {
      // We do not know how the table changed: follow every kind of write (cascades, triggers).
      const reach = reachOf(catalog, ALL_WRITE_EVENTS.map((event) => ({ table: name, event })))
      if (reach.unknown) scopes.add(databaseScope())
      for (const touched of [name, ...reach.tables].flatMap(relationSpellings)) {
        scopes.add(tableScope(touched))
        scopes.add(bulkScope(touched))
      }
    }
    await this.#cache.invalidate({ scopes: [...scopes] })
  }

  /**
   * Marks that a driver wrapper exists (so `get()` signals will be consumed) and where the catalog
   * comes from. The `database` option, when given, names the database instead of `source.identity`.
   */
  attachDriver(source: CatalogSource): void {
    this.#driverWrapped = true
    this.#catalog.attach(this.#database === undefined ? source : { ...source, identity: this.#database })
  }

  /** Forgets this database's catalog in this isolate (after a migration run elsewhere); the next statement reads it again. */
  refreshCatalog(): void {
    this.#catalog.refresh()
  }

  /** Reads the catalog now if this isolate has none (before a transaction takes the connection). Never throws. */
  async prepareCatalog(): Promise<void> {
    await this.#catalog.current({ wait: true })
  }

  /** Runs one statement through the cache policy. Never fails because of the cache. */
  run<T>(statement: Statement, session: Session | undefined, exec: () => Promise<T>): Promise<T> {
    return this.#runner.run(statement, session, exec)
  }

  /** Invalidation for a batch of statements that ran (held until commit inside a transaction). */
  afterBatch(statements: readonly Statement[], session?: Session): Promise<void> {
    return this.#runner.afterBatch(statements, session)
  }

  /** A script of unknown statements (`D1Database.exec`, `executeMultiple`, migrations): bump everything. */
  afterScript(session?: Session): Promise<void> {
    return this.#runner.afterScript(session)
  }

  /** Transaction state for one connection; catalog queries for it run through `run` (its own connection). */
  newSession(run?: RunQuery): Session {
    return this.#runner.newSession(run)
  }

  /** False (and reported once) when Drizzle was given this cache but not a wrapped driver: nothing can be cached. */
  #checkWrapped(): boolean {
    if (this.#driverWrapped || this.#notWrappedReported) return this.#driverWrapped
    this.#notWrappedReported = true
    this.#cache.report({
      type: 'skip',
      reason: 'not-wrapped',
      detail:
        'Drizzle was given the cache but not a wrapped driver, so nothing is cached. Wrap the driver you pass to ' +
        'drizzle(): drizzle(kv.d1(env.DB), { cache: kv }), drizzle({ client: kv.pg(pool), cache: kv }) or drizzle(kv.libsql(client), { cache: kv }).',
    })
    return false
  }
}

/** Fails at setup, naming the argument, instead of deep inside the first query. */
export function requireDriver(driver: unknown, method: string, call: string, expected: string): void {
  if (typeof (driver as Record<string, unknown> | undefined)?.[method] !== 'function') {
    throw kvCacheError('MISSING_BINDING', 'drizzle', `\`${call}\` needs ${expected}, got ${driver === undefined ? 'undefined' : typeof driver}.`)
  }
}

/** Checks the options whose mistakes would otherwise surface deep inside the first query. */
function validateOptions(options: DrizzleCacheOptions): void {
  const invalid = (message: string) => kvCacheError('INVALID_OPTION', 'drizzle', message)
  if (options.strategy !== undefined && options.strategy !== 'explicit' && options.strategy !== 'all') {
    throw invalid(`Option \`strategy\` must be 'explicit' or 'all', got ${String(options.strategy)}.`)
  }
  assertPositive('drizzle', 'ttlSeconds', options.ttlSeconds)
  if (options.database !== undefined && (typeof options.database !== 'string' || options.database === '')) {
    throw invalid('Option `database` must be a non-empty string naming the database.')
  }
  if (options.onBypass !== undefined && typeof options.onBypass !== 'function') throw invalid('Option `onBypass` must be a function.')
  const views: unknown = options.views
  const validViews =
    views === undefined ||
    (typeof views === 'object' && views !== null && Object.values(views).every((tables) => Array.isArray(tables) && tables.every((table) => typeof table === 'string')))
  if (!validViews) throw invalid('Option `views` must map each view to the tables it reads, e.g. `{ published_posts: [\'posts\'] }`.')
}

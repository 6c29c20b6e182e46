import type { Cache as KvCache, QueryStatus } from '@kvcache/core'
import {
  assertTags,
  changeScopes,
  createBindingRuntime,
  kvCacheError,
  type BindingOptions,
  type BindingRuntime,
  type DatabaseSource,
} from '@kvcache/core/binding'
import { canonicalTable, declaredViews, mergeCatalogsOnce, type RunQuery } from '@kvcache/core/sql'
import { Cache as DrizzleCache, type MutationOption } from 'drizzle-orm/cache/core'
import type { CacheConfig } from 'drizzle-orm/cache/core/types'
import { npmVersion } from 'drizzle-orm/version'
import { ttlSecondsOf } from './cache-config'
import { createRunner, type Exec, type PositionOf, type Runner, type Session, type Statement } from './runner'
import { fieldSchemaOf } from './field-schema'
import { nameOfTable, schemaCatalog } from './schema-catalog'
import { createSetupChecks, type SetupChecks } from './setup-checks'
import { createSignals, type Signals } from './signals'
import { createStatusRequests, runWithStatus, type QueryWithSql } from './status'

export type { Session, Statement } from './runner'

/** Options for `drizzleCache`: the shared binding options (`strategy`, `database`, `ttlSeconds`, `swrSeconds`) and Drizzle's own. */
export interface DrizzleCacheOptions extends BindingOptions {
  /** `explicit`: only `.$withCache()` reads are cached. `all`: every read, including relational and raw ones. @default 'explicit' */
  readonly strategy?: 'explicit' | 'all'
  /** Your Drizzle schema module: primary keys and cascades known before the database's catalog is read. */
  readonly schema?: Record<string, unknown>
  /** Views (or other relations) and the tables they read, e.g. `{ published_posts: ['posts', 'users'] }`. The catalog finds views too; declare what it cannot see. */
  readonly views?: Readonly<Record<string, readonly string[]>>
  /** Told when a read is not cached because its dependencies cannot be named safely (also reported as a `skip` event). */
  readonly onBypass?: (info: { readonly sql: string; readonly reason: string }) => void
}

/** The options only this binding has (the shared ones are core's `BINDING_OPTIONS`). */
export const DRIZZLE_OPTIONS = ['schema', 'views', 'onBypass'] as const satisfies readonly (keyof DrizzleCacheOptions)[]

/**
 * The Drizzle side of @kvcache, without its driver wrappers: a Drizzle `Cache` (for `$withCache()`
 * opt-ins and `db.$cache.invalidate()`) and the statement runner the wrappers call. Subclasses add
 * the wrappers (`d1()`, `pg()`, `libsql()`: all of them in `@kvcache/drizzle`, one each in
 * `@kvcache/drizzle/d1`, `/pg`, `/libsql`, so a Worker bundles only its own driver's code).
 * Every decision (options, identity, planning, keys, publishing) is the core binding runtime's.
 */
export class KvDrizzleCacheBase extends DrizzleCache {
  readonly #runtime: BindingRuntime
  readonly #signals: Signals = createSignals()
  readonly #statuses = createStatusRequests()
  readonly #writing = new Map<string, number>()
  readonly #runner: Runner
  readonly #checks: SetupChecks

  constructor(cache: KvCache, options: DrizzleCacheOptions = {}) {
    super()
    validateOwnOptions(options)
    // Schema and declared views are translated once per schema object / views content, not per request.
    const own = typeof options === 'object' && options !== null ? options : {}
    const declared = mergeCatalogsOnce(own.schema ? schemaCatalog(own.schema) : undefined, declaredViews(own.views))
    const fieldSchema = own.schema ? fieldSchemaOf(own.schema) : undefined
    this.#runtime = createBindingRuntime({ cache, binding: 'drizzle', options, known: DRIZZLE_OPTIONS, declared, fieldSchema })
    this.#checks = createSetupChecks(this.#runtime)
    const onBypass = own.onBypass
    this.#runner = createRunner({
      runtime: this.#runtime,
      signals: this.#signals,
      statuses: this.#statuses,
      writing: this.#writing,
      reportBypass: (sql, reason, onStatus) => {
        onBypass?.({ sql, reason })
        this.#runtime.bypass(reason, sql, onStatus)
      },
      onRead: () => this.#checks.readThroughWrapper(),
    })
  }

  /**
   * Always 'explicit' towards Drizzle: with 'all', Drizzle would hash every builder read itself
   * (its hash throws on BigInt parameters). Our driver wrapper applies `strategy: 'all'` instead.
   * Drizzle asks this for every query it builds: a good moment to notice an unwrapped driver.
   */
  override strategy(): 'explicit' | 'all' {
    this.#checks.consulted()
    return 'explicit'
  }

  /**
   * Drizzle asks here before running a cacheable builder read. We answer "not cached" and record
   * the read's options; the driver wrapper then serves it through the core, which reads version
   * stamps before the query runs (Drizzle's get-then-put cannot order that safely).
   */
  override async get(drizzleKey: string, tables: string[], isTag: boolean, isAutoInvalidate?: boolean): Promise<undefined> {
    const key = keyOf(drizzleKey, this.#runtime.catalog.dialect)
    // A bad tag fails the read before it runs, like any invalid per-call option.
    if (isTag) assertTags('drizzle', 'tag', [key], 1)
    if (this.#checks.consulted()) this.#signals.expect(key, tables, isTag, isAutoInvalidate ?? true)
    return undefined
  }

  /**
   * Drizzle's put carries `$withCache({ config })`, after the read ran: the core is waiting for it
   * to fill the entry. An invalid config rejects the read here (the earliest place Drizzle shows
   * it), and the entry is not stored.
   */
  override async put(drizzleKey: string, _response: unknown, _tables: string[], isTag: boolean, config?: CacheConfig): Promise<void> {
    const key = keyOf(drizzleKey, this.#runtime.catalog.dialect)
    let ttlSeconds: number | undefined
    try {
      ttlSeconds = ttlSecondsOf(config, Date.now())
    } catch (error) {
      this.#signals.settle(key, isTag, { ttlSeconds: 0 })
      throw error
    }
    if (ttlSeconds === 0) this.#checks.momentPassed()
    this.#signals.settle(key, isTag, ttlSeconds === undefined ? undefined : { ttlSeconds })
  }

  /**
   * Drizzle's own write notification, sent alongside each builder write as it starts (0.x) or once
   * it resolved (1.0). Our driver wrapper already registered that write (synchronously) and bumps
   * precisely once it has settled; otherwise (a driver that is not wrapped) the tables are
   * invalidated here. Never throws: it runs beside the write, and must not fail it.
   */
  override async onMutate(params: MutationOption): Promise<void> {
    const { tables, tags } = targetOf(params)
    if (tags.length === 0 && tables.length > 0 && tables.every((name) => (this.#writing.get(name) ?? 0) > 0)) return
    try {
      await this.#runtime.invalidate({ tables, tags })
    } catch (error) {
      // A table the catalog does not know (spelled differently by Drizzle?), or a failure: the safe side.
      this.#runtime.cache.report({
        type: 'degraded',
        source: 'drizzle',
        detail: 'could not invalidate the tables of a write notification: every cached read is invalidated instead',
        error,
      })
      await this.#runtime.publish(changeScopes([{ kind: 'database' }]))
    }
  }

  /**
   * Runs one query and says what the cache did for it: a fresh hit (with the entry's age), a stale
   * hit being refreshed, a miss, merged into an identical lookup, or not cached and why; with the
   * tables the read depends on.
   *
   * @example
   * const { data, status } = await kv.withStatus(db.select().from(posts).where(eq(posts.id, 1)))
   */
  withStatus<T>(query: QueryWithSql<T>): Promise<{ readonly data: T; readonly status: QueryStatus }> {
    return runWithStatus(this.#statuses, query)
  }

  /**
   * `db.$cache.invalidate({ tables, tags })`. Drizzle assigns `onMutate` to this property of the
   * cache it is given; the setter keeps our own, which, unlike a write notification, fails on a
   * table the database does not have (`UNKNOWN_TABLE`, naming the nearest).
   */
  get invalidate(): (params: MutationOption) => Promise<void> {
    return (params) => this.#runtime.invalidate(targetOf(params))
  }

  set invalidate(_drizzleOnMutate: unknown) {
    // Ignored on purpose: see the getter.
  }

  /**
   * Names the database (identity, claimed in this cache) and where its catalog comes from. Driver
   * wrappers call it. One binding serves one database: the core runtime refuses a second one.
   */
  attachDriver(source: DatabaseSource): void {
    this.#runtime.attach(source)
    this.#checks.wrapped()
  }

  /** `kv.d1()` got a D1 session rather than the database: reported once (see `SetupChecks`). */
  noteSessionWithoutDatabase(): void {
    this.#checks.sessionWithoutDatabase()
  }

  /** Forgets this database's catalog in this isolate (after a migration run elsewhere); the next statement reads it again. */
  refreshCatalog(): void {
    this.#runtime.catalog.refresh()
  }

  /** Reads the catalog now if this isolate has none (before a transaction takes the connection). Never throws. */
  async prepareCatalog(): Promise<void> {
    await this.#runtime.catalog.current({ wait: true })
  }

  /** Runs one statement through the cache policy. Never fails because of the cache. */
  run<T>(statement: Statement, session: Session | undefined, exec: Exec<T>, position?: PositionOf): Promise<T> {
    return this.#runner.run(statement, session, exec, position)
  }

  /** Invalidation for a batch of statements that ran (held until commit inside a transaction). */
  afterBatch(statements: readonly Statement[], session?: Session, position?: PositionOf): Promise<void> {
    return this.#runner.afterBatch(statements, session, position)
  }

  /** A script of unknown statements (`D1Database.exec`, `executeMultiple`, migrations): bump everything. */
  afterScript(session?: Session): Promise<void> {
    return this.#runner.afterScript(session)
  }

  /** State for one connection: a core transaction buffer; catalog queries for it run through `run` (its own connection). */
  newSession(run?: RunQuery): Session {
    return { transaction: this.#runtime.transaction(), ...(run ? { run } : {}) }
  }
}

// drizzle-orm 1.0's SQLite sessions key a read by its prepared query's method too (`all_<hash>`,
// `get_<tag>`: sqlite-core's `queryWithCache`), so that `.all()` and `.get()` are two entries; 0.x,
// and PostgreSQL on 1.0, hand over the hash or tag alone. Our entries are keyed by statement and
// driver method already, and a tag must be the one `$withCache({ tag })` and `invalidate({ tags })` name.
const SQLITE_KEYS_HAVE_METHOD = Number.parseInt(npmVersion, 10) >= 1
const METHOD_PREFIX = /^(?:run|all|get|values)_/

/** The query hash or tag a key Drizzle hands `get` / `put` stands for. */
function keyOf(drizzleKey: string, dialect: string | undefined): string {
  return SQLITE_KEYS_HAVE_METHOD && dialect === 'sqlite' ? drizzleKey.replace(METHOD_PREFIX, '') : drizzleKey
}

/** Drizzle's `{ tables, tags }` (each one value or a list; tables as objects or names) as canonical names. */
function targetOf(params: MutationOption): { tables: string[]; tags: string[] } {
  const tables = ([] as unknown[]).concat((params?.tables ?? []) as never)
  return {
    tables: tables.map((table) => (typeof table === 'string' ? canonicalTable(table) : nameOfTable(table as object))),
    tags: ([] as string[]).concat(params?.tags ?? []),
  }
}

/** Fails at setup, naming the argument, instead of deep inside the first query. */
export function requireDriver(driver: unknown, method: string, call: string, expected: string): void {
  if (typeof (driver as Record<string, unknown> | undefined)?.[method] !== 'function') {
    throw kvCacheError('MISSING_BINDING', 'drizzle', `\`${call}\` needs ${expected}, got ${driver === undefined ? 'undefined' : typeof driver}.`)
  }
}

/** The options only this binding has (the core runtime checks the shared ones and unknown names). */
function validateOwnOptions(options: DrizzleCacheOptions): void {
  const invalid = (message: string) => kvCacheError('INVALID_OPTION', 'drizzle', message)
  if (typeof options !== 'object' || options === null) return
  if (options.onBypass !== undefined && typeof options.onBypass !== 'function') throw invalid('Option `onBypass` must be a function.')
  if (options.schema !== undefined && (typeof options.schema !== 'object' || options.schema === null)) {
    throw invalid("Option `schema` must be your Drizzle schema module (`import * as schema from './schema'`).")
  }
  const views: unknown = options.views
  const validViews =
    views === undefined ||
    (typeof views === 'object' &&
      views !== null &&
      Object.values(views).every((tables) => Array.isArray(tables) && tables.every((table) => typeof table === 'string')))
  if (!validViews) throw invalid("Option `views` must map each view to the tables it reads, e.g. `{ published_posts: ['posts'] }`.")
}

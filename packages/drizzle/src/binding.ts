import { tableScope, tagScope, type Cache as KvCache, type ScopeTarget } from '@kvcache/core'
import { bulkScope, databaseScope, kvCacheError, pendingInvalidations } from '@kvcache/core/internal'
import type { Table } from 'drizzle-orm'
import { Cache as DrizzleCache } from 'drizzle-orm/cache/core'
import { hashQuery, type MutationOption } from 'drizzle-orm/cache/core'
import type { CacheConfig } from 'drizzle-orm/cache/core/types'
import { wrapD1, type D1DatabaseLike } from './d1'
import { wrapLibsql, type LibsqlClientLike } from './libsql'
import { wrapPg, type PgQueryable } from './pg'
import { dependentsOf, planStatement, type PlanContext } from './plan'
import { nameOfTable, schemaInfo } from './schema-info'
import { canonicalTable, shapeOf } from './sql-plan'
import { ttlSecondsOf } from './ttl'

/** Options for `drizzleCache`. */
export interface DrizzleCacheOptions {
  /** `explicit`: only `.$withCache()` reads are cached. `all`: every read, including relational and raw ones. @default 'explicit' */
  readonly strategy?: 'explicit' | 'all'
  /** Your Drizzle schema module: enables cascade invalidation, row-level scopes and view detection. */
  readonly schema?: Record<string, unknown>
  /** Views (or other relations) and the tables they read, e.g. `{ published_posts: ['posts', 'users'] }`. */
  readonly views?: Readonly<Record<string, readonly string[]>>
  /** Identifies the database in cache keys, so two databases never share entries. @default 'default' */
  readonly database?: string
  /** Freshness of cached reads without `$withCache({ config })`, in seconds. @default the cache's `defaultTtlSeconds` */
  readonly ttlSeconds?: number
  /** Told when a read is not cached because its dependencies cannot be named safely. */
  readonly onBypass?: (info: { readonly sql: string; readonly reason: string }) => void
}

interface Signal {
  readonly slot: string
  readonly tag: string | undefined
  readonly autoInvalidate: boolean
  readonly tables: readonly string[]
  readonly atMs: number
  /** Resolved by `put`, which is where Drizzle reveals `$withCache({ config })`. */
  readonly late: Promise<{ ttlSeconds?: number } | undefined>
  readonly settle: (options: { ttlSeconds?: number } | undefined) => void
}

/** One statement as a driver wrapper sees it. */
export interface Statement {
  readonly sql: string
  readonly params: readonly unknown[]
  /** Driver method (`all`, `raw`, `first`, `run`, `query`...): part of the key, since results differ. */
  readonly method: string
}

/** Per-connection transaction state; reads inside a transaction bypass the cache. */
export interface Session {
  inTransaction: boolean
  readonly pending: ReturnType<typeof pendingInvalidations>
}

const SIGNAL_TTL_MS = 10_000
const KNOWN = ['strategy', 'schema', 'views', 'database', 'ttlSeconds', 'onBypass']

/**
 * The Drizzle side of @kvcache: a Drizzle `Cache` (for `$withCache()` opt-ins and
 * `db.$cache.invalidate()`), plus driver wrappers (`d1()`, `pg()`) that see every statement,
 * so batches, raw SQL, relational queries and subqueries are handled too.
 */
export class KvDrizzleCache extends DrizzleCache {
  readonly #cache: KvCache
  readonly #strategy: 'explicit' | 'all'
  readonly #context: PlanContext
  readonly #database: string
  readonly #ttlSeconds: number | undefined
  readonly #onBypass: DrizzleCacheOptions['onBypass']
  readonly #signals = new Map<string, Signal[]>()
  readonly #awaitingPut = new Map<string, Signal[]>()
  /** Tables with a write in flight through our driver wrapper (counted). */
  readonly #writing = new Map<string, number>()
  #driverWrapped = false

  constructor(cache: KvCache, options: DrizzleCacheOptions = {}) {
    super()
    for (const name of Object.keys(options)) {
      if (!KNOWN.includes(name)) throw kvCacheError('UNKNOWN_OPTION', 'drizzle', `Unknown option \`${name}\`. Known options: ${KNOWN.join(', ')}.`)
    }
    if (!cache || typeof cache.query !== 'function') {
      throw kvCacheError('MISSING_BINDING', 'drizzle', 'Missing required argument `cache` (from `createCache` in @kvcache/core).')
    }
    if (options.strategy !== undefined && options.strategy !== 'explicit' && options.strategy !== 'all') {
      throw kvCacheError('INVALID_OPTION', 'drizzle', `Option \`strategy\` must be 'explicit' or 'all', got ${String(options.strategy)}.`)
    }
    this.#cache = cache
    this.#strategy = options.strategy ?? 'explicit'
    this.#database = options.database ?? 'default'
    this.#ttlSeconds = options.ttlSeconds
    this.#onBypass = options.onBypass
    const views = new Map<string, readonly string[]>()
    for (const [view, tables] of Object.entries(options.views ?? {})) views.set(canonicalTable(view), tables.map(canonicalTable))
    this.#context = { schema: options.schema ? schemaInfo(options.schema) : undefined, views }
  }

  /**
   * Always 'explicit' towards Drizzle: with 'all', Drizzle would hash every builder read itself
   * (its hash throws on BigInt parameters). Our driver wrapper applies `strategy: 'all'` instead.
   */
  override strategy(): 'explicit' | 'all' {
    return 'explicit'
  }

  /**
   * Drizzle asks here before running a cacheable builder read. We answer "not cached" and record
   * the read's options; the driver wrapper then serves it through the core, which reads version
   * stamps before the query runs (Drizzle's get-then-put cannot order that safely).
   */
  override async get(key: string, tables: string[], isTag: boolean, isAutoInvalidate?: boolean): Promise<undefined> {
    if (!this.#driverWrapped) return undefined
    this.#prune()
    const slot = isTag ? `tag:${key}` : key
    let settle!: Signal['settle']
    const late = new Promise<{ ttlSeconds?: number } | undefined>((resolve) => (settle = resolve))
    const signal: Signal = {
      slot,
      tag: isTag ? key : undefined,
      autoInvalidate: isAutoInvalidate ?? true,
      tables: tables.map(canonicalTable),
      atMs: Date.now(),
      late,
      settle,
    }
    this.#signals.set(slot, [...(this.#signals.get(slot) ?? []), signal])
    return undefined
  }

  /** Drizzle's put carries the `$withCache` config; the core is waiting for it to fill the entry. */
  override async put(key: string, _response: unknown, _tables: string[], isTag: boolean, config?: CacheConfig): Promise<void> {
    const slot = isTag ? `tag:${key}` : key
    const waiting = this.#awaitingPut.get(slot)
    const signal = waiting?.shift()
    if (waiting && waiting.length === 0) this.#awaitingPut.delete(slot)
    const ttlSeconds = ttlSecondsOf(config, Date.now())
    signal?.settle(ttlSeconds === undefined ? undefined : { ttlSeconds })
  }

  /** `db.$cache.invalidate({ tables, tags })` and Drizzle's own write notifications land here. */
  override async onMutate(params: MutationOption): Promise<void> {
    const tables = ([] as (string | Table)[]).concat((params.tables ?? []) as never)
    const tags = ([] as string[]).concat(params.tags ?? [])
    const names = tables.map((table) => (typeof table === 'string' ? canonicalTable(table) : nameOfTable(table)))
    // Drizzle calls this alongside each builder write, as the statement starts. Our driver wrapper
    // already registered that write (synchronously) and bumps precisely once it has settled.
    if (tags.length === 0 && names.length > 0 && names.every((name) => (this.#writing.get(name) ?? 0) > 0)) return
    const scopes = new Set<string>(tags.map(tagScope))
    for (const name of names) {
      for (const touched of [name, ...dependentsOf(name, undefined, this.#context)]) {
        scopes.add(tableScope(touched))
        scopes.add(bulkScope(touched))
      }
    }
    await this.#cache.invalidate({ scopes: [...scopes] })
  }

  /** Wraps a D1 binding: `drizzle(kv.d1(env.DB), { cache: kv })`. */
  d1<T extends D1DatabaseLike>(database: T): T {
    requireDriver(database, 'prepare', 'kv.d1(database)', 'a D1 binding such as `env.DB` (check d1_databases in wrangler.jsonc)')
    return wrapD1(database, this)
  }

  /** Wraps a node-postgres Pool or Client: `drizzle({ client: kv.pg(pool), cache: kv })`. */
  pg<T extends PgQueryable>(client: T): T {
    requireDriver(client, 'query', 'kv.pg(client)', 'a node-postgres Pool or Client')
    return wrapPg(client, this)
  }

  /** Wraps a libSQL / Turso client: `drizzle(kv.libsql(client), { cache: kv })`. */
  libsql<T extends LibsqlClientLike>(client: T): T {
    requireDriver(client, 'execute', 'kv.libsql(client)', 'a client from `createClient()` of @libsql/client')
    return wrapLibsql(client, this)
  }

  /** Marks that a driver wrapper exists, so `get()` signals will be consumed. */
  attachDriver(): void {
    this.#driverWrapped = true
  }

  /** Runs one statement through the cache policy. Never fails because of the cache. */
  async run<T>(statement: Statement, session: Session | undefined, exec: () => Promise<T>): Promise<T> {
    let plan: ReturnType<typeof planStatement>
    try {
      plan = planStatement(statement.sql, statement.params, this.#context)
    } catch (error) {
      // Never let our SQL reading fail a query: run it uncached and invalidate everything after.
      this.#onBypass?.({ sql: statement.sql, reason: `could not analyse the statement: ${String(error)}` })
      plan = { type: 'write', target: { scopes: [databaseScope()] } }
    }
    switch (plan.type) {
      case 'transaction':
        return this.#transaction(plan.control, session, exec)
      case 'write': {
        const tables = shapeOf(statement.sql).writes
        for (const table of tables) this.#writing.set(table, (this.#writing.get(table) ?? 0) + 1)
        try {
          const result = await exec()
          // After the write settled: a read that raced it read older stamps, so its fill is dead on arrival.
          await this.#publish(plan.target, session)
          return result
        } finally {
          for (const table of tables) {
            const left = (this.#writing.get(table) ?? 1) - 1
            if (left > 0) this.#writing.set(table, left)
            else this.#writing.delete(table)
          }
        }
      }
      case 'bypass':
        this.#onBypass?.({ sql: statement.sql, reason: plan.reason })
        return exec()
      case 'read': {
        const signal = await this.#takeSignal(statement)
        if (session?.inTransaction) return exec()
        if (!signal && this.#strategy === 'explicit') return exec()
        const scopes = signal && !signal.autoInvalidate ? [] : [...plan.scopes]
        if (signal?.tag) scopes.push(tagScope(signal.tag))
        const material = { drizzle: this.#database, sql: statement.sql, params: statement.params, method: statement.method }
        const request = {
          material,
          scopes,
          ...(this.#ttlSeconds === undefined ? {} : { ttlSeconds: this.#ttlSeconds }),
          ...(signal ? { lateOptions: signal.late } : {}),
        }
        return this.#cache.query(request, exec)
      }
    }
  }

  /** Invalidation for a batch of statements that ran atomically (held until commit inside a transaction). */
  async afterBatch(statements: readonly Statement[], session?: Session): Promise<void> {
    const scopes = new Set<string>()
    for (const statement of statements) {
      const plan = planStatement(statement.sql, statement.params, this.#context)
      if (plan.type === 'write') for (const scope of scopesOf(plan.target)) scopes.add(scope)
    }
    if (scopes.size > 0) await this.#publish({ scopes: [...scopes] }, session)
  }

  /** A script of unknown statements (`D1Database.exec`, `executeMultiple`): bump everything. */
  async afterScript(session?: Session): Promise<void> {
    await this.#publish({ scopes: [databaseScope()] }, session)
  }

  newSession(): Session {
    return { inTransaction: false, pending: pendingInvalidations(this.#cache) }
  }

  async #publish(target: ScopeTarget, session: Session | undefined): Promise<void> {
    if (session?.inTransaction) session.pending.add(target)
    else await this.#cache.invalidate(target)
  }

  async #transaction<T>(control: string, session: Session | undefined, exec: () => Promise<T>): Promise<T> {
    const result = await exec()
    if (!session) return result
    if (control === 'begin') session.inTransaction = true
    if (control === 'commit') {
      session.inTransaction = false
      await session.pending.commit()
    }
    if (control === 'rollback') {
      session.inTransaction = false
      session.pending.discard()
    }
    return result
  }

  async #takeSignal(statement: Statement): Promise<Signal | undefined> {
    if (this.#signals.size === 0) return undefined
    this.#prune()
    let hash: string | undefined
    try {
      hash = await hashQuery(statement.sql, statement.params as unknown[])
    } catch {
      hash = undefined
    }
    const byHash = hash === undefined ? undefined : this.#signals.get(hash)
    const signal = byHash?.shift() ?? this.#takeTagSignal(statement.sql)
    if (byHash && byHash.length === 0 && hash) this.#signals.delete(hash)
    if (signal) this.#awaitingPut.set(signal.slot, [...(this.#awaitingPut.get(signal.slot) ?? []), signal])
    return signal
  }

  #takeTagSignal(sql: string): Signal | undefined {
    const reads = new Set(shapeOf(sql).reads)
    for (const [slot, signals] of this.#signals) {
      if (!slot.startsWith('tag:')) continue
      const index = signals.findIndex((signal) => signal.tables.every((table) => reads.has(table)))
      if (index < 0) continue
      const [signal] = signals.splice(index, 1)
      if (signals.length === 0) this.#signals.delete(slot)
      return signal
    }
    return undefined
  }

  #prune(): void {
    const cutoff = Date.now() - SIGNAL_TTL_MS
    for (const map of [this.#signals, this.#awaitingPut]) {
      for (const [slot, signals] of map) {
        const live = signals.filter((signal) => signal.atMs >= cutoff)
        for (const signal of signals) if (signal.atMs < cutoff) signal.settle(undefined)
        if (live.length === 0) map.delete(slot)
        else map.set(slot, live)
      }
    }
  }
}

/** Fails at setup, naming the argument, instead of deep inside the first query. */
function requireDriver(driver: unknown, method: string, call: string, expected: string): void {
  if (typeof (driver as Record<string, unknown> | undefined)?.[method] !== 'function') {
    throw kvCacheError('MISSING_BINDING', 'drizzle', `\`${call}\` needs ${expected}, got ${driver === undefined ? 'undefined' : typeof driver}.`)
  }
}

function scopesOf(target: ScopeTarget): string[] {
  return [...(target.scopes ?? []), ...(target.tables ?? []).map(tableScope)]
}

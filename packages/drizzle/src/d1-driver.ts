import type { LoadContext } from '@kvcache/core'
import { bookmarkOf, sessionFor } from '@kvcache/core/binding'
import { introspectSqlite, type RunQuery } from '@kvcache/core/sql'
import { requireDriver, type KvDrizzleCacheBase } from './binding'
import type { Statement } from './runner'

/** The parts of a D1 prepared statement Drizzle uses, typed structurally. */
interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike
  all(): Promise<unknown>
  raw(options?: unknown): Promise<unknown>
  first(column?: string): Promise<unknown>
  run(): Promise<unknown>
}

/** The parts of a `D1Database` (or a `withSession()` session) this wrapper touches. */
export interface D1DatabaseLike {
  prepare(sql: string): D1StatementLike
  batch(statements: D1StatementLike[]): Promise<unknown[]>
  exec?(sql: string): Promise<unknown>
  withSession?(constraint?: string): D1DatabaseLike
  /** Present on a session: the newest bookmark its queries saw. */
  getBookmark?(): string | null
}

const REAL = Symbol('kvcache.d1.real')
const STATEMENT = Symbol('kvcache.d1.statement')

type Method = 'all' | 'raw' | 'first' | 'run'

/**
 * Where a read runs so that its answer includes every write the cache recorded for its tables: a
 * database (not a session) reads the primary; a session whose bookmark is recent enough, itself;
 * else a new session from the same database, anchored at the writes' bookmark (or the primary).
 * Undefined when the session came without its database, so it cannot be re-anchored.
 */
function handleFor(d1: D1DatabaseLike, root: D1DatabaseLike | undefined, context: LoadContext | undefined): D1DatabaseLike | undefined {
  if (typeof d1.getBookmark !== 'function' || context === undefined) return d1
  const choice = sessionFor(context.freshness, bookmarkOf(d1))
  if (choice.kind === 'own') return d1
  return root?.withSession?.(choice.kind === 'open' ? choice.at : 'first-primary')
}

/**
 * Wraps a D1 binding (or a session of it) so every statement passes the cache: reads are served
 * from it (per the binding's strategy), writes, batches and raw scripts invalidate what they
 * touched after they complete, with the session's bookmark when there is one. D1 has no
 * interactive transactions; `db.batch()` is atomic and invalidates once. `root` is the database
 * a session was opened from (through this wrapper's `withSession`).
 */
function wrapD1<T extends D1DatabaseLike>(d1: T, binding: KvDrizzleCacheBase, root?: D1DatabaseLike): T {
  const position = typeof d1.getBookmark === 'function' ? () => bookmarkOf(d1) : undefined
  const wrapStatement = (real: D1StatementLike, sql: string, params: readonly unknown[]): D1StatementLike => {
    const through = (key: string, method: Method, argument?: unknown) =>
      binding.run(
        { sql, params, method: key } satisfies Statement,
        undefined,
        async (context?: LoadContext) => {
          const call = (statement: D1StatementLike) => (statement[method] as (argument?: unknown) => Promise<unknown>)(argument)
          let handle: D1DatabaseLike | undefined
          try {
            handle = handleFor(d1, root, context)
          } catch {
            handle = undefined
          }
          if (handle === d1) return call(real)
          if (handle !== undefined) {
            try {
              return await call(handle.prepare(sql).bind(...params))
            } catch {
              // The anchored session was refused (a bookmark from storage D1 does not take, a
              // primary out of reach): the caller's own session answers, as below.
            }
          }
          // Cannot read recently enough (a session without its database, or refused): served, never stored.
          context?.cannotMeet()
          return call(real)
        },
        position,
      )
    return {
      [REAL]: real,
      [STATEMENT]: { sql, params, method: 'batch' } satisfies Statement,
      bind: (...values: unknown[]) => wrapStatement(real.bind(...values), sql, values),
      all: () => through('all', 'all'),
      raw: (options?: unknown) => through(options === undefined ? 'raw' : `raw:${JSON.stringify(options)}`, 'raw', options),
      first: (column?: string) => through(column === undefined ? 'first' : `first:${column}`, 'first', column),
      run: () => through('run', 'run'),
    } as D1StatementLike
  }
  const unwrap = (statement: D1StatementLike) => (statement as unknown as Record<symbol, D1StatementLike>)[REAL] ?? statement
  const describe = (statement: D1StatementLike) => (statement as unknown as Record<symbol, Statement | undefined>)[STATEMENT]

  const wrapped: D1DatabaseLike = {
    prepare: (sql: string) => wrapStatement(d1.prepare(sql), sql, []),
    // Invalidate even when the call fails: an error does not prove nothing changed (exec runs
    // its statements one by one, and a batch's response can be lost after it committed).
    async batch(statements: D1StatementLike[]) {
      try {
        return await d1.batch(statements.map(unwrap))
      } finally {
        const described = statements.map(describe).filter((statement): statement is Statement => statement !== undefined)
        await binding.afterBatch(described, undefined, position)
      }
    },
    async exec(sql: string) {
      try {
        return await (d1.exec as (sql: string) => Promise<unknown>)(sql)
      } finally {
        await binding.afterScript()
      }
    },
    ...(d1.withSession ? { withSession: (constraint?: string) => wrapD1(d1.withSession!(constraint), binding, d1) } : {}),
  }
  // Anything else (getBookmark, dump, future methods) passes through untouched.
  return new Proxy(d1, {
    get(target, property, receiver) {
      if (property in wrapped) return (wrapped as unknown as Record<PropertyKey, unknown>)[property]
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/**
 * `kv.d1(env.DB)`: checks the binding, claims it as this binding's database (a second D1 database
 * under the same `database` name fails fast), attaches it as the catalog source, and wraps it.
 */
export function attachD1<T extends D1DatabaseLike>(binding: KvDrizzleCacheBase, database: T): T {
  requireDriver(database, 'prepare', 'kv.d1(database)', 'a D1 binding such as `env.DB` (check d1_databases in wrangler.jsonc)')
  const run: RunQuery = async (sql) => ((await database.prepare(sql).all()) as { results: Record<string, unknown>[] }).results
  binding.attachDriver({ handle: database, dialect: 'sqlite', run, introspect: introspectSqlite })
  if (typeof database.getBookmark === 'function') binding.noteSessionWithoutDatabase()
  return wrapD1(database, binding)
}

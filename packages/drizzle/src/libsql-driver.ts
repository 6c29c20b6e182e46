import { introspectSqlite, type RunQuery } from '@kvcache/core/sql'
import { requireDriver, type KvDrizzleCacheBase } from './binding'
import type { Session, Statement } from './runner'

// Arguments are whatever libSQL accepts (positional array or named object); `any` keeps the
// structural type assignable from every @libsql/client version.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type InArgs = any
type InStatement = string | { readonly sql: string; readonly args?: InArgs } | [string, InArgs?]

/** The parts of a libSQL / Turso `Client` (and its `Transaction`) this wrapper touches, typed structurally. */
export interface LibsqlClientLike {
  execute(statement: InStatement, args?: unknown): Promise<unknown>
  batch(statements: InStatement[], mode?: unknown): Promise<unknown[]>
  executeMultiple(sql: string): Promise<void>
  transaction?(mode?: unknown): Promise<LibsqlTransactionLike>
  migrate?(statements: InStatement[]): Promise<unknown[]>
}

interface LibsqlTransactionLike {
  execute(statement: InStatement): Promise<unknown>
  batch(statements: InStatement[]): Promise<unknown[]>
  executeMultiple(sql: string): Promise<void>
  commit(): Promise<void>
  rollback(): Promise<void>
  close(): void
}

interface PlainResult {
  readonly columns: string[]
  readonly columnTypes: string[]
  readonly rows: unknown[][]
  readonly rowsAffected: number
  readonly lastInsertRowid: bigint | undefined
}

interface ResultLike {
  readonly columns: string[]
  readonly columnTypes?: string[]
  readonly rows: ArrayLike<unknown>[]
  readonly rowsAffected: number
  readonly lastInsertRowid?: bigint
}

/** libSQL rows are objects with non-enumerable indices (JSON loses them): store plain arrays. */
function toPlain(result: unknown): PlainResult {
  const r = result as ResultLike
  return {
    columns: [...r.columns],
    columnTypes: [...(r.columnTypes ?? [])],
    rows: r.rows.map((row) => Array.from({ length: row.length }, (_, i) => row[i])),
    rowsAffected: r.rowsAffected,
    lastInsertRowid: r.lastInsertRowid,
  }
}

/** Rebuilds libSQL's row shape: indices and `length` non-enumerable, column names enumerable. */
function toRow(values: readonly unknown[], columns: readonly string[]): Record<string | number, unknown> {
  const row: Record<string | number, unknown> = {}
  values.forEach((value, i) => Object.defineProperty(row, i, { value, enumerable: false }))
  Object.defineProperty(row, 'length', { value: values.length, enumerable: false })
  columns.forEach((column, i) => {
    if (!Object.hasOwn(row, column)) Object.defineProperty(row, column, { value: values[i], enumerable: true, writable: true, configurable: true })
  })
  return row
}

/** The result a caller sees, identical on a miss and on a hit. */
function toResult(plain: PlainResult): unknown {
  const result = {
    columns: plain.columns,
    columnTypes: plain.columnTypes,
    rows: plain.rows.map((values) => toRow(values, plain.columns)),
    rowsAffected: plain.rowsAffected,
    lastInsertRowid: plain.lastInsertRowid,
  }
  Object.defineProperty(result, 'toJSON', {
    enumerable: false,
    value: () => ({ ...plain, lastInsertRowid: plain.lastInsertRowid === undefined ? null : String(plain.lastInsertRowid) }),
  })
  return result
}

function statementOf(statement: InStatement, args?: unknown): Statement {
  const sql = typeof statement === 'string' ? statement : Array.isArray(statement) ? statement[0] : statement.sql
  const given: unknown = typeof statement === 'string' ? args : Array.isArray(statement) ? statement[1] : statement.args
  // Named arguments ({ id: 1 }) stay in the key; only positional ones can match a primary-key filter.
  return { sql, params: Array.isArray(given) ? given : given === undefined ? [] : [given], method: 'execute' }
}

function wrapExecutor<T extends LibsqlClientLike | LibsqlTransactionLike>(target: T, binding: KvDrizzleCacheBase, session: Session | undefined) {
  return {
    execute: async (statement: InStatement, args?: unknown) =>
      toResult(
        await binding.run(statementOf(statement, args), session, async () =>
          toPlain(await (target.execute as (s: InStatement, a?: unknown) => Promise<unknown>)(statement, args)),
        ),
      ),
    // Invalidate even when the call fails: an error does not prove nothing changed.
    batch: async (statements: InStatement[], mode?: unknown) => {
      try {
        const results = await (target.batch as (s: InStatement[], m?: unknown) => Promise<unknown[]>)(statements, mode)
        return results.map((result) => toResult(toPlain(result)))
      } finally {
        await binding.afterBatch(
          statements.map((statement) => statementOf(statement)),
          session,
        )
      }
    },
    executeMultiple: async (sql: string) => {
      try {
        await target.executeMultiple(sql)
      } finally {
        await binding.afterScript(session)
      }
    },
  }
}

/**
 * Wraps a libSQL / Turso client: reads through the cache, writes and batches invalidate after
 * they complete, and interactive transactions publish their invalidations on `commit()` only
 * (savepoints inside them, as Drizzle's nested transactions send them, are followed by the buffer).
 * Results (hit or miss) keep libSQL's row shape: `row[0]` and `row.name` both work.
 */
function wrapLibsql<T extends LibsqlClientLike>(client: T, binding: KvDrizzleCacheBase): T {
  const executor = wrapExecutor(client, binding, undefined)
  const overrides: Record<PropertyKey, unknown> = {
    ...executor,
    migrate: async (statements: InStatement[]) => {
      try {
        return await (client.migrate as NonNullable<LibsqlClientLike['migrate']>)(statements)
      } finally {
        await binding.afterScript()
      }
    },
    transaction: async (mode?: unknown) => {
      // Learn the catalog first: inside the transaction, writes are planned with what is known.
      await binding.prepareCatalog()
      const tx = await (client.transaction as NonNullable<LibsqlClientLike['transaction']>)(mode)
      // libSQL opened the transaction itself (BEGIN never passes the wrapper): start its buffer here.
      const session = binding.newSession()
      await session.transaction.apply({ kind: 'begin' })
      let settled = false
      return new Proxy(tx, {
        get(txTarget, property) {
          const own = wrapExecutor(txTarget, binding, session) as Record<PropertyKey, unknown>
          if (property in own) return own[property]
          if (property === 'commit') {
            return async () => {
              settled = true
              // A COMMIT that fails may still have committed: the buffer publishes then too.
              await session.transaction.run({ kind: 'commit' }, () => txTarget.commit())
            }
          }
          if (property === 'rollback' || property === 'close') {
            return async () => {
              const end = async () => (txTarget[property] as () => unknown)()
              if (settled) return end()
              settled = true
              await session.transaction.run({ kind: 'rollback' }, end)
            }
          }
          const value = Reflect.get(txTarget, property, txTarget)
          return typeof value === 'function' ? value.bind(txTarget) : value
        },
      })
    },
  }
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property in overrides) return overrides[property]
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** `kv.libsql(client)`: checks the client, attaches it as the catalog source (SQLite), and wraps it. */
export function attachLibsql<T extends LibsqlClientLike>(binding: KvDrizzleCacheBase, client: T): T {
  requireDriver(client, 'execute', 'kv.libsql(client)', 'a client from `createClient()` of @libsql/client')
  const run: RunQuery = async (sql) => ((await client.execute(sql)) as { rows: Record<string, unknown>[] }).rows
  binding.attachDriver({ handle: client, dialect: 'sqlite', run, introspect: introspectSqlite })
  return wrapLibsql(client, binding)
}

import type { SqlLike } from '../../coordinator/src/stamp-table'

/** One object's SQLite database, as far as the stamp table uses it: its two tables, in memory. */
export interface SimulatedStampSql {
  readonly sql: SqlLike
  /** `ctx.storage.transactionSync`: runs `work` at once; a throw rolls back what it wrote. */
  transaction<T>(work: () => T): T
}

type Rows = Map<string, string>
type Statement = (tables: { stamps: Rows; meta: Rows }, bindings: readonly unknown[]) => Record<string, unknown>[]

const text = (value: unknown): string => {
  if (typeof value !== 'string') throw new Error(`[checker] simulated-sql: expected a TEXT binding, got ${typeof value}`)
  return value
}
const row = (found: string | undefined, column: string) => (found === undefined ? [] : [{ [column]: found }])

/**
 * Exactly the statements `packages/coordinator/src/stamp-table.ts` issues, matched word for word
 * (a simulation for the checker, not SQL): any other statement throws, so a change to the stamp
 * table's SQL fails the checker loudly instead of running against a guess.
 */
const STATEMENTS: Readonly<Record<string, Statement>> = {
  'CREATE TABLE IF NOT EXISTS kvcache_stamps (scope TEXT PRIMARY KEY, stamp TEXT NOT NULL) WITHOUT ROWID': () => [],
  'CREATE TABLE IF NOT EXISTS kvcache_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID': () => [],
  'SELECT value FROM kvcache_meta WHERE key = ?': ({ meta }, [key]) => row(meta.get(text(key)), 'value'),
  'INSERT OR REPLACE INTO kvcache_meta (key, value) VALUES (?, ?)': ({ meta }, [key, value]) => (meta.set(text(key), text(value)), []),
  'SELECT stamp FROM kvcache_stamps WHERE scope = ?': ({ stamps }, [scope]) => row(stamps.get(text(scope)), 'stamp'),
  'INSERT OR REPLACE INTO kvcache_stamps (scope, stamp) VALUES (?, ?)': ({ stamps }, [scope, stamp]) => (stamps.set(text(scope), text(stamp)), []),
}

/** A fresh, empty database for one simulated coordinator object. */
export function simulatedStampSql(): SimulatedStampSql {
  const tables = { stamps: new Map<string, string>(), meta: new Map<string, string>() }
  return {
    sql: {
      exec(query, ...bindings) {
        const statement = STATEMENTS[query]
        if (!statement) throw new Error(`[checker] simulated-sql: statement not simulated: ${query}`)
        const rows = statement(tables, bindings)
        return { toArray: () => rows }
      },
    },
    transaction(work) {
      const before = { stamps: new Map(tables.stamps), meta: new Map(tables.meta) }
      try {
        return work()
      } catch (error) {
        tables.stamps = before.stamps
        tables.meta = before.meta
        throw error
      }
    },
  }
}

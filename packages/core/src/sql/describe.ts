import { resolveRelation, type Catalog } from './catalog'
import { assignsColumns, keyFilterOf } from './key-filter'
import { readStatement, type SavepointStatement, type StatementKind, type TransactionControl } from './reader'
import { updateColumnsOf } from './set-columns'
import type { Dialect } from './tokens'
import type { WriteEvent } from './writes'

/** One row's primary key: column name -> value. */
export type RowKey = Readonly<Record<string, unknown>>

/** One table a statement writes, described by its parts. */
export interface WriteDescription {
  readonly table: string
  readonly event: WriteEvent
  /** The rows written, by primary key, when the write is limited to them (an UPDATE or DELETE by key, rows an ORM inserted); omit for a bulk write. */
  readonly keys?: readonly RowKey[]
  /** True when the write assigns a primary-key column (the row moves to another key). */
  readonly keyChanged?: boolean
  /**
   * For an `update`: the columns it assigns, as the database names them, when known exactly.
   * Omit when unknown: the write then counts as changing every column (never quiet under `fieldTracking`).
   */
  readonly columns?: readonly string[]
}

/**
 * A statement described by its parts instead of SQL text: what Kysely reads off its operation
 * tree and Prisma off its model operations. The SQL path builds the same description.
 */
export interface OperationDescription {
  readonly kind: StatementKind
  /** For `transaction` statements. */
  readonly control?: TransactionControl
  /** For `savepoint` control: which statement, and the savepoint's name. */
  readonly savepoint?: SavepointStatement
  /** Relations read (tables or views), any spelling `canonicalTable` accepts. */
  readonly reads?: readonly string[]
  /** For a read of exactly one table limited by primary key (`findUnique`, `where id in (...)`): those rows. */
  readonly readKeys?: readonly RowKey[]
  /** Tables written and how. */
  readonly writes?: readonly WriteDescription[]
  /** True for schema changes: everything cached may be wrong, and the catalog should be refreshed. */
  readonly ddl?: boolean
  /** True when a read calls a function whose result changes without a write (`random()`, `now()`): never cached. */
  readonly volatile?: boolean
  /** True for a locking read (`FOR UPDATE`, `FOR SHARE`): never cached, since a hit would take no lock. */
  readonly locking?: boolean
}

/** One SQL statement as a driver sees it. */
export interface SqlStatement {
  readonly sql: string
  /** Bound values, in placeholder order (`?`, `?NNN`, `$n`). */
  readonly params?: readonly unknown[]
  /** How to read the text. Without it, both dialects' quoting is accepted. */
  readonly dialect?: Dialect
}

function keysFrom(rows: readonly (readonly number[])[] | undefined, columns: readonly string[], params: readonly unknown[]): RowKey[] | undefined {
  if (!rows) return undefined
  const keys: RowKey[] = []
  for (const row of rows) {
    if (row.some((index) => index >= params.length)) return undefined
    keys.push(Object.fromEntries(columns.map((column, i) => [column, params[row[i] as number]])))
  }
  return keys
}

/**
 * Describes one SQL statement for the planner: the reader's shape, plus primary-key rows for
 * single-table reads and for updates and deletes of one table (using the catalog's keys).
 */
export function describeSql(statement: SqlStatement, catalog: Catalog | undefined): OperationDescription {
  return describeSqlText(statement, catalog).operation
}

/** A description of SQL text, and whether it holds for these parameters only. */
export interface TextDescription {
  readonly operation: OperationDescription
  /** True when the text pins rows by key: its row keys are read from the parameters, so another call's differ. */
  readonly keyed: boolean
}

/** `describeSql`, saying whether the parameters took part (the planner memoises what they did not). */
export function describeSqlText(statement: SqlStatement, catalog: Catalog | undefined): TextDescription {
  const { sql, dialect } = statement
  const params = statement.params ?? []
  const shape = readStatement(sql, dialect)
  const base = {
    kind: shape.kind,
    reads: shape.reads,
    ddl: shape.ddl,
    volatile: shape.volatile,
    locking: shape.locking,
    ...(shape.control ? { control: shape.control } : {}),
    ...(shape.savepoint ? { savepoint: shape.savepoint } : {}),
  }
  if (shape.kind === 'read') {
    const only = shape.reads.length === 1 ? shape.reads[0] : undefined
    const primaryKey = only === undefined ? undefined : catalog?.tables.get(resolveRelation(catalog, only))?.primaryKey
    if (only === undefined || !primaryKey || primaryKey.length === 0) return { operation: base, keyed: false }
    const filter = keyFilterOf(sql, only, primaryKey, dialect)
    const readKeys = keysFrom(filter, primaryKey, params)
    return { operation: readKeys ? { ...base, readKeys } : base, keyed: filter !== undefined }
  }
  const tables = [...new Set(shape.effects.map((effect) => effect.table))]
  const only = tables.length === 1 ? tables[0] : undefined
  const events = shape.effects.map((effect) => effect.event)
  const primaryKey = only === undefined ? undefined : catalog?.tables.get(resolveRelation(catalog, only))?.primaryKey
  let keys: RowKey[] | undefined
  let keyChanged = false
  let filter: readonly (readonly number[])[] | undefined
  if (only !== undefined && primaryKey && primaryKey.length > 0 && events.length === 1 && (events[0] === 'update' || events[0] === 'delete')) {
    filter = keyFilterOf(sql, only, primaryKey, dialect)
    keys = keysFrom(filter, primaryKey, params)
    keyChanged = events[0] === 'update' && keys !== undefined && assignsColumns(sql, primaryKey, dialect)
  }
  // A plain UPDATE of one table: the columns its SET assigns (field-aware invalidation).
  const assigned = events.length === 1 && events[0] === 'update' ? updateColumnsOf(sql, dialect) : undefined
  const columns = assigned?.table === only ? assigned?.columns : undefined
  const writes = shape.effects.map((effect) => ({
    table: effect.table,
    event: effect.event,
    ...(keys ? { keys } : {}),
    ...(keyChanged ? { keyChanged } : {}),
    ...(columns ? { columns } : {}),
  }))
  return { operation: { ...base, writes }, keyed: filter !== undefined }
}

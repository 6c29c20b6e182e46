import { changeScopes, dependencyScopes, type Change, type Dependency, type RowId } from '../changes'
import { splitQuiet, type QuietWrite, type ResolvedFieldTracking } from '../field-tracking'
import { rowKeySpellings } from '../row-keys'
import { resolveRelation, type Catalog, type TableFacts } from './catalog'
import { describeSql, describeSqlText, type OperationDescription, type RowKey, type SqlStatement, type WriteDescription } from './describe'
import { reachOf } from './effects'
import { canonicalTable } from './names'
import { recallPlan, rememberPlan, type LearnedPlan } from './plan-memo'
import type { SavepointStatement, TransactionControl } from './reader'

/** What the planner knows besides the statement. */
export interface PlanContext {
  /** The database's tables, keys, foreign keys, views and triggers. Without one, every relation is taken for a table. */
  readonly catalog?: Catalog
  /** The binding's `fieldTracking`, resolved: an UPDATE of quiet columns only bumps nothing. */
  readonly fieldTracking?: ResolvedFieldTracking
}

/**
 * SQL text its ORM also describes from its own structures (Kysely's operation tree). The
 * planner learns each text once per catalog: `describe` runs only for a text it has not planned
 * with this catalog, `withKeys` on each call whose rows come from the call's values.
 */
export interface DescribedStatement extends SqlStatement {
  /** The statement without row keys (`keyed`: each call pins its rows), or undefined to plan the text. */
  readonly describe: () => { readonly operation: OperationDescription; readonly keyed: boolean } | undefined
  /** This call's description: the learned one with the rows this call's values pin. */
  readonly withKeys: (operation: OperationDescription) => OperationDescription
}

/** A statement to plan: SQL text, or a description from an ORM's own structures (given whole, or learned per text). */
export type PlanInput = SqlStatement | DescribedStatement | { readonly operation: OperationDescription }

/** What one statement means for the cache. */
export type Plan =
  /** A cacheable read and the scopes its result depends on. */
  | { readonly type: 'read'; readonly scopes: readonly string[] }
  /** Run it uncached: a read whose dependencies cannot be named, or a statement that changes no data. */
  | { readonly type: 'bypass'; readonly reason: string }
  /**
   * A write: bump `scopes` after it commits. `schemaChanged`: refresh the catalog too. `quiet`:
   * tables whose own change bumps nothing, since it assigned only columns `fieldTracking` declares quiet.
   */
  | {
      readonly type: 'write'
      readonly scopes: readonly string[]
      readonly tables: readonly string[]
      readonly schemaChanged: boolean
      readonly quiet?: readonly QuietWrite[]
    }
  | { readonly type: 'transaction'; readonly control: TransactionControl; readonly savepoint?: SavepointStatement }

/** One row's key values in key order, with their column types; undefined when a key column is missing. */
function rowIdOf(table: TableFacts, key: RowKey): RowId | undefined {
  const values: unknown[] = []
  for (const column of table.primaryKey) {
    if (!Object.hasOwn(key, column)) return undefined
    values.push(key[column])
  }
  return { values, ...(table.keyTypes ? { types: table.keyTypes } : {}) }
}

/** The rows `keys` name in `table`, or undefined when any of them cannot name a row (a Date, a blob, a missing column). */
function rowsOf(table: TableFacts | undefined, keys: readonly RowKey[] | undefined): RowId[] | undefined {
  if (!table || table.primaryKey.length === 0 || !keys || keys.length === 0) return undefined
  const rows: RowId[] = []
  for (const key of keys) {
    const row = rowIdOf(table, key)
    if (!row || !rowKeySpellings(row.values, row.types)) return undefined
    rows.push(row)
  }
  return rows
}

function planRead(operation: OperationDescription, catalog: Catalog | undefined): Plan {
  const relations = [...new Set((operation.reads ?? []).map((read) => resolveRelation(catalog, canonicalTable(read))))]
  if (relations.length === 0) {
    return { type: 'bypass', reason: 'the statement reads no table, so no write can tell when its result changes (now(), random(), nextval())' }
  }
  if (operation.volatile) {
    return { type: 'bypass', reason: 'the statement calls a function whose result changes without a write (random(), now(), current_timestamp)' }
  }
  if (operation.locking) {
    return { type: 'bypass', reason: 'the statement locks the rows it reads (FOR UPDATE / FOR SHARE): a cached answer would take no lock' }
  }
  const tables = new Set<string>()
  for (const relation of relations) {
    const viewTables = catalog?.views.get(relation)
    if (viewTables) for (const table of viewTables) tables.add(table)
    else if (!catalog?.complete || catalog.tables.has(relation)) tables.add(relation)
    else return { type: 'bypass', reason: `relation \`${relation}\` is not a known table or view (declare it as a view with the tables it reads)` }
  }
  const only = relations.length === 1 && tables.size === 1 ? relations[0] : undefined
  // A by-key read changes only when its rows are written or the table changes in bulk.
  const rows = only === undefined ? undefined : rowsOf(catalog?.tables.get(only), operation.readKeys)
  if (only !== undefined && rows) return { type: 'read', scopes: dependencyScopes([{ kind: 'rows', table: only, rows }]) }
  return { type: 'read', scopes: dependencyScopes([...tables].map((table): Dependency => ({ kind: 'table', table }))) }
}

function isKnownRelation(catalog: Catalog | undefined, table: string): boolean {
  return !catalog?.complete || catalog.tables.has(table) || catalog.views.has(table)
}

/**
 * The rows a write is limited to, or undefined when the write must be treated as bulk: every
 * write to the table names its rows by key (an UPDATE or DELETE by key, an INSERT or upsert of
 * rows whose keys an ORM knows), none moves a row to another key, and nothing truncates.
 */
function preciseRows(table: string, writes: readonly WriteDescription[], reachesItself: boolean, catalog: Catalog | undefined): RowId[] | undefined {
  if (reachesItself || writes.length === 0) return undefined
  const keys: RowKey[] = []
  for (const write of writes) {
    if (!write.keys || write.keyChanged || write.event === 'truncate') return undefined
    keys.push(...write.keys)
  }
  return rowsOf(catalog?.tables.get(table), keys)
}

/**
 * The columns every write to one table assigned, when each is an UPDATE that says so; else
 * undefined (all columns). A write that moves a row to another key is never narrowed: reads by
 * the new key must see it, whatever `fieldTracking` says of the key column.
 */
function assignedColumns(writes: readonly WriteDescription[], primaryKey: readonly string[]): string[] | undefined {
  const columns = new Set<string>()
  for (const write of writes) {
    if (write.event !== 'update' || write.keyChanged || !write.columns || write.columns.length === 0) return undefined
    for (const column of write.columns) columns.add(column)
  }
  return primaryKey.some((column) => columns.has(column)) ? undefined : [...columns]
}

function planWrite(operation: OperationDescription, context: PlanContext): Plan {
  const { catalog } = context
  const byTable = new Map<string, WriteDescription[]>()
  for (const write of operation.writes ?? []) {
    const table = resolveRelation(catalog, canonicalTable(write.table))
    byTable.set(table, [...(byTable.get(table) ?? []), { ...write, table }])
  }
  const tables = [...byTable.keys()]
  if (operation.kind === 'unknown' || operation.ddl || tables.length === 0) {
    return { type: 'write', scopes: changeScopes([{ kind: 'database' }]), tables, schemaChanged: operation.ddl === true }
  }
  const changes: Change[] = []
  for (const [table, writes] of byTable) {
    const reach = reachOf(catalog, writes)
    // A trigger that writes what we cannot read, or a table the catalog does not know (created
    // after it was read?): its triggers and cascades are unknown, so everything may have changed.
    if (reach.unknown || !isKnownRelation(catalog, table)) changes.push({ kind: 'database' })
    const rows = preciseRows(table, writes, reach.tables.has(table), catalog)
    // Only the table's own change says which columns it assigned: what the catalog derives from it
    // (cascades, triggers, views; the table itself when a trigger writes it back) always bumps.
    const columns = assignedColumns(writes, catalog?.tables.get(table)?.primaryKey ?? [])
    const assigned = columns ? { columns } : {}
    changes.push(rows ? { kind: 'rows', table, rows, ...assigned } : { kind: 'table', table, ...assigned })
    for (const reached of reach.tables) if (reached !== table || !rows) changes.push({ kind: 'table', table: reached })
  }
  const { loud, quiet } = splitQuiet(changes, context.fieldTracking, (name) => resolveRelation(catalog, name))
  return { type: 'write', scopes: changeScopes(loud), tables, schemaChanged: false, ...(quiet.length > 0 ? { quiet } : {}) }
}

/**
 * Plans one statement: the scopes a read depends on, or the scopes a write bumps (with its
 * foreign-key cascades, trigger effects, views), a bypass, or transaction control. Takes SQL
 * text (`{ sql, params, dialect }`) or a structured description (`{ operation }`). Unknown
 * statements bump the whole database; reads of relations a complete catalog does not know bypass.
 * What a text means is learned once per catalog (bounded, per isolate): catalogs are never
 * changed in place, so a new or refreshed one plans every text afresh.
 *
 * @example
 * planStatement({ sql: 'update "users" set "name" = ? where "id" = ?', params: ['Ada', 1] }, { catalog })
 * // { type: 'write', scopes: ['table:users', 'row:users:n1', 'table:audit', 'bulk:audit'], ... }
 */
export function planStatement(input: PlanInput, context: PlanContext = {}): Plan {
  if ('operation' in input) return planOperation(input.operation, context)
  // The plan is a pure function of the text and the catalog, apart from row keys read from the
  // call's values: a call that pins rows is planned with its own keys, every other call shares one plan.
  const { catalog, fieldTracking } = context
  const key = `${'describe' in input ? 'o' : 't'}${input.dialect ?? ''}\u0000${input.sql}`
  const known = recallPlan(catalog, fieldTracking, key)
  if (known?.plan && !known.keyed) return known.plan
  const learned = known ?? learn(input, catalog)
  const operation = 'call' in learned ? learned.call : thisCall(input, learned, catalog)
  const keyless = !hasRowKeys(operation)
  if (keyless && known?.plan) return known.plan
  const plan = planOperation(operation, context)
  if (!known || (keyless && !known.plan)) {
    rememberPlan(catalog, key, { keyed: learned.keyed, operation: learned.operation, plan: keyless ? plan : undefined, fieldTracking })
  }
  return plan
}

/** What a text says apart from any call's values (a binding's description, or the text's), and this call's description. */
function learn(input: SqlStatement | DescribedStatement, catalog: Catalog | undefined) {
  const described = 'describe' in input ? input.describe() : undefined
  if (!described || !('describe' in input)) {
    const text = describeSqlText(input, catalog)
    return { keyed: text.keyed, operation: undefined, call: text.operation }
  }
  return { ...described, call: described.keyed ? input.withKeys(described.operation) : described.operation }
}

/** This call's description of a text learned before: the learned one with this call's row keys. */
function thisCall(input: SqlStatement | DescribedStatement, known: LearnedPlan, catalog: Catalog | undefined): OperationDescription {
  return known.operation && 'describe' in input ? input.withKeys(known.operation) : describeSql(input, catalog)
}

function hasRowKeys(operation: OperationDescription): boolean {
  return operation.readKeys !== undefined || (operation.writes ?? []).some((write) => write.keys !== undefined)
}

/**
 * `planStatement` for a statement described by its parts (an ORM's own structures), without the
 * SQL reader: a binding that never plans SQL text imports this one and bundles about 12 KB
 * (minified) less.
 *
 * @example
 * planOperation({ kind: 'read', reads: ['users'], readKeys: [{ id: 1 }] }, { catalog })
 */
export function planOperation(operation: OperationDescription, context: PlanContext = {}): Plan {
  const { catalog } = context
  switch (operation.kind) {
    case 'transaction':
      return { type: 'transaction', control: operation.control ?? 'savepoint', ...(operation.savepoint ? { savepoint: operation.savepoint } : {}) }
    case 'harmless':
      return { type: 'bypass', reason: 'the statement changes no data' }
    case 'read':
      return planRead(operation, catalog)
    default:
      return planWrite(operation, context)
  }
}

import { bulkScope, databaseScope, rowScope, tableScope } from '../layout'
import type { PrimaryKeyValue } from '../scopes'
import { resolveRelation, type Catalog } from './catalog'
import { describeSql, type OperationDescription, type RowKey, type SqlStatement, type WriteDescription } from './describe'
import { reachOf } from './effects'
import { canonicalTable, relationSpellings } from './names'
import type { SavepointStatement, TransactionControl } from './reader'

/** What the planner knows besides the statement. */
export interface PlanContext {
  /** The database's tables, keys, foreign keys, views and triggers. Without one, every relation is taken for a table. */
  readonly catalog?: Catalog
}

/** A statement to plan: SQL text, or a description from an ORM's own structures. */
export type PlanInput = SqlStatement | { readonly operation: OperationDescription }

/** What one statement means for the cache. */
export type Plan =
  /** A cacheable read and the scopes its result depends on. */
  | { readonly type: 'read'; readonly scopes: readonly string[] }
  /** Run it uncached: a read whose dependencies cannot be named, or a statement that changes no data. */
  | { readonly type: 'bypass'; readonly reason: string }
  /** A write: bump `scopes` after it commits. `schemaChanged`: refresh the catalog too. */
  | { readonly type: 'write'; readonly scopes: readonly string[]; readonly tables: readonly string[]; readonly schemaChanged: boolean }
  | { readonly type: 'transaction'; readonly control: TransactionControl; readonly savepoint?: SavepointStatement }

const WELL_FORMED = /^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/
const CANONICAL_INTEGER = /^[+-]?\d{1,300}$/

/**
 * A key value as a scope part. Integer-looking strings become integers: SQLite's type affinity and
 * PostgreSQL's parameter typing make `'2'` and `2` the same row, and merging two spellings only
 * over-invalidates. Values that cannot name a row safely (Dates, blobs, null) give undefined.
 */
function keyPart(value: unknown): PrimaryKeyValue | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : undefined
    case 'bigint':
      return value
    case 'boolean':
      return value ? 1 : 0
    case 'string':
      if (CANONICAL_INTEGER.test(value.trim())) return BigInt(value.trim())
      return WELL_FORMED.test(value) ? value : undefined
    default:
      return undefined
  }
}

function rowScopes(table: string, primaryKey: readonly string[], keys: readonly RowKey[]): string[] | undefined {
  const scopes: string[] = []
  for (const key of keys) {
    const parts = primaryKey.map((column) => keyPart(key[column]))
    if (parts.some((part) => part === undefined)) return undefined
    scopes.push(rowScope(table, parts.length === 1 ? (parts[0] as PrimaryKeyValue) : (parts as PrimaryKeyValue[])))
  }
  return scopes
}

function planRead(operation: OperationDescription, catalog: Catalog | undefined): Plan {
  const relations = [...new Set((operation.reads ?? []).map((read) => resolveRelation(catalog, canonicalTable(read))))]
  if (relations.length === 0) {
    return { type: 'bypass', reason: 'the statement reads no table, so no write can tell when its result changes (now(), random(), nextval())' }
  }
  if (operation.volatile) {
    return { type: 'bypass', reason: 'the statement calls a function whose result changes without a write (random(), now(), current_timestamp)' }
  }
  const tables = new Set<string>()
  for (const relation of relations) {
    const viewTables = catalog?.views.get(relation)
    if (viewTables) for (const table of viewTables) tables.add(table)
    else if (!catalog?.complete || catalog.tables.has(relation)) tables.add(relation)
    else return { type: 'bypass', reason: `relation \`${relation}\` is not a known table or view (declare it as a view with the tables it reads)` }
  }
  const only = relations.length === 1 && tables.size === 1 ? relations[0] : undefined
  const primaryKey = only === undefined ? undefined : catalog?.tables.get(only)?.primaryKey
  const keys = operation.readKeys
  if (only !== undefined && keys && primaryKey && primaryKey.length > 0 && rowScopes(only, primaryKey, keys)) {
    // A by-key read changes only when its rows are written or the table changes in bulk.
    const byKey = relationSpellings(only).flatMap((name) => [...(rowScopes(name, primaryKey, keys) ?? []), bulkScope(name)])
    return { type: 'read', scopes: [...byKey, databaseScope()] }
  }
  return { type: 'read', scopes: [...new Set([...tables].flatMap(relationSpellings).map(tableScope)), databaseScope()] }
}


function isKnownRelation(catalog: Catalog | undefined, table: string): boolean {
  return !catalog?.complete || catalog.tables.has(table) || catalog.views.has(table)
}

/** The key columns and values of the rows a write is limited to, or undefined when the write must be treated as bulk. */
function preciseKeys(table: string, writes: readonly WriteDescription[], reachesItself: boolean, catalog: Catalog | undefined): { primaryKey: readonly string[]; keys: readonly RowKey[] } | undefined {
  const primaryKey = catalog?.tables.get(table)?.primaryKey
  const [first] = writes
  if (!first?.keys || writes.length !== 1 || reachesItself || first.keyChanged || !primaryKey || primaryKey.length === 0) return undefined
  if (first.event !== 'update' && first.event !== 'delete') return undefined
  // Keys that cannot name a row (a Date, a blob): bulk.
  return rowScopes(table, primaryKey, first.keys) ? { primaryKey, keys: first.keys } : undefined
}

function planWrite(operation: OperationDescription, catalog: Catalog | undefined): Plan {
  const byTable = new Map<string, WriteDescription[]>()
  for (const write of operation.writes ?? []) {
    const table = resolveRelation(catalog, canonicalTable(write.table))
    byTable.set(table, [...(byTable.get(table) ?? []), { ...write, table }])
  }
  const tables = [...byTable.keys()]
  if (operation.kind === 'unknown' || operation.ddl || tables.length === 0) {
    return { type: 'write', scopes: [databaseScope()], tables, schemaChanged: operation.ddl === true }
  }
  const scopes = new Set<string>()
  for (const [table, writes] of byTable) {
    const reach = reachOf(catalog, writes)
    // A trigger that writes what we cannot read, or a table the catalog does not know (created
    // after it was read?): its triggers and cascades are unknown, so everything may have changed.
    if (reach.unknown || !isKnownRelation(catalog, table)) scopes.add(databaseScope())
    const precise = preciseKeys(table, writes, reach.tables.has(table), catalog)
    for (const name of relationSpellings(table)) {
      const rows = precise && rowScopes(name, precise.primaryKey, precise.keys)
      scopes.add(tableScope(name))
      // Precise: the by-key reads of other rows stay cached. Otherwise every by-key read of the table is stale.
      for (const scope of rows ?? [bulkScope(name)]) scopes.add(scope)
    }
    for (const reached of reach.tables) {
      if (reached === table && precise) continue
      for (const name of relationSpellings(reached)) scopes.add(tableScope(name)).add(bulkScope(name))
    }
  }
  return { type: 'write', scopes: [...scopes], tables, schemaChanged: false }
}

/**
 * Plans one statement: the scopes a read depends on, or the scopes a write bumps (with its
 * foreign-key cascades, trigger effects, views), a bypass, or transaction control. Takes SQL
 * text (`{ sql, params, dialect }`) or a structured description (`{ operation }`). Unknown
 * statements bump the whole database; reads of relations a complete catalog does not know bypass.
 *
 * @example
 * planStatement({ sql: 'update "users" set "name" = ? where "id" = ?', params: ['Ada', 1] }, { catalog })
 * // { type: 'write', scopes: ['table:users', 'row:users:n1', 'table:audit', 'bulk:audit'], ... }
 */
export function planStatement(input: PlanInput, context: PlanContext = {}): Plan {
  return planOperation('operation' in input ? input.operation : describeSql(input, context.catalog), context)
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
      return planWrite(operation, catalog)
  }
}

import { rowScope, tableScope, type ScopeTarget } from '@kvcache/core'
import { bulkScope, databaseScope } from '@kvcache/core/internal'
import type { SchemaInfo } from './schema-info'
import { canonicalTable, primaryKeyFilter, shapeOf } from './sql-plan'

export interface PlanContext {
  readonly schema: SchemaInfo | undefined
  /** View (canonical name) -> the tables it reads. */
  readonly views: ReadonlyMap<string, readonly string[]>
}

export type Plan =
  | { readonly type: 'read'; readonly scopes: readonly string[] }
  | { readonly type: 'bypass'; readonly reason: string }
  | { readonly type: 'write'; readonly target: ScopeTarget }
  | { readonly type: 'transaction'; readonly control: 'begin' | 'commit' | 'rollback' | 'savepoint' }

const HARMLESS = /^\s*(?:set|show|explain|pragma\s+[\w."]+\s*(?:;|$)|pragma\s+[\w."]+\s*\()/i

function keyValue(value: unknown): string | number | bigint | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? value : undefined
}

/** Decides what one statement means for the cache: a scoped read, a bypass, a write, or transaction control. */
export function planStatement(sql: string, params: readonly unknown[], context: PlanContext): Plan {
  const shape = shapeOf(sql)
  if (shape.kind === 'transaction') return { type: 'transaction', control: shape.control ?? 'savepoint' }
  if (shape.kind === 'read') return planRead(sql, params, shape.reads, context)
  if (shape.kind === 'unknown' && HARMLESS.test(sql)) return { type: 'bypass', reason: 'statement changes no data' }
  return { type: 'write', target: planWrite(sql, params, shape.kind === 'unknown' || shape.ddl ? [] : shape.writes, context) }
}

function planRead(sql: string, params: readonly unknown[], relations: readonly string[], context: PlanContext): Plan {
  const tables = new Set<string>()
  for (const relation of relations) {
    const viewTables = context.views.get(relation)
    if (viewTables) {
      for (const table of viewTables) tables.add(canonicalTable(table))
    } else if (context.schema && !context.schema.tables.has(relation)) {
      return { type: 'bypass', reason: `relation \`${relation}\` is not a table of the schema (declare a view in \`views\`)` }
    } else {
      tables.add(relation)
    }
  }
  const only = relations.length === 1 && tables.size === 1 ? [...tables][0] : undefined
  const pk = only ? context.schema?.primaryKeys.get(only) : undefined
  if (only && pk) {
    const index = primaryKeyFilter(sql, only, pk)
    const value = index === undefined ? undefined : keyValue(params[index])
    if (value !== undefined) {
      // A by-id read changes only when that row is written or the table changes in bulk.
      return { type: 'read', scopes: [...rowScopes(only, value), databaseScope()] }
    }
  }
  return { type: 'read', scopes: [...[...tables].map(tableScope), databaseScope()] }
}

function rowScopes(table: string, value: string | number | bigint): string[] {
  return [rowScope(table, value), bulkScope(table)]
}

function planWrite(sql: string, params: readonly unknown[], targets: readonly string[], context: PlanContext): ScopeTarget {
  if (targets.length === 0) return { scopes: [databaseScope()] }
  const scopes = new Set<string>()
  const touch = (table: string, precise: boolean) => {
    scopes.add(tableScope(table))
    if (!precise) scopes.add(bulkScope(table))
  }
  const [only] = targets
  const pk = targets.length === 1 && only ? context.schema?.primaryKeys.get(only) : undefined
  let precise = false
  if (only && pk && /^\s*(?:update|delete)\b/i.test(sql) && !setsColumn(sql, pk)) {
    const index = primaryKeyFilter(sql, only, pk)
    const value = index === undefined ? undefined : keyValue(params[index])
    if (value !== undefined) {
      precise = true
      scopes.add(rowScopes(only, value)[0] as string)
    }
  }
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase()
  for (const table of targets) {
    touch(table, precise && table === only)
    for (const dependent of dependentsOf(table, verb, context)) touch(dependent, false)
  }
  return { scopes: [...scopes] }
}

/** Child tables a write reaches through foreign-key actions: deletes cascade on delete, updates on update. */
export function dependentsOf(table: string, verb: string | undefined, context: PlanContext): Set<string> {
  const schema = context.schema
  const found = new Set<string>()
  if (!schema || verb === 'insert') return found
  if (verb !== 'update') for (const child of schema.deleteDependents.get(table) ?? []) found.add(child)
  if (verb !== 'delete') for (const child of schema.updateDependents.get(table) ?? []) found.add(child)
  return found
}

/** True when an UPDATE assigns the column (a key change moves the row to another scope). */
function setsColumn(sql: string, column: string): boolean {
  const set = /\bset\b([\s\S]*?)\bwhere\b/i.exec(sql)?.[1] ?? ''
  return new RegExp(String.raw`(?:^|[\s,])"?${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\s*=`, 'i').test(set)
}

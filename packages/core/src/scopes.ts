import { shortHash } from './hash'

/** A row reference: the table and its primary key (one value, or several for a composite key, in key order). */
export interface RowRef {
  readonly table: string
  readonly pk: PrimaryKey
}

export type PrimaryKeyValue = string | number | bigint | boolean
export type PrimaryKey = PrimaryKeyValue | readonly PrimaryKeyValue[]

/** What a write touched, or what a read depends on. */
export interface ScopeTarget {
  readonly tables?: readonly string[]
  readonly tags?: readonly string[]
  readonly rows?: readonly RowRef[]
  /** Ready-made scope strings (from `tableScope` / `rowScope` / `tagScope`). */
  readonly scopes?: readonly string[]
}

const MAX_SCOPE_CHARS = 200

function bounded(scope: string): string {
  return scope.length <= MAX_SCOPE_CHARS ? scope : `${scope.slice(0, MAX_SCOPE_CHARS - 20)}~${shortHash(scope)}`
}

/** `table:<name>`: bumped by any write to the table. */
export function tableScope(table: string): string {
  return bounded(`table:${table}`)
}

/**
 * `bulk:<table>`: bumped by every write to the table except a precise write by primary key.
 * A by-id read depends on its row scope and this one, so an update of another row keeps it cached.
 */
export function bulkScope(table: string): string {
  return bounded(`bulk:${table}`)
}

/** The table name that stands for "every table": a write whose tables cannot be named bumps it. */
export const ALL_TABLES = '*'

/** The whole-database scope: every cached read depends on it; a write of unknown reach bumps it. */
export function databaseScope(): string {
  return tableScope(ALL_TABLES)
}

/** `tag:<name>`: bumped only by explicit invalidation. */
export function tagScope(tag: string): string {
  return bounded(`tag:${tag}`)
}

function pkPart(value: PrimaryKeyValue): string {
  // Type-tagged so that 1 and "1" are different rows when a driver distinguishes them.
  switch (typeof value) {
    case 'number':
      return `n${value}`
    case 'bigint':
      return `n${value}`
    case 'boolean':
      return value ? 'T' : 'F'
    default:
      return `s${encodeURIComponent(value)}`
  }
}

/**
 * `row:<table>:<pk>`: bumped by a write to that row. Numbers and bigints share a form, since
 * drivers hand back either for the same integer column.
 */
export function rowScope(table: string, pk: PrimaryKey): string {
  const parts = Array.isArray(pk) ? (pk as readonly PrimaryKeyValue[]).map(pkPart).join(',') : pkPart(pk as PrimaryKeyValue)
  return bounded(`row:${table}:${parts}`)
}

/** Flattens a target into a sorted, de-duplicated list of scope strings. */
export function scopesOf(target: ScopeTarget): string[] {
  const scopes = new Set<string>(target.scopes ?? [])
  for (const table of target.tables ?? []) scopes.add(tableScope(table))
  for (const tag of target.tags ?? []) scopes.add(tagScope(tag))
  for (const row of target.rows ?? []) scopes.add(rowScope(row.table, row.pk))
  return [...scopes].sort()
}

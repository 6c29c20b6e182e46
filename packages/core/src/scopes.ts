import { kvCacheError } from './errors'
import { codeUnitsHex, isWellFormed } from './text'

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

/** `table:<name>`: bumped by any write to the table. */
export function tableScope(table: string): string {
  return `table:${table}`
}

/**
 * `bulk:<table>`: bumped by every write to the table except a precise write by primary key.
 * A by-id read depends on its row scope and this one, so an update of another row keeps it cached.
 */
export function bulkScope(table: string): string {
  return `bulk:${table}`
}

/** The table name that stands for "every table": a write whose tables cannot be named bumps it. */
export const ALL_TABLES = '*'

/** The whole-database scope: every cached read depends on it; a write of unknown reach bumps it. */
export function databaseScope(): string {
  return tableScope(ALL_TABLES)
}

/** `tag:<name>`: bumped only by explicit invalidation. */
export function tagScope(tag: string): string {
  return `tag:${tag}`
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
    default: {
      // encodeURIComponent throws on a lone surrogate: such keys are written as code units.
      const text = String(value)
      return isWellFormed(text) ? `s${encodeURIComponent(text)}` : `w${codeUnitsHex(text)}`
    }
  }
}

/**
 * `row:<table>:<pk>`: bumped by a write to that row. Numbers and bigints share a form, since
 * drivers hand back either for the same integer column.
 */
export function rowScope(table: string, pk: PrimaryKey): string {
  const parts = Array.isArray(pk) ? (pk as readonly PrimaryKeyValue[]).map(pkPart).join(',') : pkPart(pk as PrimaryKeyValue)
  return `row:${table}:${parts}`
}

function strings(target: ScopeTarget, field: 'tables' | 'tags' | 'scopes'): readonly string[] {
  const list: unknown = target[field]
  if (list === undefined) return []
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    // `tables: 'posts'` would otherwise spread into one scope per character.
    throw kvCacheError('INVALID_OPTION', 'core', `\`${field}\` must be an array of strings.`)
  }
  return list
}

/** Flattens a target into a sorted, de-duplicated list of scope strings. Throws `INVALID_OPTION` for a malformed target. */
export function scopesOf(target: ScopeTarget): string[] {
  if (typeof target !== 'object' || target === null) throw kvCacheError('INVALID_OPTION', 'core', 'A scope target must be an object.')
  const scopes = new Set<string>(strings(target, 'scopes'))
  for (const table of strings(target, 'tables')) scopes.add(tableScope(table))
  for (const tag of strings(target, 'tags')) scopes.add(tagScope(tag))
  const rows: unknown = target.rows ?? []
  if (!Array.isArray(rows)) throw kvCacheError('INVALID_OPTION', 'core', '`rows` must be an array of { table, pk }.')
  for (const row of rows as RowRef[]) {
    if (typeof row?.table !== 'string' || row.pk === undefined || row.pk === null) {
      throw kvCacheError('INVALID_OPTION', 'core', '`rows` must be an array of { table, pk }.')
    }
    scopes.add(rowScope(row.table, row.pk))
  }
  return [...scopes].sort()
}

import { kvCacheError } from './errors'
import { rowScope, tableScope, tagScope } from './layout'

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

import { changeScopes, dependencyScopes, type Change, type Dependency } from './changes'
import { kvCacheError } from './errors'
import { assertKnownOptions } from './options'
import { assertTags } from './read-options'

/** A row reference: the table and its primary key (one value, or several for a composite key, in key order). */
export interface RowRef {
  readonly table: string
  readonly pk: PrimaryKey
}

export type PrimaryKeyValue = string | number | bigint | boolean
export type PrimaryKey = PrimaryKeyValue | readonly PrimaryKeyValue[]

/**
 * What a write changed (`invalidate`), or what a cache-aside entry depends on (`wrap`, `set`, `get`).
 * Tables reach every read of them, by key or not; rows reach reads of those rows and of the whole table.
 */
export interface ScopeTarget {
  readonly tables?: readonly string[]
  readonly tags?: readonly string[]
  readonly rows?: readonly RowRef[]
  /** Scope strings from an earlier `invalidate` event, used verbatim (for tools that replay invalidations). */
  readonly scopes?: readonly string[]
}

/** The option names of a `ScopeTarget`. */
export const TARGET_OPTIONS = ['tables', 'tags', 'rows', 'scopes'] as const

const WHERE = 'core'

function names(target: ScopeTarget, field: 'tables' | 'scopes'): readonly string[] {
  const list: unknown = target[field]
  if (list === undefined) return []
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item.length > 0)) {
    // `tables: 'posts'` would otherwise spread into one scope per character.
    throw kvCacheError(
      'INVALID_OPTION',
      WHERE,
      `Option \`${field}\` must be an array of non-empty strings, got ${Array.isArray(list) ? 'an array with other items' : typeof list}.`,
    )
  }
  return list
}

function rowsOf(target: ScopeTarget): RowRef[] {
  const rows: unknown = target.rows ?? []
  const valid = (row: unknown): row is RowRef => {
    const { table, pk } = (row ?? {}) as Partial<RowRef>
    return typeof table === 'string' && table.length > 0 && pk !== undefined && pk !== null && (!Array.isArray(pk) || pk.length > 0)
  }
  if (!Array.isArray(rows) || !rows.every(valid)) {
    throw kvCacheError(
      'INVALID_OPTION',
      WHERE,
      'Option `rows` must be an array of { table, pk } (pk: one value, or the values of a composite key in key order).',
    )
  }
  return rows
}

/** Validates a target and names what it says in the change vocabulary. Throws `INVALID_OPTION` / `UNKNOWN_OPTION`. */
function partsOf(target: ScopeTarget): { tables: readonly string[]; tags: readonly string[]; rows: RowRef[]; scopes: readonly string[] } {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    throw kvCacheError('INVALID_OPTION', WHERE, 'A scope target must be an object like { tables: [...], tags: [...], rows: [...] }.')
  }
  return {
    tables: names(target, 'tables'),
    tags: target.tags === undefined ? [] : assertTags(WHERE, 'tags', target.tags, Number.POSITIVE_INFINITY),
    rows: rowsOf(target),
    scopes: names(target, 'scopes'),
  }
}

const valuesOf = (pk: PrimaryKey): readonly unknown[] => (Array.isArray(pk) ? pk : [pk])

/** A target in the change vocabulary (its tables, tags and rows mean the same whether changed or depended on). */
function said(target: ScopeTarget): { readonly said: (Change & Dependency)[]; readonly scopes: readonly string[] } {
  const { tables, tags, rows, scopes } = partsOf(target)
  return {
    said: [
      ...tables.map((table): Change & Dependency => ({ kind: 'table', table })),
      ...tags.map((tag): Change & Dependency => ({ kind: 'tag', tag })),
      ...rows.map((row): Change & Dependency => ({ kind: 'rows', table: row.table, rows: [{ values: valuesOf(row.pk) }] })),
    ],
    scopes,
  }
}

/** The scopes `invalidate(target)` bumps. */
export function changedScopesOf(target: ScopeTarget): string[] {
  const { said: changes, scopes } = said(target)
  return [...new Set([...changeScopes(changes), ...scopes])].sort()
}

/** The scopes an entry stored with `target` depends on. */
export function dependedScopesOf(target: ScopeTarget): string[] {
  const { said: dependencies, scopes } = said(target)
  return [...new Set([...dependencyScopes(dependencies), ...scopes])].sort()
}

/** Checks the option names of a per-call options object (`wrap`, `set`, `get`), naming the nearest valid one. */
export function assertTargetOptions(options: unknown, extra: readonly string[] = []): void {
  if (options === undefined) return
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw kvCacheError(
      'INVALID_OPTION',
      WHERE,
      `Options must be an object like { ttlSeconds: 60, tables: ['posts'] }, got ${options === null ? 'null' : typeof options}.`,
    )
  }
  assertKnownOptions(WHERE, options, [...TARGET_OPTIONS, ...extra])
}

import { ALL_TABLES, bulkScope, databaseScope, rowScopeOf, tableScope, tagScope } from './layout'
import { canonicalTable, relationSpellings } from './relation-names'
import { rowKeySpellings, type KeyType } from './row-keys'

/**
 * The change vocabulary: the one place that decides which scopes a change bumps and which scopes
 * a read depends on. Every binding, the SQL planner and the public `invalidate` / `wrap` speak it,
 * so a row has one spelling and "the table changed" means the same thing wherever it is said.
 *
 *   change                      bumps                                  reaches reads of
 *   table changed               table:<t>, bulk:<t>                    the whole table, by key or not
 *   rows changed (t, keys)      table:<t>, row:<t>:<key> for each key  the table, and those rows by key
 *     (a key that cannot be named, or more than MAX_ROWS rows: as "table changed")
 *   tag changed                 tag:<name>                             reads declaring the tag
 *   database changed            table:*                                every read of any table
 *   an UPDATE of quiet columns  nothing (`fieldTracking`; see field-tracking.ts)
 *   everything changed          table:*, tag:*                         every entry (invalidateAll)
 *
 *   dependency                  the read depends on
 *   table                       table:<t>, table:*
 *   rows (t, keys)              row:<t>:<key> for each key, bulk:<t>, table:*
 *     (a key that cannot be named: as "table")
 *   tag                         tag:<name>
 *   everything                  tag:*  (for entries that follow no table: only invalidateAll reaches them)
 *
 * A table name is canonical (`canonicalTable`) and spelled both ways when qualified
 * (`app.posts` is also `posts`). A key value is spelled from its column's type when known
 * (`rowKeySpellings`); with the type unknown it gets every spelling a typed source could give it.
 */

/** One row, by its primary key (or, with `key`, by a unique key of that name). */
export interface RowId {
  /** The key's values, in key order (one for a single-column key). */
  readonly values: readonly unknown[]
  /** The type of each key column, when the catalog or the model knows it. @default all 'unknown' */
  readonly types?: readonly (KeyType | undefined)[]
  /** A unique key other than the primary key (Prisma's `where: { email }`): its name. @default the primary key */
  readonly key?: string
}

/**
 * A change of a table's rows (all of them, or those named). `columns`, for an UPDATE only: the
 * columns it assigned, when known exactly. A change whose columns are all quiet under the
 * binding's `fieldTracking` bumps nothing (`splitQuiet`); without `columns` it always bumps.
 */
interface TableChange {
  readonly table: string
  readonly columns?: readonly string[]
}

export type Change =
  | ({ readonly kind: 'table' } & TableChange)
  | ({ readonly kind: 'rows'; readonly rows: readonly RowId[] } & TableChange)
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'database' }
  | { readonly kind: 'everything' }

export type Dependency =
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'rows'; readonly table: string; readonly rows: readonly RowId[] }
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'everything' }

/** The tag scope only `everything` changes bump: no user tag can spell it (tags cannot contain `*`). */
export const ALL_ENTRIES_SCOPE: string = tagScope(ALL_TABLES)

/**
 * Most rows one change or read names before it counts as the whole table: each row is a stamp to
 * write (or read), and KV reads at most 100 keys in one call. 10,000 rows inserted at once bump
 * the table instead of 10,000 stamps.
 */
export const MAX_ROWS = 100

/** Row scopes of `rows` for every spelling of `table`, or undefined when any row cannot be named (or there are too many). */
function rowScopes(table: string, rows: readonly RowId[]): string[] | undefined {
  if (rows.length === 0 || rows.length > MAX_ROWS) return undefined
  const scopes: string[] = []
  for (const row of rows) {
    const spellings = rowKeySpellings(row.values, row.types)
    if (!spellings) return undefined
    for (const name of relationSpellings(table)) {
      for (const spelling of spellings) scopes.push(rowScopeOf(name, row.key === undefined ? spelling : `@${encodeURIComponent(row.key)},${spelling}`))
    }
  }
  return scopes
}

/** The scopes a set of changes bumps (sorted, without repeats). */
export function changeScopes(changes: readonly Change[]): string[] {
  const scopes = new Set<string>()
  for (const change of changes) {
    switch (change.kind) {
      case 'tag':
        scopes.add(tagScope(change.tag))
        break
      case 'everything':
        scopes.add(ALL_ENTRIES_SCOPE)
        scopes.add(databaseScope())
        break
      case 'database':
        scopes.add(databaseScope())
        break
      default: {
        const table = canonicalTable(change.table)
        const rows = change.kind === 'rows' ? rowScopes(table, change.rows) : undefined
        for (const name of relationSpellings(table)) {
          scopes.add(tableScope(name))
          // Precise: by-key reads of other rows stay cached. Otherwise every by-key read of the table is stale.
          if (!rows) scopes.add(bulkScope(name))
        }
        for (const scope of rows ?? []) scopes.add(scope)
      }
    }
  }
  return [...scopes].sort()
}

/** The scopes a read with these dependencies depends on (sorted, without repeats). */
export function dependencyScopes(dependencies: readonly Dependency[]): string[] {
  const scopes = new Set<string>()
  for (const dependency of dependencies) {
    switch (dependency.kind) {
      case 'tag':
        scopes.add(tagScope(dependency.tag))
        break
      case 'everything':
        scopes.add(ALL_ENTRIES_SCOPE)
        break
      default: {
        const table = canonicalTable(dependency.table)
        const rows = dependency.kind === 'rows' ? rowScopes(table, dependency.rows) : undefined
        scopes.add(databaseScope())
        for (const name of relationSpellings(table)) {
          // By key: only writes of these rows, or bulk writes of the table, change the result.
          if (rows) scopes.add(bulkScope(name))
          else scopes.add(tableScope(name))
        }
        for (const scope of rows ?? []) scopes.add(scope)
      }
    }
  }
  return [...scopes].sort()
}

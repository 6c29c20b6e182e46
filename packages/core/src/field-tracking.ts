import type { Change } from './changes'
import { canonicalTable } from './relation-names'

/**
 * Field-aware invalidation: per table, the columns whose changes no cached read needs to see
 * (view counters, `last_seen_at`). A write that assigned only such columns bumps nothing.
 *
 *   column is quiet  <=>  neverInvalidateOn has it (or is '*')  and  alwaysInvalidateOn does not
 *   change is quiet  <=>  an UPDATE whose assigned columns are known and all quiet
 *
 * Only a change that says which columns it assigned (`columns` on a table or rows change: an
 * UPDATE the planner or a binding could read exactly) can be quiet. Inserts, deletes, upserts,
 * unreadable statements, and everything the catalog derives from a write (trigger effects,
 * foreign-key actions, views) carry no columns and bump as before.
 */

/** One table's rule, as a binding option spells it (`fieldTracking: { posts: { ... } }`). */
export interface FieldTrackingRule {
  /** Columns whose changes invalidate nothing, or `'*'` for every column. */
  readonly neverInvalidateOn?: readonly string[] | '*'
  /** Columns whose changes always invalidate, even when `neverInvalidateOn` names them (or is `'*'`). @default [] */
  readonly alwaysInvalidateOn?: readonly string[]
}

/** The `fieldTracking` binding option: table (or model) name -> its rule. */
export type FieldTracking = { readonly [tableOrModel: string]: FieldTrackingRule }

/** One table's rule after validation, in SQL names. */
export interface QuietRule {
  readonly never: ReadonlySet<string> | '*'
  readonly always: ReadonlySet<string>
}

/** Rules by canonical table name. */
export type ResolvedFieldTracking = ReadonlyMap<string, QuietRule>

/** A write that bumped nothing because every column it assigned is quiet (reported in an `invalidate` event). */
export interface QuietWrite {
  /** The table, canonical. */
  readonly table: string
  /** The columns the write assigned. */
  readonly columns: readonly string[]
}

function isQuietColumn(rule: QuietRule, column: string): boolean {
  if (rule.always.has(column)) return false
  return rule.never === '*' || rule.never.has(column)
}

/**
 * The rules that apply to `table`: those declared under a name that resolves to it (`resolve`:
 * the catalog's search path, so `posts` reaches `app.posts` when `app` comes first on it).
 */
function rulesFor(tracking: ResolvedFieldTracking, table: string, resolve: (name: string) => string): QuietRule[] {
  const rules: QuietRule[] = []
  for (const [name, rule] of tracking) if (resolve(name) === table) rules.push(rule)
  return rules
}

/** True when `change` assigned only columns that every rule for its table declares quiet. */
export function isQuietChange(change: Change, tracking: ResolvedFieldTracking | undefined, resolve: (name: string) => string = (name) => name): boolean {
  if (!tracking || tracking.size === 0 || (change.kind !== 'table' && change.kind !== 'rows')) return false
  const columns = change.columns
  if (!columns || columns.length === 0) return false
  const rules = rulesFor(tracking, resolve(canonicalTable(change.table)), resolve)
  return rules.length > 0 && rules.every((rule) => columns.every((column) => isQuietColumn(rule, column)))
}

/**
 * The one place the quiet rule is applied: `loud` are the changes to bump, `quiet` the writes
 * that bump nothing (for events). Every binding's writes pass through here (the planner, and
 * `BindingRuntime.scopesOf` for changes a binding names itself).
 */
export function splitQuiet(
  changes: readonly Change[],
  tracking: ResolvedFieldTracking | undefined,
  resolve?: (name: string) => string,
): { readonly loud: readonly Change[]; readonly quiet: readonly QuietWrite[] } {
  if (!tracking || tracking.size === 0) return { loud: changes, quiet: [] }
  const loud: Change[] = []
  const quiet: QuietWrite[] = []
  for (const change of changes) {
    if (!isQuietChange(change, tracking, resolve)) loud.push(change)
    else if (change.kind === 'table' || change.kind === 'rows') quiet.push({ table: canonicalTable(change.table), columns: change.columns ?? [] })
  }
  return { loud, quiet }
}

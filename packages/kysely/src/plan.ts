import { databaseScope } from '@kvcache/core/internal'
import { planStatement as planWithCore, type Catalog, type Dialect, type Plan as CorePlan, type SavepointStatement, type TransactionControl } from '@kvcache/core/sql'
import { describeTree } from './describe'
import type { CompiledQueryLike } from './kysely-types'
import { callsVolatileFunction, rawFragmentReach } from './raw-sql'
import { readTree } from './walk'

/** What one statement means for the cache. */
export type Plan =
  | { readonly type: 'read'; readonly scopes: readonly string[] }
  /** Run it against the database, uncached; it changes no data we can see. */
  | { readonly type: 'bypass'; readonly reason: string }
  /** Bump `scopes` once it has run. `schemaChanged`: the catalog must be read again. */
  | { readonly type: 'write'; readonly scopes: readonly string[]; readonly schemaChanged: boolean }
  /** Raw transaction control (`begin`, `commit`, `savepoint sp1`...), read by the core's SQL reader. */
  | { readonly type: 'transaction'; readonly control: TransactionControl; readonly savepoint?: SavepointStatement }

/** What the planner knows besides the statement. */
export interface PlanContext {
  readonly catalog: Catalog | undefined
  readonly dialect: Dialect | undefined
}

/**
 * Decides what a compiled Kysely query means for the cache. The operation-node tree says what
 * it reads and writes; the core planner turns that into scopes (rows, cascades, triggers, views).
 * Raw SQL, and builder queries whose raw fragments name tables, are planned from their text.
 */
export function planStatement(compiled: CompiledQueryLike, context: PlanContext): Plan {
  const tree = readTree(compiled.query)
  if (tree.root === 'raw') return planText(compiled, context)
  const isRead = tree.root === 'select' && tree.verbs.size === 0
  if (tree.unknownKinds.length > 0) {
    const reason = `unknown operation node kinds: ${[...new Set(tree.unknownKinds)].join(', ')}`
    return isRead ? { type: 'bypass', reason } : { type: 'write', scopes: [databaseScope()], schemaChanged: false }
  }
  if (isRead) {
    const volatile = tree.raw.map(callsVolatileFunction).find((name) => name !== undefined)
    const uncacheable = [...tree.uncacheable, ...(volatile ? [`calls ${volatile}()`] : [])]
    if (uncacheable.length > 0) return { type: 'bypass', reason: uncacheable.join(', ') }
  }
  const reach = tree.raw.map(rawFragmentReach)
  if (reach.includes('writes') || (isRead && reach.includes('reads'))) return planText(compiled, context)
  // The core planner also gives `app.posts` the scopes of `posts` (an unqualified name may resolve to it).
  return fromCore(planWithCore({ operation: describeTree(tree, compiled.query, context) }, context))
}

/** Raw SQL (transaction control with savepoint names included): the core's SQL reader and planner. */
function planText(compiled: CompiledQueryLike, context: PlanContext): Plan {
  const plan = fromCore(planWithCore({ sql: compiled.sql, params: compiled.parameters, ...(context.dialect ? { dialect: context.dialect } : {}) }, context))
  const volatile = plan.type === 'read' ? callsVolatileFunction(compiled.sql) : undefined
  return volatile ? { type: 'bypass', reason: `calls ${volatile}()` } : plan
}

function fromCore(plan: CorePlan): Plan {
  switch (plan.type) {
    case 'write':
      return { type: 'write', scopes: plan.scopes, schemaChanged: plan.schemaChanged }
    default:
      return plan
  }
}


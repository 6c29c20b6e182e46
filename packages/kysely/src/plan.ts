import { bulkScope, databaseScope, tableScope } from '@kvcache/core/internal'
import type { ScopeTarget } from '@kvcache/core'
import type { CompiledQueryLike } from './kysely-types'
import { callsVolatileFunction, isHarmlessStatement, looksLikeRead, rawFragmentReach, transactionControlOf, type TransactionControl } from './raw-sql'
import type { SchemaFacts } from './schema-facts'
import { readTree, type TableRef, type TreeFacts, type WriteVerb } from './walk'

/** What one statement means for the cache. */
export type Plan =
  | { readonly type: 'read'; readonly scopes: readonly string[] }
  /** Run it against the database, uncached; it changes no data we can see. */
  | { readonly type: 'bypass'; readonly reason: string }
  | { readonly type: 'write'; readonly target: ScopeTarget; readonly schemaChange: boolean }
  | { readonly type: 'transaction'; readonly control: TransactionControl }

/** A statement described by what it reads and writes: what the scope planner takes. */
export interface Description {
  readonly reads: readonly TableRef[]
  readonly writes: readonly TableRef[]
  readonly verbs: ReadonlySet<WriteVerb>
}

const WHOLE_DATABASE: Extract<Plan, { type: 'write' }> = { type: 'write', target: { scopes: [databaseScope()] }, schemaChange: false }

/** Decides what a compiled Kysely query means for the cache, from its operation-node tree. */
export function planStatement(compiled: CompiledQueryLike, facts: SchemaFacts): Plan {
  const tree = readTree(compiled.query)
  if (tree.root === 'raw') return planRawStatement(compiled.sql)
  const isRead = tree.root === 'select' && tree.verbs.size === 0
  if (tree.unknownKinds.length > 0) {
    const reason = `unknown operation node kinds: ${[...new Set(tree.unknownKinds)].join(', ')}`
    return isRead ? { type: 'bypass', reason } : WHOLE_DATABASE
  }
  if (tree.ddl) return { ...WHOLE_DATABASE, schemaChange: true }
  const rawReach = tree.raw.map(rawFragmentReach)
  // Raw fragments that may write: the whole statement is read as SQL text.
  if (rawReach.includes('writes')) return planRawStatement(compiled.sql, { write: true })
  if (!isRead) return planWrite(tree, facts)
  return planRead(tree, rawReach.includes('reads'), facts)
}

function planRead(tree: TreeFacts, rawReads: boolean, facts: SchemaFacts): Plan {
  const volatile = tree.raw.map(callsVolatileFunction).find((name) => name !== undefined)
  const uncacheable = [...tree.uncacheable, ...(volatile ? [`calls ${volatile}()`] : [])]
  if (uncacheable.length > 0) return { type: 'bypass', reason: uncacheable.join(', ') }
  if (rawReads) return { type: 'bypass', reason: 'raw SQL fragment names relations the query tree cannot show' }
  if (tree.reads.length === 0) return { type: 'bypass', reason: 'reads no table' }
  return planScopes({ reads: tree.reads, writes: [], verbs: tree.verbs }, facts)
}

function planWrite(tree: TreeFacts, facts: SchemaFacts): Plan {
  if (tree.writes.length === 0) return WHOLE_DATABASE
  return planScopes({ reads: tree.reads, writes: tree.writes, verbs: tree.verbs }, facts)
}

/** Raw SQL (`sql\`...\``, `CompiledQuery.raw`): read through its text. */
function planRawStatement(sql: string, { write = false } = {}): Plan {
  const control = transactionControlOf(sql)
  if (control) return { type: 'transaction', control }
  if (!write && isHarmlessStatement(sql)) return { type: 'bypass', reason: 'statement changes no data' }
  if (!write && looksLikeRead(sql)) return { type: 'bypass', reason: 'raw SQL read: its tables are not known' }
  return WHOLE_DATABASE
}

/**
 * The scope planner: from tables read / written to scopes. The one place that turns relations
 * into scope names, so the core planner can take it over whole.
 */
export function planScopes(description: Description, facts: SchemaFacts): Plan {
  if (description.writes.length === 0) {
    const tables = new Set<string>()
    for (const ref of description.reads) for (const table of facts.tablesBehind(nameOf(ref))) tables.add(table)
    return { type: 'read', scopes: [...[...tables].map(tableScope), databaseScope()] }
  }
  const scopes = new Set<string>()
  for (const ref of description.writes) {
    for (const table of [nameOf(ref), ...facts.writtenWith(nameOf(ref), description.verbs)]) {
      scopes.add(tableScope(table))
      scopes.add(bulkScope(table))
    }
  }
  return { type: 'write', target: { scopes: [...scopes] }, schemaChange: false }
}

/**
 * Scope name of a relation: lower-cased, schema dropped. Same-named tables in two schemas share
 * scopes (over-invalidation, never a miss), since an unqualified name resolves through the
 * connection's search path, which the cache cannot see.
 */
export function nameOf(ref: TableRef): string {
  return ref.name.toLowerCase()
}

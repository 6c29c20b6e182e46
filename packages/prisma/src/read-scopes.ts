import { bulkScope, databaseScope, tableScope, tagScope } from '@kvcache/core/internal'
import type { Graph } from './graph'
import { whereKeyScope } from './keys'
import type { ResolvedStrategy } from './strategy'

/** Operations that accept `cacheStrategy`, as in Accelerate. */
export const READ_OPERATIONS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
])

const ROW_LOOKUPS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow'])
/** Hostile or generated args nested deeper than this make the read depend on every related table. */
const MAX_DEPTH = 64

/** Scope that `$accelerate.invalidateAll()` bumps besides the whole-database scope; no user tag can spell it. */
export const ALL_ENTRIES_SCOPE = tagScope('*')

/**
 * What one cached read depends on: its row (a key lookup) or its table, every table its
 * relations, relation filters and counts reach, the whole-database scope, and its tags.
 */
export function readScopes(
  graph: Graph,
  model: string,
  operation: string,
  args: Record<string, unknown>,
  strategy: ResolvedStrategy,
  viewTables: (table: string) => readonly string[] | undefined = () => undefined,
): string[] {
  const scopes = new Set<string>(strategy.tags.map(tagScope))
  // Every read depends on one scope `invalidateAll()` bumps: the whole-database scope, or its own.
  if (!strategy.autoInvalidate) return [...scopes.add(ALL_ENTRIES_SCOPE)].sort()
  scopes.add(databaseScope())
  const table = graph.table(model)
  const row = ROW_LOOKUPS.has(operation) ? whereKeyScope(graph, model, args.where) : undefined
  if (row) {
    scopes.add(row)
    scopes.add(bulkScope(table))
  }
  const tables = new Set<string>()
  relatedTables(graph, model, args, tables, 0)
  if (!row) tables.add(table)
  for (const related of tables) scopes.add(tableScope(related))
  // A model over a database view changes when the tables the view reads change.
  for (const relation of [table, ...tables]) for (const read of viewTables(relation) ?? []) scopes.add(tableScope(read))
  return [...scopes].sort()
}

/** Every relation field named anywhere in `value` (select, include, where, orderBy, _count...) adds its table. */
function relatedTables(graph: Graph, model: string, value: unknown, out: Set<string>, depth: number): void {
  if (typeof value !== 'object' || value === null) return
  if (depth > MAX_DEPTH) {
    for (const reachable of graph.component(model)) out.add(graph.table(reachable))
    return
  }
  if (Array.isArray(value)) {
    for (const item of value) relatedTables(graph, model, item, out, depth + 1)
    return
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return
  const relations = graph.models[model]?.relations ?? {}
  for (const [key, inner] of Object.entries(value)) {
    const relation = Object.hasOwn(relations, key) ? relations[key] : undefined
    if (relation) {
      out.add(graph.table(relation.model))
      if (relation.joinTable) out.add(graph.canonical(relation.joinTable, graph.models[model]?.schema))
      relatedTables(graph, relation.model, inner, out, depth + 1)
    } else {
      relatedTables(graph, model, inner, out, depth + 1)
    }
  }
}

import type { Dependency } from '@kvcache/core/binding'
import { resolveRelation, type Catalog } from '@kvcache/core/sql'
import type { Graph } from './graph'
import { whereRow } from './keys'

/** Operations that accept `cacheStrategy`, as in Accelerate. */
export const READ_OPERATIONS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy'])

const ROW_LOOKUPS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow'])
/** Hostile or generated args nested deeper than this are not read: the read runs uncached. */
const MAX_DEPTH = 64

/**
 * What one model read depends on, in the core's vocabulary: its row when the `where` pins a
 * primary or unique key, else its table; the tables of every relation its args name (select,
 * include, relation filters, `_count`, relation `orderBy`) and implicit join tables. A model
 * over a database view depends on the tables the view reads. Undefined: args too deep to read.
 */
export function readDependencies(
  graph: Graph,
  model: string,
  operation: string,
  args: Record<string, unknown>,
  catalog: Catalog | undefined,
): Dependency[] | undefined {
  const related = new Set<string>()
  if (!relatedTables(graph, model, args, related, 0)) return undefined
  const table = graph.table(model)
  const row = ROW_LOOKUPS.has(operation) && !viewOf(catalog, table) ? whereRow(graph, model, args.where) : undefined
  const dependencies: Dependency[] = row ? [{ kind: 'rows', table, rows: [row] }] : []
  for (const relation of row ? related : [table, ...related]) {
    for (const read of viewOf(catalog, relation) ?? [relation]) dependencies.push({ kind: 'table', table: read })
  }
  return dependencies
}

/** The tables a view reads, when the catalog knows `relation` as a view. */
function viewOf(catalog: Catalog | undefined, relation: string): readonly string[] | undefined {
  return catalog?.views.get(resolveRelation(catalog, relation))
}

/** Adds the table of every relation field named anywhere in `value`; false when nested too deeply. */
function relatedTables(graph: Graph, model: string, value: unknown, out: Set<string>, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true
  if (depth > MAX_DEPTH) return false
  if (Array.isArray(value)) return value.every((item) => relatedTables(graph, model, item, out, depth + 1))
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return true
  const relations = graph.models[model]?.relations ?? {}
  for (const [key, inner] of Object.entries(value)) {
    const relation = Object.hasOwn(relations, key) ? relations[key] : undefined
    if (relation) {
      out.add(graph.table(relation.model))
      const join = graph.joinTable(model, relation)
      if (join) out.add(join)
    }
    if (!relatedTables(graph, relation?.model ?? model, inner, out, depth + 1)) return false
  }
  return true
}

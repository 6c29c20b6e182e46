import { canonicalTable, resolveRelation, type Catalog, type OperationDescription, type RowKey, type WriteDescription } from '@kvcache/core/sql'
import { assignedColumns, keyConstraints, rowKeysOf } from './key-filters'
import type { OperationNodeLike } from './kysely-types'
import type { TableRef, TreeFacts } from './walk'

interface Names {
  readonly catalog: Catalog | undefined
}

/** A relation as the core reads names: `schema.table` or `table` (the core resolves it through the catalog's search path). */
export function nameOf(ref: TableRef): string {
  return ref.schema !== undefined ? `${ref.schema}.${ref.name}` : ref.name
}

function primaryKeyOf(catalog: Catalog | undefined, relation: string): readonly string[] | undefined {
  const primaryKey = catalog?.tables.get(resolveRelation(catalog, canonicalTable(relation)))?.primaryKey
  return primaryKey && primaryKey.length > 0 ? primaryKey : undefined
}

/** A read for the core planner: its relations, and the rows it is limited to when it reads one table by key. */
function describeRead(tree: TreeFacts, names: Names): OperationDescription {
  const { catalog } = names
  const reads = [...new Set(tree.reads.map(nameOf))]
  const [only] = reads
  const primaryKey = reads.length === 1 && only !== undefined ? primaryKeyOf(catalog, only) : undefined
  const readKeys = primaryKey ? rowKeysOf(keyConstraints(tree.where), primaryKey) : undefined
  return { kind: 'read', reads, ...(readKeys ? { readKeys: readKeys as RowKey[] } : {}) }
}

/**
 * A write for the core planner: each table and how it changes. An UPDATE or DELETE of one table
 * limited by its primary key names its rows, so by-key reads of other rows stay cached.
 */
function describeWrite(tree: TreeFacts, root: OperationNodeLike, names: Names): OperationDescription {
  const { catalog } = names
  const writes: WriteDescription[] = tree.writes.flatMap((ref) => ref.events.map((event) => ({ table: nameOf(ref), event })))
  const tables = [...new Set(writes.map((write) => canonicalTable(write.table)))]
  const [only] = tables
  const precise = tables.length === 1 && only !== undefined && writes.length === 1 && (tree.root === 'update' || tree.root === 'delete')
  const primaryKey = precise ? primaryKeyOf(catalog, only) : undefined
  const keys = primaryKey ? rowKeysOf(keyConstraints(tree.where), primaryKey) : undefined
  const [write] = writes
  const reads = tree.reads.map(nameOf)
  if (!keys || !primaryKey || !write) return { kind: 'write', reads, writes }
  const assigned = new Set(assignedColumns(root))
  const keyChanged = primaryKey.some((column) => assigned.has(column.toLowerCase()))
  return { kind: 'write', reads, writes: [{ ...write, keys: keys as RowKey[], ...(keyChanged ? { keyChanged } : {}) }] }
}

/** What the operation-node tree says about a statement, in the core planner's terms. */
export function describeTree(tree: TreeFacts, root: OperationNodeLike, names: Names): OperationDescription {
  if (tree.ddl) return { kind: 'write', ddl: true }
  const isRead = tree.root === 'select' && tree.verbs.size === 0
  if (isRead) return describeRead(tree, names)
  // A write node whose target we could not name (a raw target): everything may have changed.
  if (tree.writes.length === 0) return { kind: 'unknown' }
  return describeWrite(tree, root, names)
}

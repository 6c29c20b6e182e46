import { readFragment, type Dialect, type FragmentShape, type OperationDescription, type PlanInput, type WriteDescription } from '@kvcache/core/sql'
import { assignedColumns, keyConstraints, rowKeysOf, setColumns, targetsOneTable } from './key-filters'
import type { CompiledQueryLike, OperationNodeLike } from './kysely-types'
import { EXPLAIN, LOCKING_READ, readTree, type TableRef, type TreeFacts } from './walk'

/**
 * A compiled Kysely query, as the core planner takes it: the operation-node tree's description,
 * or the SQL text when the tree cannot say everything the statement does (`unknownKinds`: why).
 */
export interface QueryDescription {
  readonly input: PlanInput
  readonly unknownKinds?: readonly string[]
}

/** A relation as the core reads names: `schema.table` or `table` (the core resolves it through the catalog's search path). */
function nameOf(ref: TableRef): string {
  return ref.schema !== undefined ? `${ref.schema}.${ref.name}` : ref.name
}

/** Relations raw fragments name in FROM / JOIN (a subquery written as text), CTE names visible there left out. */
function fragmentReads(tree: TreeFacts, shapes: readonly FragmentShape[]): string[] {
  return shapes.flatMap((shape, index) => shape.reads.filter((name) => !tree.raw[index]?.ctes.has(name)))
}

/** A read: its relations, and the rows it is limited to when it reads one table by equality on its columns. */
function describeRead(tree: TreeFacts, root: OperationNodeLike, shapes: readonly FragmentShape[]): OperationDescription {
  // EXPLAIN reads no rows to cache; a locking read (`for update`) must take its locks: the core decides.
  if (tree.uncacheable.includes(EXPLAIN)) return { kind: 'harmless' }
  const locking = tree.uncacheable.includes(LOCKING_READ) || shapes.some((shape) => shape.locking)
  const hidden = fragmentReads(tree, shapes)
  const reads = [...new Set([...tree.reads.map(nameOf), ...hidden])]
  const volatile = tree.volatile || shapes.some((shape) => shape.volatile)
  // One reference to one table, read directly: the top-level where pins that table's rows.
  const oneTable = tree.reads.length === 1 && hidden.length === 0 && targetsOneTable(root)
  const readKeys = oneTable ? rowKeysOf(keyConstraints(tree.where)) : undefined
  return { kind: 'read', reads, ...(readKeys ? { readKeys } : {}), ...(volatile ? { volatile } : {}), ...(locking ? { locking } : {}) }
}

/**
 * A write: each table and how it changes. An UPDATE or DELETE of one table pinned by equality
 * names its rows (the core keeps them when they are primary keys), so by-key reads of other rows
 * stay cached.
 */
function describeWrite(tree: TreeFacts, root: OperationNodeLike, shapes: readonly FragmentShape[]): OperationDescription {
  const only = tree.writes.length === 1 && tree.root === 'update' ? tree.writes[0] : undefined
  // An UPDATE of one table (no data-modifying CTE, no joined table written): the columns its SET names.
  const columns = only?.events.length === 1 && only.events[0] === 'update' ? setColumns(root) : undefined
  const writes: WriteDescription[] = tree.writes.flatMap((ref) => ref.events.map((event) => ({ table: nameOf(ref), event, ...(columns ? { columns } : {}) })))
  const reads = [...new Set([...tree.reads.map(nameOf), ...fragmentReads(tree, shapes)])]
  const [write] = writes
  const keyed = writes.length === 1 && write !== undefined && (tree.root === 'update' || tree.root === 'delete') && targetsOneTable(root)
  const constraints = keyConstraints(tree.where)
  const keys = keyed ? rowKeysOf(constraints) : undefined
  if (!keys || !write) return { kind: 'write', reads, writes }
  // Assigning a pinned column may move a row to another key (the core then plans the table in bulk).
  const keyChanged = assignedColumns(root).some((column) => constraints.has(column))
  return { kind: 'write', reads, writes: [{ ...write, keys, ...(keyChanged ? { keyChanged } : {}) }] }
}

/**
 * Describes a compiled Kysely query for the core planner. The operation-node tree says what it
 * reads and writes; raw fragments inside it are read by the core's SQL reader (`readFragment`).
 * Raw statements, trees holding a fragment that may write, and trees with node kinds this
 * binding has never seen are described by their SQL text: the core reads and plans it like any
 * raw statement (a statement it cannot read is then the core's one rule).
 */
export function describeQuery(compiled: CompiledQueryLike, dialect: Dialect | undefined): QueryDescription {
  const tree = readTree(compiled.query)
  const text = { input: { sql: compiled.sql, params: compiled.parameters, ...(dialect ? { dialect } : {}) } }
  if (tree.root === 'raw') return text
  if (tree.unknownKinds.length > 0) return { ...text, unknownKinds: [...new Set(tree.unknownKinds)] }
  const shapes = tree.raw.map((fragment) => readFragment(fragment.text, dialect))
  if (shapes.some((shape) => shape.writes)) return text
  if (tree.ddl) return { input: { operation: { kind: 'write', ddl: true } } }
  if (tree.root === 'select' && tree.verbs.size === 0) return { input: { operation: describeRead(tree, compiled.query, shapes) } }
  // A write node whose target could not be named (a raw target): the planner takes the safe side.
  if (tree.writes.length === 0) return { input: { operation: { kind: 'unknown' } } }
  return { input: { operation: describeWrite(tree, compiled.query, shapes) } }
}

import {
  readFragment,
  type DescribedStatement,
  type Dialect,
  type FragmentShape,
  type OperationDescription,
  type PlanInput,
  type SqlStatement,
  type WriteDescription,
} from '@kvcache/core/sql'
import { assignedColumns, keyConstraints, rowKeysOf, setColumns, targetsOneTable } from './key-filters'
import type { CompiledQueryLike, OperationNodeLike } from './kysely-types'
import { EXPLAIN, LOCKING_READ, readTree, whereOf, type TableRef, type TreeFacts } from './walk'

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

/** What the tree says about a statement apart from its row keys (`keyed`: each call's where pins them). */
export interface KeylessDescription {
  readonly operation: OperationDescription
  readonly keyed: boolean
}

/** A read: its relations, and whether it reads one table directly (its where may then pin rows). */
function describeRead(tree: TreeFacts, root: OperationNodeLike, shapes: readonly FragmentShape[]): KeylessDescription {
  // EXPLAIN reads no rows to cache; a locking read (`for update`) must take its locks: the core decides.
  if (tree.uncacheable.includes(EXPLAIN)) return { operation: { kind: 'harmless' }, keyed: false }
  const locking = tree.uncacheable.includes(LOCKING_READ) || shapes.some((shape) => shape.locking)
  const hidden = fragmentReads(tree, shapes)
  const reads = [...new Set([...tree.reads.map(nameOf), ...hidden])]
  const volatile = tree.volatile || shapes.some((shape) => shape.volatile)
  // One reference to one table, read directly: the top-level where pins that table's rows.
  const keyed = tree.reads.length === 1 && hidden.length === 0 && targetsOneTable(root)
  return { operation: { kind: 'read', reads, ...(volatile ? { volatile } : {}), ...(locking ? { locking } : {}) }, keyed }
}

/**
 * A write: each table and how it changes. An UPDATE or DELETE of one table pinned by equality
 * names its rows (the core keeps them when they are primary keys), so by-key reads of other rows
 * stay cached.
 */
function describeWrite(tree: TreeFacts, root: OperationNodeLike, shapes: readonly FragmentShape[]): KeylessDescription {
  const only = tree.writes.length === 1 && tree.root === 'update' ? tree.writes[0] : undefined
  // An UPDATE of one table (no data-modifying CTE, no joined table written): the columns its SET names.
  const columns = only?.events.length === 1 && only.events[0] === 'update' ? setColumns(root) : undefined
  const writes: WriteDescription[] = tree.writes.flatMap((ref) => ref.events.map((event) => ({ table: nameOf(ref), event, ...(columns ? { columns } : {}) })))
  const reads = [...new Set([...tree.reads.map(nameOf), ...fragmentReads(tree, shapes)])]
  const keyed = writes.length === 1 && (tree.root === 'update' || tree.root === 'delete') && targetsOneTable(root)
  return { operation: { kind: 'write', reads, writes }, keyed }
}

/**
 * A description learned from a tree that compiled to the same SQL text, with the rows this call's
 * top-level where pins (by equality or `in`): a read's `readKeys`, the keys of a write of one table.
 */
export function withRowKeys(operation: OperationDescription, root: OperationNodeLike): OperationDescription {
  const where = whereOf(root)
  // Most reads of one table pin nothing (a list, a page): nothing to allocate for them.
  if (where === undefined) return operation
  const constraints = keyConstraints(where)
  const keys = rowKeysOf(constraints)
  if (!keys) return operation
  if (operation.kind === 'read') return { ...operation, readKeys: keys }
  const [write, ...others] = operation.writes ?? []
  if (!write || others.length > 0) return operation
  // Assigning a pinned column may move a row to another key (the core then plans the table in bulk).
  const keyChanged = assignedColumns(root).some((column) => constraints.has(column))
  return { ...operation, writes: [{ ...write, keys, ...(keyChanged ? { keyChanged } : {}) }] }
}

/** What the tree says apart from row keys, or `text` when the core must read the SQL text instead. */
type Learned = KeylessDescription | { readonly text: true; readonly unknownKinds?: readonly string[] }

/**
 * Raw statements, trees holding a fragment that may write, and trees with node kinds this
 * binding has never seen are described by their SQL text: the core reads and plans it like any
 * raw statement (a statement it cannot read is then the core's one rule).
 */
function learn(root: OperationNodeLike, dialect: Dialect | undefined): Learned {
  const tree = readTree(root)
  if (tree.root === 'raw') return { text: true }
  if (tree.unknownKinds.length > 0) return { text: true, unknownKinds: [...new Set(tree.unknownKinds)] }
  const shapes = tree.raw.map((fragment) => readFragment(fragment.text, dialect))
  if (shapes.some((shape) => shape.writes)) return { text: true }
  if (tree.ddl) return { operation: { kind: 'write', ddl: true }, keyed: false }
  if (tree.root === 'select' && tree.verbs.size === 0) return describeRead(tree, root, shapes)
  // A write node whose target could not be named (a raw target): the planner takes the safe side.
  if (tree.writes.length === 0) return { operation: { kind: 'unknown' }, keyed: false }
  return describeWrite(tree, root, shapes)
}

function textOf(compiled: CompiledQueryLike, dialect: Dialect | undefined): SqlStatement {
  return { sql: compiled.sql, params: compiled.parameters, ...(dialect ? { dialect } : {}) }
}

/**
 * Describes a compiled Kysely query for the core planner, whole. The operation-node tree says
 * what it reads and writes; raw fragments inside it are read by the core's SQL reader (`readFragment`).
 */
export function describeQuery(compiled: CompiledQueryLike, dialect: Dialect | undefined): QueryDescription {
  const learned = learn(compiled.query, dialect)
  if ('text' in learned) return { input: textOf(compiled, dialect), ...(learned.unknownKinds ? { unknownKinds: learned.unknownKinds } : {}) }
  return { input: { operation: learned.keyed ? withRowKeys(learned.operation, compiled.query) : learned.operation } }
}

/**
 * A compiled Kysely query as the core planner learns it: once per SQL text and catalog the tree
 * is walked (`onUnknownKinds` then hears of kinds this version does not know), and each call
 * adds only the rows its where pins. Two trees that compile to one text are one statement.
 */
export function plannableQuery(
  compiled: CompiledQueryLike,
  dialect: Dialect | undefined,
  onUnknownKinds: (kinds: readonly string[]) => void,
): DescribedStatement {
  const { sql, parameters: params, query } = compiled
  // Built on every statement: no spreads, and the tree is read only in `describe` and `withKeys`.
  return {
    sql,
    params,
    dialect,
    describe() {
      const learned = learn(query, dialect)
      if (!('text' in learned)) return learned
      if (learned.unknownKinds) onUnknownKinds(learned.unknownKinds)
      return undefined
    },
    withKeys: (operation) => withRowKeys(operation, query),
  }
}

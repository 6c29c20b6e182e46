import type { OperationNodeLike } from './kysely-types'

/** Column -> the values a top-level `where` pins it to (`id = 1`, `id in (1, 2)`). */
export type KeyConstraints = ReadonlyMap<string, readonly unknown[]>

type Fields = Record<string, unknown>

const MAX_KEYS = 100

function fieldsOf(node: unknown): Fields | undefined {
  return typeof node === 'object' && node !== null && typeof (node as Fields).kind === 'string' ? (node as Fields) : undefined
}

/** The column a reference names (`id`, `posts.id`, `p.id`), as written: the catalog's spelling decides whether it is a key column. */
function columnOf(node: unknown): string | undefined {
  const reference = fieldsOf(node)
  if (reference?.kind !== 'ReferenceNode') return undefined
  const column = fieldsOf(reference.column)
  const identifier = column?.kind === 'ColumnNode' ? fieldsOf(column.column) : undefined
  return typeof identifier?.name === 'string' ? identifier.name : undefined
}

/** The values on the right of `=` or `in`, or undefined when it is not a list of plain values. */
function valuesOf(node: unknown, operator: string): unknown[] | undefined {
  const operand = fieldsOf(node)
  if (operator === '=' && operand?.kind === 'ValueNode') return [operand.value]
  if (operator !== 'in') return undefined
  if (operand?.kind === 'PrimitiveValueListNode' && Array.isArray(operand.values)) return [...operand.values]
  if (operand?.kind === 'ValueListNode' && Array.isArray(operand.values)) {
    const values = operand.values.map((item) => fieldsOf(item))
    return values.every((item) => item?.kind === 'ValueNode') ? values.map((item) => item?.value) : undefined
  }
  return undefined
}

/** The conjuncts of a top-level `where` (through `and` and parentheses). */
function conjuncts(node: unknown, out: Fields[]): void {
  const fields = fieldsOf(node)
  if (!fields) return
  if (fields.kind === 'AndNode') {
    conjuncts(fields.left, out)
    conjuncts(fields.right, out)
  } else if (fields.kind === 'ParensNode') {
    conjuncts(fields.node, out)
  } else {
    out.push(fields)
  }
}

/**
 * What a top-level `where` pins columns to: equality and `in` lists joined by `and`. Anything
 * else (`or`, `not`, ranges) constrains nothing here; the statement is then planned as bulk.
 */
export function keyConstraints(where: OperationNodeLike | undefined): KeyConstraints {
  const found = new Map<string, unknown[]>()
  const parts: Fields[] = []
  conjuncts(where, parts)
  for (const part of parts) {
    if (part.kind !== 'BinaryOperationNode') continue
    const operator = String(fieldsOf(part.operator)?.operator ?? '').toLowerCase()
    const column = columnOf(part.leftOperand)
    const values = column === undefined ? undefined : valuesOf(part.rightOperand, operator)
    if (column === undefined || values === undefined) continue
    // Two constraints on one column (`id = 1 and id = 2`): keep the narrower, any is correct.
    const known = found.get(column)
    if (!known || values.length < known.length) found.set(column, values)
  }
  return found
}

/**
 * Every combination of the pinned values, one object per row the statement can touch. The core
 * planner keeps the primary-key columns of each and plans a row-level scope when they are all
 * there; undefined when a column pins nothing (`in ()`) or there are too many combinations.
 */
export function rowKeysOf(constraints: KeyConstraints): Record<string, unknown>[] | undefined {
  if (constraints.size === 0) return undefined
  let keys: Record<string, unknown>[] = [{}]
  for (const [column, values] of constraints) {
    if (values.length === 0) return undefined
    keys = keys.flatMap((key) => values.map((value) => ({ ...key, [column]: value })))
    if (keys.length > MAX_KEYS) return undefined
  }
  return keys
}

/**
 * Every column an UPDATE's SET assigns, or undefined when one of them is not a plain column
 * (field-aware invalidation: a write whose columns are unknown changes every column).
 */
export function setColumns(root: OperationNodeLike): string[] | undefined {
  const updates = (root as unknown as Fields).updates
  if (!Array.isArray(updates) || updates.length === 0) return undefined
  const columns: string[] = []
  for (const update of updates) {
    const node = fieldsOf(update)
    const column = node?.kind === 'ColumnUpdateNode' ? fieldsOf(node.column) : undefined
    const identifier = column?.kind === 'ColumnNode' ? fieldsOf(column.column) : undefined
    if (typeof identifier?.name !== 'string') return undefined
    columns.push(identifier.name)
  }
  return [...new Set(columns)]
}

/** Columns an UPDATE assigns (a key column assigned moves the row to another key). */
export function assignedColumns(root: OperationNodeLike): string[] {
  const updates = (root as unknown as Fields).updates
  if (!Array.isArray(updates)) return []
  return updates.flatMap((update) => {
    const column = fieldsOf(fieldsOf(update)?.column)
    const identifier = column?.kind === 'ColumnNode' ? fieldsOf(column.column) : undefined
    return typeof identifier?.name === 'string' ? [identifier.name] : []
  })
}

function isTable(node: unknown): boolean {
  const fields = fieldsOf(node)
  return fields?.kind === 'TableNode' || (fields?.kind === 'AliasNode' && fieldsOf(fields.node)?.kind === 'TableNode')
}

function isEmpty(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0)
}

/**
 * True when the root statement's top-level `where` can only name columns of one table: a select
 * from one table (no CTE, which could rename columns; no join; not a derived table), an update
 * without FROM or joins, a delete of one table without USING or joins. Only then do the pinned
 * columns name that table's rows.
 */
export function targetsOneTable(root: OperationNodeLike): boolean {
  const fields = root as unknown as Fields
  const froms = (fieldsOf(fields.from)?.froms as unknown[] | undefined) ?? []
  switch (root.kind) {
    case 'SelectQueryNode':
      return fields.with === undefined && isEmpty(fields.joins) && froms.length === 1 && isTable(froms[0])
    case 'UpdateQueryNode':
      return fields.from === undefined && isEmpty(fields.joins) && isTable(fields.table)
    case 'DeleteQueryNode':
      return fields.using === undefined && isEmpty(fields.joins) && froms.length === 1 && isTable(froms[0])
    default:
      return false
  }
}

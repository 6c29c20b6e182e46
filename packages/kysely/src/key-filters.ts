import type { OperationNodeLike } from './kysely-types'

/** Column -> the values a top-level `where` pins it to (`id = 1`, `id in (1, 2)`). */
export type KeyConstraints = ReadonlyMap<string, readonly unknown[]>

type Fields = Record<string, unknown>

const MAX_KEYS = 100

function fieldsOf(node: unknown): Fields | undefined {
  return typeof node === 'object' && node !== null && typeof (node as Fields).kind === 'string' ? (node as Fields) : undefined
}

/** The column a reference names (`id`, `posts.id`, `p.id`), lower-cased. */
function columnOf(node: unknown): string | undefined {
  const reference = fieldsOf(node)
  if (reference?.kind !== 'ReferenceNode') return undefined
  const column = fieldsOf(reference.column)
  const identifier = column?.kind === 'ColumnNode' ? fieldsOf(column.column) : undefined
  return typeof identifier?.name === 'string' ? identifier.name.toLowerCase() : undefined
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

/** The rows a statement is limited to by a key of these columns, or undefined if it is not. */
export function rowKeysOf(constraints: KeyConstraints, primaryKey: readonly string[]): Record<string, unknown>[] | undefined {
  if (primaryKey.length === 0) return undefined
  let keys: Record<string, unknown>[] = [{}]
  for (const column of primaryKey) {
    const values = constraints.get(column.toLowerCase())
    if (!values || values.length === 0) return undefined
    keys = keys.flatMap((key) => values.map((value) => ({ ...key, [column]: value })))
    if (keys.length > MAX_KEYS) return undefined
  }
  return keys
}

/** Columns an UPDATE assigns (a key column assigned moves the row to another key). */
export function assignedColumns(root: OperationNodeLike): string[] {
  const updates = (root as unknown as Fields).updates
  if (!Array.isArray(updates)) return []
  return updates.flatMap((update) => {
    const column = fieldsOf(fieldsOf(update)?.column)
    const identifier = column?.kind === 'ColumnNode' ? fieldsOf(column.column) : undefined
    return typeof identifier?.name === 'string' ? [identifier.name.toLowerCase()] : []
  })
}

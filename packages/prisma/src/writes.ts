import type { Change } from '@kvcache/core/binding'
import type { OperationDescription, RowKey, WriteDescription, WriteEvent } from '@kvcache/core/sql'
import type { Graph } from './graph'
import { uniqueKeyChanges } from './keys'

/** Write operations and the events they fire on their own table. */
export const WRITE_OPERATIONS = {
  create: ['insert'],
  createMany: ['insert'],
  createManyAndReturn: ['insert'],
  update: ['update'],
  updateMany: ['update'],
  updateManyAndReturn: ['update'],
  upsert: ['insert', 'update'],
  delete: ['delete'],
  deleteMany: ['delete'],
} as const satisfies Record<string, readonly WriteEvent[]>

export type WriteOperation = keyof typeof WRITE_OPERATIONS

export const UPDATES = new Set<WriteOperation>(['update', 'updateMany', 'updateManyAndReturn'])

/** Events a nested write operation fires on the related model's table. */
const NESTED_EVENTS: Readonly<Record<string, readonly WriteEvent[]>> = {
  create: ['insert'],
  createMany: ['insert'],
  connectOrCreate: ['insert', 'update'],
  update: ['update'],
  updateMany: ['update'],
  upsert: ['insert', 'update'],
  delete: ['delete'],
  deleteMany: ['delete'],
}
/** Nested operations that only move a foreign key (the related rows change when they hold it). */
const LINKS = new Set(['connect', 'disconnect', 'set'])

/** Args nested deeper than this are not read: the write is described as unknown (everything may have changed). */
const MAX_DEPTH = 32

/** One model write, described for the core planner, and what it changes in lookups by unique keys. */
export interface ModelWrite {
  readonly operation: OperationDescription
  readonly uniqueKeys: readonly Change[]
}

/**
 * Describes one model write (after it settled; `result` is undefined when it failed) by its
 * parts: the rows of its own table, by key when the result returns them; the tables its nested
 * writes touch at any depth, and implicit join tables. The core planner decides from this and the
 * catalog what it bumps: precise rows or the table, and what foreign-key actions and triggers reach.
 */
export function describeWrite(graph: Graph, model: string, operation: WriteOperation, args: Record<string, unknown>, result: unknown): ModelWrite {
  const datas = (operation === 'upsert' ? [args.create, args.update] : [args.data]).flatMap(list)
  const updates = operation === 'upsert' ? list(args.update) : UPDATES.has(operation) ? datas : []
  const changed = new Set(updates.flatMap((data) => changedFields(graph, model, data)))
  const rows = returnedRows(result)
  const primaryKey = graph.models[model]?.primaryKey?.fields ?? []
  const keyChanged = primaryKey.some((field) => changed.has(field))
  // An update whose data sets scalar fields only: the columns it assigns (fieldTracking may find them quiet).
  const columns = UPDATES.has(operation) ? scalarColumns(graph, model, args.data) : undefined
  const assigned = columns ? { columns } : {}
  const writes: WriteDescription[] = WRITE_OPERATIONS[operation].map((event) => ({
    table: graph.table(model),
    event,
    ...(rows ? { keys: rows as RowKey[] } : {}),
    ...(keyChanged ? { keyChanged } : {}),
    ...assigned,
  }))
  const readable = datas.every((data) => nested(graph, model, data, writes, 0))
  return {
    operation: readable ? { kind: 'write', writes } : { kind: 'unknown' },
    // The same rows under their unique keys changed only in those columns too.
    uniqueKeys: uniqueKeyChanges(graph, model, rows, changed).map((change) =>
      change.kind === 'table' || change.kind === 'rows' ? { ...change, ...assigned } : change,
    ),
  }
}

/**
 * The columns an update's `data` assigns when every key is a scalar field (a plain value or an
 * atomic operation: `{ increment: 1 }`, `{ set: x }`...); undefined when it names a relation
 * (a nested write, a connect) or anything the model does not list.
 */
function scalarColumns(graph: Graph, model: string, data: unknown): string[] | undefined {
  if (!isRecord(data)) return undefined
  const scalars = graph.models[model]?.scalars ?? []
  const fields = Object.keys(data)
  if (fields.length === 0 || !fields.every((field) => scalars.includes(field))) return undefined
  return fields.map((field) => graph.column(model, field))
}

/** The rows a write returned (`create`, `update`, `*AndReturn`...), or undefined (`{ count }`, a failure). Many rows become a table change in the core. */
function returnedRows(result: unknown): unknown[] | undefined {
  const rows = Array.isArray(result) ? result : [result]
  return rows.every((row) => isRecord(row) && !(Object.keys(row).length === 1 && 'count' in row)) ? rows : undefined
}

/** Scalar fields a `data` sets, plus the foreign-key fields its to-one relation writes move. */
function changedFields(graph: Graph, model: string, data: unknown): string[] {
  if (!isRecord(data)) return []
  const relations = graph.models[model]?.relations ?? {}
  return Object.keys(data).flatMap((key) => (Object.hasOwn(relations, key) ? (relations[key]?.fields ?? []) : [key]))
}

/** Adds the writes of the nested operations in `data`; false when nested too deeply to read. */
function nested(graph: Graph, model: string, data: unknown, writes: WriteDescription[], depth: number): boolean {
  if (!isRecord(data)) return true
  if (depth > MAX_DEPTH) return false
  const relations = graph.models[model]?.relations ?? {}
  for (const [key, operations] of Object.entries(data)) {
    const relation = Object.hasOwn(relations, key) ? relations[key] : undefined
    if (!relation || !isRecord(operations)) continue
    const target = graph.table(relation.model)
    const join = graph.joinTable(model, relation)
    for (const [operation, payload] of Object.entries(operations)) {
      if (join) writes.push({ table: join, event: 'insert' }, { table: join, event: 'delete' })
      // A link moves the key on whichever side holds it: this model's rows (already written) or the related ones.
      const events = LINKS.has(operation)
        ? relation.fields.length > 0 || join
          ? []
          : ['update' as const]
        : (NESTED_EVENTS[operation] ?? ['insert', 'update', 'delete'])
      for (const event of events) writes.push({ table: target, event })
      for (const item of list(payload)) {
        for (const inner of innerData(operation, item)) if (!nested(graph, relation.model, inner, writes, depth + 1)) return false
      }
    }
  }
  return true
}

/** The `data` objects inside one nested operation's item, which may nest further. */
function innerData(operation: string, item: unknown): unknown[] {
  if (!isRecord(item)) return []
  switch (operation) {
    case 'create':
      return [item]
    case 'connectOrCreate':
      return [item.create]
    case 'upsert':
      return [item.create, item.update]
    case 'update':
    case 'updateMany':
      // `update: { where, data }` on a list relation, `update: { ...data }` (or `{ data }`) on a to-one relation.
      return 'data' in item && (operation === 'updateMany' || 'where' in item || Object.keys(item).length === 1) ? [item.data] : [item]
    default:
      return []
  }
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

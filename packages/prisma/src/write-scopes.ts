import { bulkScope, tableScope } from '@kvcache/core/internal'
import type { Graph } from './graph'
import { rowKeyScopes } from './keys'

/** Write operations and what they do to rows of their own model. */
export const WRITE_OPERATIONS = {
  create: 'create',
  createMany: 'create',
  createManyAndReturn: 'create',
  update: 'update',
  updateMany: 'update',
  updateManyAndReturn: 'update',
  upsert: 'upsert',
  delete: 'delete',
  deleteMany: 'delete',
} as const satisfies Record<string, 'create' | 'update' | 'upsert' | 'delete'>

export type WriteOperation = keyof typeof WRITE_OPERATIONS

/** More returned rows than this are bumped as a bulk change instead of row by row. */
const MAX_PRECISE_ROWS = 100

/** Collects what a write touched: per table, precise rows or a bulk change. */
class Touched {
  readonly #scopes = new Set<string>()
  readonly tables = new Set<string>()
  constructor(readonly graph: Graph) {}
  bulk(model: string): void {
    const table = this.graph.table(model)
    this.tables.add(table)
    this.#scopes.add(tableScope(table)).add(bulkScope(table))
  }
  rows(model: string, scopes: readonly string[]): void {
    const table = this.graph.table(model)
    this.tables.add(table)
    this.#scopes.add(tableScope(table))
    for (const scope of scopes) this.#scopes.add(scope)
  }
  join(table: string, schema: string | null): void {
    const canonical = this.graph.canonical(table, schema)
    this.tables.add(canonical)
    this.#scopes.add(tableScope(canonical))
  }
  get result(): WriteTouch {
    return { scopes: [...this.#scopes].sort(), tables: this.tables }
  }
}

/** What one model write touched: the scopes to bump and the tables (canonical names) it changed. */
export interface WriteTouch {
  readonly scopes: string[]
  readonly tables: ReadonlySet<string>
}

/**
 * The scopes one model write touched: its own rows (precisely when the result names them),
 * nested writes at any depth, implicit join tables, and rows that referential actions change.
 * Runs after the write settled; `result` is undefined when it failed.
 */
export function writeScopes(graph: Graph, model: string, operation: WriteOperation, args: Record<string, unknown>, result: unknown): WriteTouch {
  const touched = new Touched(graph)
  const kind = WRITE_OPERATIONS[operation]
  const datas = (kind === 'upsert' ? [args.create, args.update] : [args.data]).flatMap(list)
  if (!graph.exact) {
    // No keys or referential actions known: a create reaches what its data names, anything else the whole neighbourhood.
    const reach = kind === 'create' && !datas.some((data) => mentionsRelation(graph, model, data)) ? [model] : graph.component(model)
    for (const reached of reach) bulkWithJoins(touched, reached)
    return touched.result
  }
  const updateData = kind === 'update' ? datas : kind === 'upsert' ? list(args.update) : []
  const changed = new Set(updateData.flatMap((data) => changedFields(graph, model, data)))
  const rows = preciseRows(graph, model, result, changed)
  if (rows) touched.rows(model, rows)
  else touched.bulk(model)
  if (kind === 'delete') cascadeDelete(touched, model, new Set())
  if (changed.size > 0) cascadeUpdate(touched, model, changed, new Set())
  for (const data of datas) nested(touched, model, data, 0)
  return touched.result
}

/** Row scopes from the returned row(s), or undefined when a bulk bump is needed. */
function preciseRows(graph: Graph, model: string, result: unknown, changed: ReadonlySet<string>): string[] | undefined {
  // A key that changed leaves the old key's readers behind: only a bulk bump reaches them.
  for (const field of graph.keyFields(model)) if (changed.has(field)) return undefined
  // `createMany` / `updateMany` / `deleteMany` return `{ count }`: no keys, so they bump in bulk.
  const rows = Array.isArray(result) ? result : [result]
  if (rows.length > MAX_PRECISE_ROWS) return undefined
  const scopes: string[] = []
  for (const row of rows) {
    const found = rowKeyScopes(graph, model, row)
    if (!found) return undefined
    scopes.push(...found)
  }
  return scopes
}

/** Scalar fields a `data` sets, plus the foreign-key fields its to-one relation writes move. */
function changedFields(graph: Graph, model: string, data: unknown): string[] {
  if (!isRecord(data)) return []
  const relations = graph.models[model]?.relations ?? {}
  const fields: string[] = []
  for (const key of Object.keys(data)) {
    const relation = Object.hasOwn(relations, key) ? relations[key] : undefined
    if (!relation) fields.push(key)
    else fields.push(...relation.fields)
  }
  return fields
}

function nested(touched: Touched, model: string, data: unknown, depth: number): void {
  if (!isRecord(data)) return
  const graph = touched.graph
  const relations = graph.models[model]?.relations ?? {}
  const schema = graph.models[model]?.schema ?? null
  for (const [key, operations] of Object.entries(data)) {
    const relation = Object.hasOwn(relations, key) ? relations[key] : undefined
    if (!relation || !isRecord(operations)) continue
    const target = relation.model
    if (relation.joinTable) touched.join(relation.joinTable, schema)
    if (depth > 32) {
      for (const reached of graph.component(target)) bulkWithJoins(touched, reached)
      continue
    }
    for (const [operation, payload] of Object.entries(operations)) {
      const items = list(payload)
      // connect / disconnect / set only move a foreign key: the target's rows change when it holds the key.
      const holdsKeyHere = relation.fields.length > 0 || relation.joinTable !== null
      if (!['connect', 'disconnect', 'set'].includes(operation) || !holdsKeyHere) touched.bulk(target)
      switch (operation) {
        case 'create':
          for (const item of items) nested(touched, target, item, depth + 1)
          break
        case 'connectOrCreate':
          for (const item of items) nested(touched, target, isRecord(item) ? item.create : undefined, depth + 1)
          break
        case 'update':
        case 'updateMany':
          for (const item of items) {
            const inner = isRecord(item) && 'data' in item && (operation === 'updateMany' || 'where' in item || Object.keys(item).length === 1) ? item.data : item
            updated(touched, target, inner, depth)
          }
          break
        case 'upsert':
          for (const item of items) {
            if (!isRecord(item)) continue
            nested(touched, target, item.create, depth + 1)
            updated(touched, target, item.update, depth)
          }
          break
        case 'delete':
        case 'deleteMany':
          cascadeDelete(touched, target, new Set())
          break
      }
    }
  }
}

function updated(touched: Touched, model: string, data: unknown, depth: number): void {
  const changed = new Set(changedFields(touched.graph, model, data))
  if (changed.size > 0) cascadeUpdate(touched, model, changed, new Set())
  nested(touched, model, data, depth + 1)
}

/** Rows the database changes when rows of `model` are deleted: cascades, SET NULL / DEFAULT, join rows. */
function cascadeDelete(touched: Touched, model: string, seen: Set<string>): void {
  if (seen.has(`d:${model}`)) return
  seen.add(`d:${model}`)
  const graph = touched.graph
  for (const relation of Object.values(graph.models[model]?.relations ?? {})) {
    if (relation.joinTable) touched.join(relation.joinTable, graph.models[model]?.schema ?? null)
  }
  for (const { child, relation } of graph.children(model)) {
    if (relation.onDelete === 'Cascade') {
      touched.bulk(child)
      cascadeDelete(touched, child, seen)
    } else if (relation.onDelete === 'SetNull' || relation.onDelete === 'SetDefault') {
      touched.bulk(child)
      cascadeUpdate(touched, child, new Set(relation.fields), seen)
    }
  }
}

/** Rows the database changes when referenced fields of `model` change (`onUpdate`). */
function cascadeUpdate(touched: Touched, model: string, fields: ReadonlySet<string>, seen: Set<string>): void {
  const graph = touched.graph
  const primary = graph.models[model]?.primaryKey?.fields ?? []
  if (primary.some((field) => fields.has(field))) {
    for (const relation of Object.values(graph.models[model]?.relations ?? {})) {
      if (relation.joinTable) touched.join(relation.joinTable, graph.models[model]?.schema ?? null)
    }
  }
  for (const { child, relation } of graph.children(model)) {
    if (!relation.references.some((field) => fields.has(field)) || seen.has(`u:${child}:${relation.fields.join()}`)) continue
    seen.add(`u:${child}:${relation.fields.join()}`)
    if (relation.onUpdate === 'Cascade' || relation.onUpdate === 'SetNull' || relation.onUpdate === 'SetDefault') {
      touched.bulk(child)
      cascadeUpdate(touched, child, new Set(relation.fields), seen)
    }
  }
}

function bulkWithJoins(touched: Touched, model: string): void {
  touched.bulk(model)
  for (const relation of Object.values(touched.graph.models[model]?.relations ?? {})) {
    if (relation.joinTable) touched.join(relation.joinTable, touched.graph.models[model]?.schema ?? null)
  }
}

function mentionsRelation(graph: Graph, model: string, data: unknown): boolean {
  const relations = graph.models[model]?.relations ?? {}
  return isRecord(data) && Object.keys(data).some((key) => Object.hasOwn(relations, key))
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

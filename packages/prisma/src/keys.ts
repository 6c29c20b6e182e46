import { rowScope } from '@kvcache/core/internal'
import type { Graph } from './graph'
import type { KeyInfo } from './models'

type KeyValue = string | number | bigint | boolean

function keyValue(value: unknown): KeyValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return value
    default:
      return undefined
  }
}

/**
 * The row scope of one key of one row. The primary key uses the core's row layout (the same one
 * the SQL planner uses for by-id statements); other unique keys are prefixed with `@name`.
 */
function scopeOf(graph: Graph, model: string, key: KeyInfo, values: readonly KeyValue[], primary: boolean): string {
  const table = graph.table(model)
  if (primary) return rowScope(table, values.length === 1 ? (values[0] as KeyValue) : values)
  return rowScope(table, [`@${key.name}`, ...values])
}

/** Row scopes of a result row: its primary key and every unique key. Undefined when any is missing. */
export function rowKeyScopes(graph: Graph, model: string, row: unknown): string[] | undefined {
  const info = graph.models[model]
  if (!info?.primaryKey || typeof row !== 'object' || row === null) return undefined
  const record = row as Record<string, unknown>
  const scopes: string[] = []
  const keys = [info.primaryKey, ...info.uniques]
  for (const [index, key] of keys.entries()) {
    const values = key.fields.map((field) => record[field])
    // A NULL in a unique key matches no `where`: there is nothing to bump for it.
    if (index > 0 && values.some((value) => value === null)) continue
    const usable = values.map(keyValue)
    if (usable.some((value) => value === undefined)) return undefined
    scopes.push(scopeOf(graph, model, key, usable as KeyValue[], index === 0))
  }
  return scopes
}

/** Reads the value of one field in a `where`: `5` or `{ equals: 5 }` (nothing else is a key lookup). */
function equality(value: unknown): KeyValue | undefined {
  const direct = keyValue(value)
  if (direct !== undefined) return direct
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 1 && 'equals' in value) {
    return keyValue((value as { equals: unknown }).equals)
  }
  return undefined
}

function lookup(key: KeyInfo, where: Record<string, unknown>): KeyValue[] | undefined {
  if (key.fields.length === 1) {
    const value = equality(where[key.name])
    return value === undefined ? undefined : [value]
  }
  const compound = where[key.name]
  if (typeof compound !== 'object' || compound === null) return undefined
  const values = key.fields.map((field) => keyValue((compound as Record<string, unknown>)[field]))
  return values.some((value) => value === undefined) ? undefined : (values as KeyValue[])
}

/** The row scope a `where` pins down by a primary or unique key, if it does. */
export function whereKeyScope(graph: Graph, model: string, where: unknown): string | undefined {
  const info = graph.models[model]
  if (!info?.primaryKey || typeof where !== 'object' || where === null) return undefined
  const record = where as Record<string, unknown>
  const primary = lookup(info.primaryKey, record)
  if (primary) return scopeOf(graph, model, info.primaryKey, primary, true)
  for (const key of info.uniques) {
    const values = lookup(key, record)
    if (values) return scopeOf(graph, model, key, values, false)
  }
  return undefined
}

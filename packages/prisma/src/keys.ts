import type { Change, RowId } from '@kvcache/core/binding'
import type { Graph } from './graph'
import type { KeyInfo } from './models'

/** Reads the value of one field in a `where`: `5` or `{ equals: 5 }` (nothing else is a key lookup). */
function equality(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  const keys = Object.keys(value)
  return keys.length === 1 && keys[0] === 'equals' ? (value as { equals: unknown }).equals : undefined
}

function lookup(key: KeyInfo, where: Record<string, unknown>): unknown[] | undefined {
  if (key.fields.length === 1) {
    const value = equality(where[key.name])
    return value === undefined || value === null ? undefined : [value]
  }
  const compound = where[key.name]
  if (typeof compound !== 'object' || compound === null) return undefined
  const values = key.fields.map((field) => (compound as Record<string, unknown>)[field])
  return values.some((value) => value === undefined || value === null || typeof value === 'object') ? undefined : values
}

/**
 * The row a `where` pins down by the primary key (`{ id: 5 }`, `{ orgId_userId: {...} }`) or by a
 * unique key (then `key` is its name, as Prisma spells it in `where`), if it does.
 */
export function whereRow(graph: Graph, model: string, where: unknown): RowId | undefined {
  const info = graph.models[model]
  if (!info?.primaryKey || typeof where !== 'object' || where === null) return undefined
  for (const [index, key] of [info.primaryKey, ...info.uniques].entries()) {
    const values = lookup(key, where as Record<string, unknown>)
    if (values) return { values, types: graph.keyTypes(model, key.fields), ...(index === 0 ? {} : { key: key.name }) }
  }
  return undefined
}

/**
 * What written rows change in lookups by unique keys (SQL names rows by primary key only): each
 * returned row under each unique key. A key whose value the result does not carry, or that the
 * write changed, reaches every lookup of the table; a NULL matches no `where`, so it names nothing.
 */
export function uniqueKeyChanges(graph: Graph, model: string, rows: readonly unknown[] | undefined, changed: ReadonlySet<string>): Change[] {
  const uniques = graph.models[model]?.uniques ?? []
  if (uniques.length === 0) return []
  const table = graph.table(model)
  if (!rows || uniques.some((key) => key.fields.some((field) => changed.has(field)))) return [{ kind: 'table', table }]
  const named: RowId[] = []
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) return [{ kind: 'table', table }]
    for (const key of uniques) {
      const values = key.fields.map((field) => (row as Record<string, unknown>)[field])
      if (values.some((value) => value === undefined)) return [{ kind: 'table', table }]
      if (values.some((value) => value === null)) continue
      named.push({ values, types: graph.keyTypes(model, key.fields), key: key.name })
    }
  }
  return named.length === 0 ? [] : [{ kind: 'rows', table, rows: named }]
}

import type { FieldSchema, FieldSchemaTable } from '@kvcache/core/binding'
import type { Graph } from './graph'

const schemas = new WeakMap<Graph, FieldSchema>()

/**
 * The models and scalar fields `fieldTracking` may name, as the core checks and translates them:
 * a model -> its table (`@@map`), a field -> its column (`@map`). Relation fields name no column.
 */
export function fieldSchemaOf(graph: Graph): FieldSchema {
  let schema = schemas.get(graph)
  if (!schema) {
    const tables = new Map<string, FieldSchemaTable>()
    for (const [model, info] of Object.entries(graph.models)) {
      tables.set(model, { table: graph.table(model), columns: new Map(info.scalars.map((field) => [field, [graph.column(model, field)]])) })
    }
    schemas.set(graph, (schema = { tables, nouns: ['model', 'field'] }))
  }
  return schema
}

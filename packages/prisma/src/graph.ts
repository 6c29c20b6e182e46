import { RUNTIME_PROVIDER, type KvCacheModels, type ModelInfo, type RelationInfo } from './models'
import { canonicalTableOf } from './raw'

/** A relation seen from the referenced (parent) model: which child rows follow its deletes and key changes. */
export interface ChildEdge {
  readonly child: string
  readonly relation: RelationInfo
}

/** The model graph with the indexes reads and writes need. */
export interface Graph {
  /** True when built by the generator (keys, directions, actions known). */
  readonly exact: boolean
  readonly models: Readonly<Record<string, ModelInfo>>
  /** The table name used in scopes (lower case, schema-qualified unless `public`). */
  table(model: string): string
  /** Canonical name of any table (join tables included). */
  canonical(table: string, schema?: string | null): string
  /** Relations of other models whose foreign keys point at `model`. */
  children(model: string): readonly ChildEdge[]
  /** Every field that is part of the primary key or a unique key of `model`. */
  keyFields(model: string): ReadonlySet<string>
  /** Models reachable from `model` through relations (itself included). */
  component(model: string): readonly string[]
  /** True when a model stored in `table` (canonical) has unique keys besides its primary key. */
  hasUniqueKeys(table: string): boolean
  /** Every table of the graph (models and implicit join tables), canonical. */
  readonly tables: ReadonlySet<string>
}

const canonical = canonicalTableOf

export function createGraph(models: KvCacheModels): Graph {
  const children = new Map<string, ChildEdge[]>()
  const keys = new Map<string, Set<string>>()
  for (const [name, model] of Object.entries(models.models)) {
    const fields = new Set<string>(model.primaryKey?.fields ?? [])
    for (const unique of model.uniques) for (const field of unique.fields) fields.add(field)
    keys.set(name, fields)
    for (const relation of Object.values(model.relations)) {
      if (relation.fields.length === 0) continue
      const list = children.get(relation.model) ?? []
      list.push({ child: name, relation })
      children.set(relation.model, list)
    }
  }
  const uniqueTables = new Set(
    Object.values(models.models)
      .filter((model) => model.uniques.length > 0)
      .map((model) => canonical(model.table, model.schema)),
  )
  const components = new Map<string, readonly string[]>()
  const component = (start: string): readonly string[] => {
    const cached = components.get(start)
    if (cached) return cached
    const seen = new Set<string>([start])
    const queue = [start]
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      for (const relation of Object.values(models.models[next]?.relations ?? {})) {
        if (!seen.has(relation.model)) {
          seen.add(relation.model)
          queue.push(relation.model)
        }
      }
    }
    const found = [...seen]
    components.set(start, found)
    return found
  }
  return {
    exact: models.provider !== RUNTIME_PROVIDER,
    models: models.models,
    table: (model) => {
      const info = models.models[model]
      return canonical(info?.table ?? model, info?.schema)
    },
    canonical,
    children: (model) => children.get(model) ?? [],
    keyFields: (model) => keys.get(model) ?? new Set(),
    component,
    hasUniqueKeys: (table) => uniqueTables.has(table),
    tables: new Set(
      Object.values(models.models).flatMap((model) => [
        canonical(model.table, model.schema),
        ...Object.values(model.relations).flatMap((relation) => (relation.joinTable ? [canonical(relation.joinTable, model.schema)] : [])),
      ]),
    ),
  }
}

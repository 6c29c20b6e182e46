import { createCatalog, type Catalog, type ForeignKeyFacts, type ReferentialAction as SqlAction, type TableFacts } from '@kvcache/core/sql'
import type { Graph } from './graph'
import type { ReferentialAction } from './models'

const ACTIONS = { Cascade: 'cascade', SetNull: 'set null', SetDefault: 'set default', Restrict: 'restrict', NoAction: 'no action' } as const satisfies Record<
  ReferentialAction,
  SqlAction
>

/**
 * The facts the model graph declares, as a core catalog: tables with their primary keys and key
 * types, foreign keys with their referential actions, and the foreign keys of implicit
 * many-to-many join tables (both cascade). The core planner follows them (with what the
 * database's own catalog adds: triggers, views, undeclared keys) to decide what a write reaches.
 */
function translate(graph: Graph): Catalog {
  const tables: TableFacts[] = []
  const foreignKeys: ForeignKeyFacts[] = []
  const joins = new Set<string>()
  for (const [name, model] of Object.entries(graph.models)) {
    const table = graph.table(name)
    const primaryKey = model.primaryKey?.fields ?? []
    tables.push({ name: table, primaryKey, keyTypes: graph.keyTypes(name, primaryKey) })
    for (const relation of Object.values(model.relations)) {
      if (relation.fields.length > 0) {
        foreignKeys.push({
          table,
          references: graph.table(relation.model),
          onDelete: ACTIONS[relation.onDelete ?? 'NoAction'],
          onUpdate: ACTIONS[relation.onUpdate ?? 'NoAction'],
        })
      }
      const join = graph.joinTable(name, relation)
      if (join && graph.exact) {
        joins.add(join)
        foreignKeys.push({ table: join, references: table, onDelete: 'cascade', onUpdate: 'cascade' })
      }
    }
  }
  for (const join of joins) tables.push({ name: join, primaryKey: [] })
  // Not complete: the database may hold tables no model maps (its own catalog says which).
  return createCatalog({ tables, foreignKeys })
}

const catalogs = new WeakMap<Graph, Catalog>()

/** The catalog `graph` declares, built once per graph. */
export function modelCatalog(graph: Graph): Catalog {
  let catalog = catalogs.get(graph)
  if (!catalog) catalogs.set(graph, (catalog = translate(graph)))
  return catalog
}

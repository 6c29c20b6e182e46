import { getTableName, is, Table } from 'drizzle-orm'
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core'
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { canonicalTable } from './sql-plan'

/** What the binding knows about the app's tables, from its Drizzle schema. */
export interface SchemaInfo {
  /** Every table (canonical name), so unknown relations (views) can be spotted. */
  readonly tables: ReadonlySet<string>
  /** Single-column primary key per table, for row-level scopes. */
  readonly primaryKeys: ReadonlyMap<string, string>
  /** Tables whose rows change when a row of the key table is deleted (ON DELETE CASCADE, SET NULL, SET DEFAULT), transitively. */
  readonly deleteDependents: ReadonlyMap<string, ReadonlySet<string>>
  /** Tables whose rows change when a key of the key table is updated (ON UPDATE CASCADE, SET NULL, SET DEFAULT), transitively. */
  readonly updateDependents: ReadonlyMap<string, ReadonlySet<string>>
}

const CHANGES_CHILD = new Set(['cascade', 'set null', 'set default'])

interface ForeignKeyLike {
  readonly onDelete?: string
  readonly onUpdate?: string
  reference(): { foreignTable: Table }
}

interface TableConfigLike {
  readonly name: string
  readonly schema?: string
  readonly columns: readonly { readonly name: string; readonly primary: boolean }[]
  readonly primaryKeys: readonly { readonly columns: readonly { readonly name: string }[] }[]
  readonly foreignKeys: readonly ForeignKeyLike[]
}

function configOf(table: Table): TableConfigLike | undefined {
  if (is(table, SQLiteTable)) return sqliteTableConfig(table) as unknown as TableConfigLike
  if (is(table, PgTable)) return pgTableConfig(table) as unknown as TableConfigLike
  return undefined
}

/** Canonical name of a Drizzle table object: `schema.table` for non-public PostgreSQL schemas. */
export function nameOfTable(table: Table): string {
  const config = configOf(table)
  const name = config?.name ?? getTableName(table)
  return canonicalTable(config?.schema ? `"${config.schema}"."${name}"` : `"${name}"`)
}

/** Builds `SchemaInfo` from a Drizzle schema module (`import * as schema from './schema'`). */
export function schemaInfo(schema: Record<string, unknown>): SchemaInfo {
  const tables = new Set<string>()
  const primaryKeys = new Map<string, string>()
  const onDelete = new Map<string, Set<string>>()
  const onUpdate = new Map<string, Set<string>>()
  for (const value of Object.values(schema)) {
    if (!is(value, Table)) continue
    const table = value as Table
    const config = configOf(table)
    if (!config) continue
    const name = nameOfTable(table)
    tables.add(name)
    const inline = config.columns.filter((column) => column.primary).map((column) => column.name)
    const composite = config.primaryKeys.flatMap((key) => key.columns.map((column) => column.name))
    const keyColumns = inline.length > 0 ? inline : composite
    if (keyColumns.length === 1) primaryKeys.set(name, keyColumns[0] as string)
    for (const foreignKey of config.foreignKeys) {
      const parent = nameOfTable(foreignKey.reference().foreignTable)
      for (const [action, edges] of [[foreignKey.onDelete, onDelete], [foreignKey.onUpdate, onUpdate]] as const) {
        if (!CHANGES_CHILD.has(action ?? '')) continue
        if (!edges.has(parent)) edges.set(parent, new Set())
        edges.get(parent)?.add(name)
      }
    }
  }
  return { tables, primaryKeys, deleteDependents: closure(onDelete), updateDependents: closure(onUpdate) }
}

/** Cascades chain (users -> posts -> comments): close over them once. */
function closure(direct: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Set<string>> {
  const dependents = new Map<string, Set<string>>()
  for (const parent of direct.keys()) {
    const seen = new Set<string>()
    const queue = [...(direct.get(parent) ?? [])]
    while (queue.length > 0) {
      const child = queue.pop() as string
      if (seen.has(child) || child === parent) continue
      seen.add(child)
      queue.push(...(direct.get(child) ?? []))
    }
    dependents.set(parent, seen)
  }
  return dependents
}

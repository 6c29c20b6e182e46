import { keyTypeOfSql, type KeyType } from '@kvcache/core/binding'
import { canonicalName, createCatalog, referentialAction, type Catalog, type ForeignKeyFacts, type TableFacts } from '@kvcache/core/sql'

// Drizzle marks its objects with global symbols and an entity kind per class. Reading them
// structurally keeps `drizzle-orm/pg-core` out of a D1 Worker's bundle (and `sqlite-core` out of a
// PostgreSQL one): importing those modules only to call `is(table, PgTable)` costs kilobytes.
const ENTITY_KIND = Symbol.for('drizzle:entityKind')
const NAME = Symbol.for('drizzle:Name')
const SCHEMA = Symbol.for('drizzle:Schema')
const COLUMNS = Symbol.for('drizzle:Columns')
const EXTRA_COLUMNS = Symbol.for('drizzle:ExtraConfigColumns')
const EXTRA_BUILDER = Symbol.for('drizzle:ExtraConfigBuilder')
const INLINE_FOREIGN_KEYS: Record<Dialect, symbol> = {
  SQLite: Symbol.for('drizzle:SQLiteInlineForeignKeys'),
  Pg: Symbol.for('drizzle:PgInlineForeignKeys'),
}

type Dialect = 'SQLite' | 'Pg'

interface ColumnLike {
  readonly name: string
  readonly primary?: boolean
  getSQLType?(): string
}

interface ForeignKeyLike {
  readonly onDelete?: string
  readonly onUpdate?: string
  reference(): { readonly foreignTable: object }
}

type TableLike = Record<symbol, unknown>

/** The entity kinds of an object's class chain (`['SQLiteTable', 'Table']`). */
function kindsOf(value: unknown): string[] {
  const kinds: string[] = []
  if (!value || typeof value !== 'object') return kinds
  let constructor = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor
  while (typeof constructor === 'function') {
    const kind = (constructor as unknown as Record<symbol, unknown>)[ENTITY_KIND]
    if (typeof kind === 'string') kinds.push(kind)
    constructor = Object.getPrototypeOf(constructor)
  }
  return kinds
}

/** The dialect of a Drizzle table object, or undefined for anything else (relations, enums, views). */
export function dialectOf(value: unknown): Dialect | undefined {
  const kinds = kindsOf(value)
  if (kinds.includes('SQLiteTable')) return 'SQLite'
  if (kinds.includes('PgTable')) return 'Pg'
  return undefined
}

/** Canonical name of a Drizzle table object: `schema.table` outside PostgreSQL's `public`. */
export function nameOfTable(table: object): string {
  const record = table as TableLike
  const schema = record[SCHEMA]
  const name = String(record[NAME] ?? '')
  return canonicalName(typeof schema === 'string' && schema !== '' ? [schema, name] : [name])
}

/** How key values compare, from the columns' SQL types (so row keys are spelled as the catalog would); undefined when one cannot be read. */
function keyTypesOf(columns: readonly ColumnLike[], dialect: Dialect): KeyType[] | undefined {
  try {
    const types = columns.map((column) => column.getSQLType?.())
    if (types.some((type) => typeof type !== 'string')) return undefined
    return (types as string[]).map((type) => keyTypeOfSql(type, dialect === 'Pg' ? 'postgres' : 'sqlite'))
  } catch {
    // A custom type whose SQL type cannot be built without its config: leave the key type unknown.
    return undefined
  }
}

/** What `getTableConfig` would give, read off the table object: key columns (and their key types) and foreign keys. */
function factsOf(table: TableLike, dialect: Dialect): { keyColumns: string[]; keyTypes: KeyType[] | undefined; foreignKeys: ForeignKeyLike[] } {
  const columns = Object.values((table[COLUMNS] ?? {}) as Record<string, ColumnLike>)
  const foreignKeys = Object.values((table[INLINE_FOREIGN_KEYS[dialect]] ?? {}) as Record<string, ForeignKeyLike>)
  const composite: string[] = []
  const builder = table[EXTRA_BUILDER]
  if (typeof builder === 'function') {
    const config = builder(dialect === 'Pg' ? table[EXTRA_COLUMNS] : table[COLUMNS]) as unknown
    const items = Array.isArray(config) ? config.flat(1) : Object.values((config ?? {}) as object)
    for (const item of items as { columns?: ColumnLike[]; build?: (table: unknown) => ForeignKeyLike }[]) {
      const kinds = kindsOf(item)
      if (kinds.includes(`${dialect}PrimaryKeyBuilder`)) composite.push(...(item.columns ?? []).map((column) => column.name))
      if (kinds.includes(`${dialect}ForeignKeyBuilder`) && item.build) foreignKeys.push(item.build(table))
    }
  }
  const inline = columns.filter((column) => column.primary).map((column) => column.name)
  const keyColumns = inline.length > 0 ? inline : composite
  // The table's own columns (PostgreSQL's extra-config copies cannot give their SQL type).
  const key = keyColumns.map((name) => columns.find((column) => column.name === name))
  const keyTypes = keyColumns.length > 0 && key.every((column) => column !== undefined) ? keyTypesOf(key as ColumnLike[], dialect) : undefined
  return { keyColumns, keyTypes, foreignKeys }
}

function translate(schema: Record<string, unknown>): Catalog {
  const tables: TableFacts[] = []
  const foreignKeys: ForeignKeyFacts[] = []
  for (const value of Object.values(schema)) {
    const dialect = dialectOf(value)
    if (!dialect) continue
    const table = value as TableLike
    const name = nameOfTable(table)
    const facts = factsOf(table, dialect)
    tables.push({ name, primaryKey: facts.keyColumns, ...(facts.keyTypes ? { keyTypes: facts.keyTypes } : {}) })
    for (const key of facts.foreignKeys) {
      foreignKeys.push({
        table: name,
        references: nameOfTable(key.reference().foreignTable),
        onDelete: referentialAction(key.onDelete),
        onUpdate: referentialAction(key.onUpdate),
      })
    }
  }
  // The schema lists the app's tables: a relation it does not name is treated as unknown.
  return createCatalog({ tables, foreignKeys, complete: true })
}

const translated = new WeakMap<object, Catalog>()

/**
 * The catalog facts a Drizzle schema module declares (`import * as schema from './schema'`):
 * tables, primary keys (composite too) and how their values compare, foreign keys with their actions. Memoised per schema
 * object: an app builds a binding per request with the same module.
 */
export function schemaCatalog(schema: Record<string, unknown>): Catalog {
  let catalog = translated.get(schema)
  if (!catalog) {
    catalog = translate(schema)
    translated.set(schema, catalog)
  }
  return catalog
}

import type { FieldSchema, FieldSchemaTable } from '@kvcache/core/binding'
import { dialectOf, nameOfTable } from './schema-catalog'

// Read structurally, like the schema catalog: no `drizzle-orm/*-core` import in a Worker's bundle.
const COLUMNS = Symbol.for('drizzle:Columns')

interface ColumnLike {
  readonly name?: unknown
  /** True when the column was declared without a name (`integer()`): `drizzle({ casing })` then decides its SQL name. */
  readonly keyAsName?: boolean
}

// Drizzle's `casing` conversions (drizzle-orm/casing), for columns named after their key.
const WORDS = /[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g
const wordsOf = (name: string) => name.replace(/['\u2019]/g, '').match(WORDS) ?? []
const snakeCase = (name: string) =>
  wordsOf(name)
    .map((word) => word.toLowerCase())
    .join('_')
const camelCase = (name: string) =>
  wordsOf(name).reduce((out, word, i) => out + (i === 0 ? word.toLowerCase() : `${word[0]?.toUpperCase()}${word.slice(1)}`), '')

function tableOf(table: Record<symbol, unknown>): FieldSchemaTable {
  const declared = Object.entries((table[COLUMNS] ?? {}) as Record<string, ColumnLike>).filter(
    (entry): entry is [string, ColumnLike & { name: string }] => typeof entry[1]?.name === 'string',
  )
  const sqlNames = new Set(declared.map(([, column]) => column.name))
  const columns = new Map<string, readonly string[]>()
  for (const [property, column] of declared) {
    // Named after its key: any casing Drizzle may apply, unless that is another column's name.
    const spellings = column.keyAsName
      ? [...new Set([column.name, snakeCase(column.name), camelCase(column.name)])].filter((name) => name === column.name || !sqlNames.has(name))
      : [column.name]
    // The schema's property (`viewCount`) and the SQL name (`view_count`, any casing of it) name the column.
    for (const name of [property, ...spellings]) if (!columns.has(name) || name === column.name) columns.set(name, spellings)
  }
  return { table: nameOfTable(table), columns }
}

function translate(schema: Record<string, unknown>): FieldSchema {
  const tables = new Map<string, FieldSchemaTable>()
  for (const [exported, value] of Object.entries(schema)) {
    if (!dialectOf(value)) continue
    const table = tableOf(value as Record<symbol, unknown>)
    // The export (`posts`) and the SQL name (canonical, `app.posts` outside the default schema; any
    // other spelling of it is found through `canonicalTable`).
    for (const name of [exported, table.table]) if (!tables.has(name)) tables.set(name, table)
  }
  return { tables }
}

const translated = new WeakMap<object, FieldSchema>()

/**
 * The tables and columns of a Drizzle schema module under every name `fieldTracking` accepts (SQL
 * names, and the schema's exports and column properties), mapped to SQL. Memoised per schema object.
 */
export function fieldSchemaOf(schema: Record<string, unknown>): FieldSchema {
  let fields = translated.get(schema)
  if (!fields) translated.set(schema, (fields = translate(schema)))
  return fields
}

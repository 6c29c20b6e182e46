import { createCatalog, referentialAction, type Catalog, type ForeignKeyFacts, type TableFacts, type TriggerFacts, type ViewFacts } from './catalog'
import { keyTypeOfSql } from '../row-keys'
import { readStatement } from './reader'
import { isWord, tokenize } from './tokens'
import { scanWrites, type WriteEvent } from './writes'

/** Runs one SQL statement on the database and returns its rows as plain objects (column name -> value). */
export type RunQuery = (sql: string) => Promise<readonly Record<string, unknown>[]>

/**
 * One statement, one round trip (D1 may be far away): every table, view and trigger with its SQL,
 * primary-key columns from `pragma_table_info`, foreign keys from `pragma_foreign_key_list`.
 */
export const SQLITE_CATALOG_QUERY: string = /* @__PURE__ */ catalogQuery()

// Built in a function called as pure: a bundle that never reads a SQLite catalog drops the text.
function catalogQuery(): string {
  // Internal objects: SQLite's own (`sqlite_sequence`, autoindexes) and D1's (`_cf_KV`, not readable).
  const userObject = String.raw`m.name NOT LIKE 'sqlite\_%' ESCAPE '\' AND m.name NOT LIKE '\_cf\_%' ESCAPE '\'`
  return [
    `SELECT 'object' AS kind, m.type AS a, m.name AS b, m.tbl_name AS c, m.sql AS d, 0 AS n FROM sqlite_master AS m WHERE m.type IN ('table', 'view', 'trigger') AND ${userObject}`,
    `SELECT 'pk', m.name, p.name, p.type, NULL, p.pk FROM sqlite_master AS m, pragma_table_info(m.name) AS p WHERE m.type = 'table' AND p.pk > 0 AND ${userObject}`,
    `SELECT 'fk', m.name, f."table", f.on_delete, f.on_update, f.id FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table' AND ${userObject}`,
  ].join(' UNION ALL ')
}

/**
 * Reads a `CREATE TRIGGER` statement: the events that fire it (before its `ON table`) and the
 * tables its `BEGIN ... END` body writes.
 */
export function sqliteTrigger(name: string, table: string, sql: string): TriggerFacts {
  const tokens = tokenize(sql, 'sqlite')
  const on = tokens.findIndex((token, index) => index > 2 && isWord(token, 'on'))
  const events = new Set<WriteEvent>()
  for (const token of tokens.slice(0, Math.max(on, 0))) {
    if (isWord(token, 'insert', 'update', 'delete')) events.add(token.text as WriteEvent)
  }
  const begin = tokens.findIndex((token, index) => index > on && isWord(token, 'begin'))
  let end = tokens.length - 1
  while (end > begin && !isWord(tokens[end], 'end')) end--
  if (on < 0 || begin < 0 || end <= begin) return { name, table, events: [...events], writes: [], writesUnknown: true }
  return { name, table, events: [...events], writes: scanWrites(tokens, begin + 1, end).effects }
}

/** Builds catalog facts from the rows of `SQLITE_CATALOG_QUERY`. */
export function sqliteCatalogFromRows(rows: readonly Record<string, unknown>[]): Catalog {
  const keys = new Map<string, { column: string; type: string; position: number }[]>()
  const objects: { type: string; name: string; table: string; sql: string }[] = []
  const foreignKeys: ForeignKeyFacts[] = []
  for (const row of rows) {
    const [a, b, c, d] = [String(row.a ?? ''), String(row.b ?? ''), row.c, row.d]
    if (row.kind === 'object') objects.push({ type: a, name: b, table: String(c ?? ''), sql: String(d ?? '') })
    else if (row.kind === 'pk') keys.set(a, [...(keys.get(a) ?? []), { column: b, type: String(c ?? ''), position: Number(row.n) }])
    else if (row.kind === 'fk') foreignKeys.push({ table: a, references: b, onDelete: referentialAction(c), onUpdate: referentialAction(d) })
  }
  const tables: TableFacts[] = []
  const views: ViewFacts[] = []
  const triggers: TriggerFacts[] = []
  for (const object of objects) {
    if (object.type === 'table') {
      const columns = [...(keys.get(object.name) ?? [])].sort((x, y) => x.position - y.position)
      // A case-insensitive collation makes 'A' and 'a' one key: not modelled, so such text keys name no row.
      const nocase = /\bnocase\b/i.test(object.sql)
      const keyTypes = columns.map((key) => {
        const type = keyTypeOfSql(key.type, 'sqlite')
        return nocase && type === 'text' ? 'opaque' : type
      })
      tables.push({ name: object.name, primaryKey: columns.map((key) => key.column), keyTypes })
    } else if (object.type === 'view') {
      views.push({ name: object.name, reads: readStatement(object.sql, 'sqlite').reads })
    } else if (object.type === 'trigger') {
      triggers.push(sqliteTrigger(object.name, object.table, object.sql))
    }
  }
  return createCatalog({ tables, views, foreignKeys, triggers, complete: true })
}

/**
 * Learns a SQLite / D1 / libSQL database's catalog from the database itself: tables and primary
 * keys (composite too), foreign keys with their ON DELETE / ON UPDATE actions, views and the
 * tables they read, triggers and the tables their bodies write. `run` is the binding's driver.
 *
 * @example
 * const catalog = await introspectSqlite(async (sql) => (await env.DB.prepare(sql).all()).results)
 */
export async function introspectSqlite(run: RunQuery): Promise<Catalog> {
  return sqliteCatalogFromRows(await run(SQLITE_CATALOG_QUERY))
}

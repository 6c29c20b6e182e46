import { createCatalog, type Catalog, type ForeignKeyFacts, type InheritanceFacts, type ReferentialAction, type TriggerFacts } from './catalog'
import { keyTypeOfSql } from '../row-keys'
import type { RunQuery } from './introspect-sqlite'
import { canonicalName } from './names'
import { POSTGRES_CATALOG_QUERY, POSTGRES_FUNCTIONS_QUERY } from './postgres-queries'
import { isPunct, isWord, tokenize } from './tokens'
import { scanWrites, type WriteEffect, type WriteEvent } from './writes'

/** A user function: its language and source (`prosrc`). */
interface FunctionSource {
  readonly language: string
  readonly body: string
}

const ACTIONS: Record<string, ReferentialAction> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' }
const RULE_EVENTS: Record<string, WriteEvent> = { '2': 'update', '3': 'insert', '4': 'delete' }

function triggerEvents(type: number): WriteEvent[] {
  const events: WriteEvent[] = []
  if (type & 4) events.push('insert')
  if (type & 8) events.push('delete')
  if (type & 16) events.push('update')
  if (type & 32) events.push('truncate')
  return events
}

/**
 * What a function body writes: its INSERT / UPDATE / DELETE ... targets, and what the user
 * functions it calls write. Dynamic SQL (`EXECUTE`) or a language we cannot read: unknown.
 * Unqualified names resolve through `search_path` at run time: count them in `schema` too.
 */
function bodyWrites(
  source: FunctionSource,
  schema: string,
  functions: ReadonlyMap<string, readonly FunctionSource[]>,
  trail: ReadonlySet<string>,
): { writes: WriteEffect[]; unknown: boolean } {
  if (source.language !== 'plpgsql' && source.language !== 'sql') return { writes: [], unknown: true }
  const tokens = tokenize(source.body, 'postgres')
  if (tokens.some((token) => isWord(token, 'execute'))) return { writes: [], unknown: true }
  const writes: WriteEffect[] = []
  let unknown = false
  for (const effect of scanWrites(tokens, 0, tokens.length).effects) {
    writes.push(effect)
    if (!effect.table.includes('.')) writes.push({ table: canonicalName([schema, effect.table]), event: effect.event })
  }
  tokens.forEach((token, index) => {
    const name = token.type === 'word' || token.type === 'ident' ? token.text.toLowerCase() : ''
    if (!isPunct(tokens[index + 1], '(') || !functions.has(name) || trail.has(name)) return
    for (const callee of functions.get(name) ?? []) {
      const found = bodyWrites(callee, schema, functions, new Set([...trail, name]))
      writes.push(...found.writes)
      unknown ||= found.unknown
    }
  })
  return { writes, unknown }
}

interface Collected {
  readonly relations: Map<string, string>
  readonly keys: Map<string, { column: string; type: string; position: number }[]>
  readonly foreignKeys: ForeignKeyFacts[]
  readonly inherits: InheritanceFacts[]
  readonly views: Map<string, Set<string>>
  readonly rules: { table: string; events: WriteEvent[]; writes: string }[]
  readonly triggers: { schema: string; table: string; name: string; source: FunctionSource; type: number }[]
  readonly searchPath: { schema: string; position: number }[]
}

function collect(rows: readonly Record<string, unknown>[]): Collected {
  const collected: Collected = {
    relations: new Map(),
    keys: new Map(),
    foreignKeys: [],
    inherits: [],
    views: new Map(),
    rules: [],
    triggers: [],
    searchPath: [],
  }
  for (const row of rows) {
    const [schema, name, a, b, c] = [String(row.schema ?? ''), String(row.name ?? ''), String(row.a ?? ''), String(row.b ?? ''), String(row.c ?? '')]
    const table = canonicalName([schema, name])
    const other = canonicalName([a, b])
    switch (row.kind) {
      case 'relation':
        collected.relations.set(table, a)
        break
      case 'pk':
        collected.keys.set(table, [...(collected.keys.get(table) ?? []), { column: a, type: b, position: Number(row.n) }])
        break
      case 'fk':
        collected.foreignKeys.push({ table, references: other, onDelete: ACTIONS[c[0] ?? 'a'] ?? 'no action', onUpdate: ACTIONS[c[1] ?? 'a'] ?? 'no action' })
        break
      case 'rule':
        // `1v`: a view's query reads `other`. `1m` (a materialized view's query) changes nothing until REFRESH.
        if (c === '1v') collected.views.set(table, new Set([...(collected.views.get(table) ?? []), other]))
        else if (RULE_EVENTS[c[0] ?? '']) collected.rules.push({ table, events: [RULE_EVENTS[c[0] ?? ''] as WriteEvent], writes: other })
        break
      case 'trigger':
        collected.triggers.push({ schema, table, name: a, source: { language: b, body: c }, type: Number(row.n) })
        break
      case 'inherits':
        collected.inherits.push({ child: table, parent: other })
        break
      case 'search_path':
        collected.searchPath.push({ schema, position: Number(row.n) })
        break
    }
  }
  return collected
}

/** Builds a catalog from the rows of `POSTGRES_CATALOG_QUERY` (and `POSTGRES_FUNCTIONS_QUERY`, when triggers call functions). */
export function postgresCatalogFromRows(rows: readonly Record<string, unknown>[], functionRows: readonly Record<string, unknown>[] = []): Catalog {
  const collected = collect(rows)
  const functions = new Map<string, FunctionSource[]>()
  for (const row of functionRows) {
    const name = String(row.name ?? '').toLowerCase()
    functions.set(name, [...(functions.get(name) ?? []), { language: String(row.a ?? ''), body: String(row.b ?? '') }])
  }
  const triggers: TriggerFacts[] = collected.triggers.map((trigger) => {
    const found = bodyWrites(trigger.source, trigger.schema, functions, new Set())
    return {
      name: trigger.name,
      table: trigger.table,
      events: triggerEvents(trigger.type),
      writes: found.writes,
      ...(found.unknown ? { writesUnknown: true } : {}),
    }
  })
  // A rule (`CREATE RULE ... DO ALSO INSERT INTO log ...`) may write any table it mentions.
  for (const rule of collected.rules) {
    triggers.push({ name: `rule on ${rule.table}`, table: rule.table, events: rule.events, writes: ALL_EVENTS.map((event) => ({ table: rule.writes, event })) })
  }
  const tables = [...collected.relations]
    .filter(([, kind]) => kind !== 'v')
    .map(([name]) => {
      const columns = [...(collected.keys.get(name) ?? [])].sort((x, y) => x.position - y.position)
      return { name, primaryKey: columns.map((key) => key.column), keyTypes: columns.map((key) => keyTypeOfSql(key.type, 'postgres')) }
    })
  const views = [...collected.relations].filter(([, kind]) => kind === 'v').map(([name]) => ({ name, reads: [...(collected.views.get(name) ?? [])] }))
  const searchPath = [...collected.searchPath].sort((x, y) => x.position - y.position).map((entry) => entry.schema)
  return createCatalog({ tables, views, foreignKeys: collected.foreignKeys, triggers, inherits: collected.inherits, searchPath, complete: true })
}

const ALL_EVENTS: readonly WriteEvent[] = ['insert', 'update', 'delete']

/**
 * Learns a PostgreSQL database's catalog from `pg_catalog`: tables and primary keys (composite
 * too), foreign keys with their ON DELETE / ON UPDATE actions, views and the tables they read
 * (from the dependencies PostgreSQL records), triggers and the tables their function bodies write
 * (SQL and PL/pgSQL, following calls to other user functions), rules, partitions. `run` is the
 * binding's driver; one round trip, two when the database has triggers.
 *
 * @example
 * const catalog = await introspectPostgres(async (sql) => (await pool.query(sql)).rows)
 */
export async function introspectPostgres(run: RunQuery): Promise<Catalog> {
  const rows = await run(POSTGRES_CATALOG_QUERY)
  const hasTriggers = rows.some((row) => row.kind === 'trigger')
  return postgresCatalogFromRows(rows, hasTriggers ? await run(POSTGRES_FUNCTIONS_QUERY) : [])
}

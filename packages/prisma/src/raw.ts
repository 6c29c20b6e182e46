import { bulkScope, databaseScope, tableScope } from '@kvcache/core/internal'
import { ALL_WRITE_EVENTS, canonicalName, planStatement, reachOf, type Catalog, type Dialect, type WriteEffect } from '@kvcache/core/sql'
import type { Graph } from './graph'

/** Raw operations that reach the top-level query hook with no model. */
export const RAW_OPERATIONS = new Set(['$executeRaw', '$executeRawUnsafe', '$queryRaw', '$queryRawUnsafe', '$queryRawTyped', '$runCommandRaw'])

/** The SQL dialect the core planner reads, from Prisma's provider name. */
export function dialectOf(provider: string | undefined): Dialect | undefined {
  if (provider === 'sqlite') return 'sqlite'
  if (provider === 'postgresql' || provider === 'postgres' || provider === 'cockroachdb') return 'postgres'
  return undefined
}

/** A raw call's SQL and parameters (`Prisma.sql` / template: `{ strings, values }`; unsafe: `[text, ...values]`). */
export function rawStatement(args: unknown, dialect: Dialect | undefined): { sql: string; params: unknown[] } | undefined {
  if (Array.isArray(args)) return typeof args[0] === 'string' ? { sql: args[0], params: args.slice(1) } : undefined
  const { strings, values, sql } = (args ?? {}) as { strings?: unknown; values?: unknown; sql?: unknown }
  const params = Array.isArray(values) ? values : []
  if (Array.isArray(strings) && strings.every((part) => typeof part === 'string')) {
    // Placeholders as the database spells them, so the planner can match key filters to values.
    const text = strings.reduce((out, part, i) => (i === 0 ? part : `${out}${dialect === 'postgres' ? `$${i}` : '?'}${part}`), '')
    return { sql: text, params }
  }
  return typeof sql === 'string' ? { sql, params } : undefined
}

/** What a raw statement means: nothing to invalidate (a read), or the scopes it touched. */
export interface RawPlan {
  readonly scopes: readonly string[]
  /** A schema change: re-read the catalog. */
  readonly schemaChanged: boolean
}

/**
 * Plans a raw statement with the core SQL planner and the database catalog (foreign-key actions,
 * triggers, views). Reads and statements that change nothing give no scopes; a statement that
 * cannot be read, or a transaction control statement, bumps the whole database.
 */
export function planRaw(statement: { sql: string; params: unknown[] } | undefined, dialect: Dialect | undefined, catalog: Catalog | undefined, graph: Graph): RawPlan {
  if (!statement) return { scopes: [databaseScope()], schemaChanged: false }
  const plan = planStatement({ sql: statement.sql, params: statement.params, ...(dialect ? { dialect } : {}) }, catalog ? { catalog } : {})
  if (plan.type === 'read' || plan.type === 'bypass') return { scopes: [], schemaChanged: false }
  if (plan.type === 'transaction') return { scopes: [databaseScope()], schemaChanged: false }
  const scopes = new Set(plan.scopes)
  // The planner bumps a by-id row precisely (as `app.posts` and as `posts`: a model's table may be
  // either), but our lookups by other unique keys use scopes it does not know: a precise write to
  // a model with unique keys also bumps its bulk scope.
  for (const table of plan.tables) {
    for (const name of new Set([table, asModelTable(graph, table)])) if (graph.hasUniqueKeys(name)) scopes.add(bulkScope(name))
  }
  return { scopes: [...scopes], schemaChanged: plan.schemaChanged }
}

/**
 * What the database itself does beyond the model graph: triggers (and foreign keys the schema
 * does not declare) reached from the tables a model write touched, as the catalog reports them.
 */
export function catalogReach(
  catalog: Catalog | undefined,
  graph: Graph,
  main: { table: string; events: readonly WriteEffect['event'][] },
  others: readonly string[],
  touched: ReadonlySet<string>,
): string[] {
  if (!catalog) return []
  const effects: WriteEffect[] = [
    ...inCatalog(catalog, main.table).flatMap((table) => main.events.map((event) => ({ table, event }))),
    ...others.flatMap((other) => inCatalog(catalog, other)).flatMap((table) => ALL_WRITE_EVENTS.map((event) => ({ table, event }))),
  ]
  const reach = reachOf(catalog, effects)
  const scopes: string[] = reach.unknown ? [databaseScope()] : []
  for (const reached of reach.tables) {
    const table = asModelTable(graph, reached)
    if (!touched.has(table)) scopes.push(tableScope(table), bulkScope(table))
  }
  return scopes
}

/** The tables a view reads, when `table` is a view the catalog knows (named the way the model graph names tables). */
export function viewTablesOf(catalog: Catalog | undefined, graph: Graph, table: string): readonly string[] | undefined {
  if (!catalog || catalog.views.size === 0) return undefined
  const names = catalog.views.has(table) ? [table] : table.includes('.') ? [] : [...catalog.views.keys()].filter((name) => name.endsWith(`.${table}`))
  const reads = names.flatMap((name) => [...(catalog.views.get(name) ?? [])])
  return reads.length > 0 ? reads.map((read) => asModelTable(graph, read)) : undefined
}

// Prisma names tables without their PostgreSQL schema (it comes from the connection or the
// adapter's `schema` option) while the catalog qualifies every schema but `public`: match by name.
function inCatalog(catalog: Catalog, table: string): string[] {
  if (catalog.tables.has(table) || table.includes('.')) return [table]
  return [...catalog.tables.keys()].filter((name) => name.endsWith(`.${table}`))
}

function asModelTable(graph: Graph, table: string): string {
  const base = table.slice(table.lastIndexOf('.') + 1)
  return table !== base && graph.tables.has(base) ? base : table
}

/** Canonical name of a table, the way the planner and catalog spell it. */
export function canonicalTableOf(table: string, schema: string | null | undefined): string {
  return canonicalName(schema ? [schema, table] : [table])
}

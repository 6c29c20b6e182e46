import { relationSpellings, type Change, type QuietWrite } from '@kvcache/core/binding'
import type { Dialect, SqlStatement } from '@kvcache/core/sql'
import type { Graph } from './graph'

/** Raw operations that reach the top-level query hook with no model. */
export const RAW_OPERATIONS = new Set(['$executeRaw', '$executeRawUnsafe', '$queryRaw', '$queryRawUnsafe', '$queryRawTyped', '$runCommandRaw'])

/** The SQL dialect the core planner reads, from Prisma's provider name. */
export function dialectOf(provider: string | undefined): Dialect | undefined {
  if (provider === 'sqlite') return 'sqlite'
  if (provider === 'postgresql' || provider === 'postgres' || provider === 'cockroachdb') return 'postgres'
  return undefined
}

/**
 * A raw call's SQL and parameters (`Prisma.sql` / template: `{ strings, values }`; unsafe:
 * `[text, ...values]`), with placeholders as the database spells them so the planner can match
 * key filters to values. Undefined when the call carries no SQL text we can see.
 */
export function rawStatement(args: unknown, dialect: Dialect | undefined): SqlStatement | undefined {
  const withDialect = (sql: string, params: readonly unknown[]): SqlStatement => ({ sql, params, ...(dialect ? { dialect } : {}) })
  if (Array.isArray(args)) return typeof args[0] === 'string' ? withDialect(args[0], args.slice(1)) : undefined
  const { strings, values, sql } = (args ?? {}) as { strings?: unknown; values?: unknown; sql?: unknown }
  const params = Array.isArray(values) ? values : []
  if (Array.isArray(strings) && strings.every((part) => typeof part === 'string')) {
    const text = strings.reduce((out: string, part: string, i) => (i === 0 ? part : `${out}${dialect === 'postgres' ? `$${i}` : '?'}${part}`), '')
    return withDialect(text, params)
  }
  return typeof sql === 'string' ? withDialect(sql, params) : undefined
}

/**
 * What SQL cannot name: a raw write names rows by primary key, but lookups by a model's other
 * unique keys (`findUnique({ where: { email } })`) use their own scopes. A written table that
 * holds such a model changes as a whole for them.
 */
export function uniqueKeyTables(graph: Graph, written: readonly string[], quiet: readonly QuietWrite[] = []): Change[] {
  const spellings = new Set(written.flatMap(relationSpellings))
  return [...graph.uniqueKeyTables]
    .filter((table) => relationSpellings(table).some((name) => spellings.has(name)))
    .map((table): Change => {
      // A write `fieldTracking` found quiet for this table changed only those columns here too.
      const columns = quiet.find((write) => relationSpellings(write.table).some((name) => relationSpellings(table).includes(name)))?.columns
      return { kind: 'table', table, ...(columns ? { columns } : {}) }
    })
}

import { databaseScope } from '@kvcache/core/internal'

/** Raw operations that reach the top-level query hook with no model. */
export const RAW_OPERATIONS = new Set(['$executeRaw', '$executeRawUnsafe', '$queryRaw', '$queryRawUnsafe', '$queryRawTyped', '$runCommandRaw'])

/** The SQL text of a raw call's args (`Prisma.sql` / template: `{ strings, values }`; unsafe: `[text, ...values]`). */
export function rawSqlText(args: unknown): string | undefined {
  if (Array.isArray(args)) return typeof args[0] === 'string' ? args[0] : undefined
  const strings = (args as { strings?: unknown } | null)?.strings
  if (Array.isArray(strings) && strings.every((part) => typeof part === 'string')) return strings.join('?')
  const sql = (args as { sql?: unknown } | null)?.sql
  return typeof sql === 'string' ? sql : undefined
}

// A statement that only reads: SELECT / VALUES / SHOW / EXPLAIN with no data-changing keyword anywhere.
const READ_ONLY = /^\s*(?:\(\s*)*(?:select|values|show|explain|table)\b/i
const CHANGES = /\b(?:insert|update|delete|merge|replace|upsert|into|truncate|drop|alter|create|call|do|copy|lock|nextval|setval|grant|revoke|vacuum|reindex|refresh|pragma|attach|detach)\b/i

/** True when a `$queryRaw` statement cannot change data (so it needs no invalidation). */
export function isReadOnlySql(sql: string | undefined): boolean {
  return sql !== undefined && READ_ONLY.test(sql) && !CHANGES.test(sql)
}

/**
 * The scopes a raw write touched. This is the integration point for the core SQL planner
 * (`@kvcache/core/sql`): until it lands, every raw write is treated as touching the whole
 * database, which every cached read depends on.
 */
export function rawWriteScopes(_sql: string | undefined): string[] {
  return [databaseScope()]
}

/**
 * The little this binding reads from raw SQL text itself: whether a fragment can name relations
 * or change data, and functions whose results must not be cached. What a raw statement reads and
 * writes (and its transaction control) is the core SQL planner's job (`plan.ts`).
 */
import { isVolatileFunction } from '@kvcache/core/sql'

/** Blanks out string literals, quoted identifiers and comments, so words inside them are not read as SQL. */
export function stripLiterals(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""')
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, "''")
}

// `for update` is a lock, `replace(...)` a string function: neither changes data.
const MODIFIES = /\b(?:insert|delete|merge|truncate|(?<!\bfor\s+(?:no\s+key\s+)?)update|replace(?!\s*\()|upsert|create|drop|alter|refresh|call|copy|vacuum|reindex|grant|revoke|attach|detach)\b/i
// A relation named in text: `from x`, `join x`, `from ?, b`. `from ?` alone (a builder subquery
// passed in, as Kysely's JSON helpers do) and `from (...)` name none.
const NAMES_RELATIONS = /\b(?:from|join|using|table)\s+(?![?(])|\b(?:from|join)\s+\?\s*,/i

/**
 * What a raw fragment inside a builder query may do that the tree cannot show. `text` is the
 * fragment with `?` where Kysely nodes were interpolated (those nodes are walked as a tree).
 */
export function rawFragmentReach(text: string): 'none' | 'reads' | 'writes' {
  const code = stripLiterals(text)
  if (MODIFIES.test(code)) return 'writes'
  if (NAMES_RELATIONS.test(code)) return 'reads'
  return 'none'
}

/** Volatile function calls written in raw SQL text. */
export function callsVolatileFunction(text: string): string | undefined {
  for (const match of stripLiterals(text).matchAll(/([\w.]+)\s*\(/g)) {
    if (isVolatileFunction(match[1] as string)) return match[1]
  }
  return undefined
}

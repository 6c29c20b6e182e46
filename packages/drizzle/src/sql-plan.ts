/**
 * Reads SQL text the way a cache must: which relations a read depends on, which tables a write
 * touches. Works on the text Drizzle (or a person) sends to the driver, so subqueries, UNION
 * sides, CTE bodies, relational `with` subqueries and raw `sql` all count. When in doubt it says
 * so (`unknown`), and the caller takes the safe side.
 */

export type StatementKind = 'read' | 'write' | 'transaction' | 'unknown'

export interface StatementShape {
  readonly kind: StatementKind
  /** Relations named in FROM / JOIN / USING anywhere in the statement, lower-cased, CTE names removed. */
  readonly reads: readonly string[]
  /** Tables an INSERT / UPDATE / DELETE / REPLACE / MERGE / TRUNCATE / DDL targets, lower-cased. */
  readonly writes: readonly string[]
  /** True for DDL: anything cached may be wrong after a schema change. */
  readonly ddl: boolean
  /** For `transaction` statements. */
  readonly control?: 'begin' | 'commit' | 'rollback' | 'savepoint'
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|\x60[^\x60]+\x60|\[[^\]]+\]|[A-Za-z_][\w$]*)`
const QUALIFIED = String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`

/** Blanks out string literals and comments so keywords inside them are not read as SQL. */
export function stripLiterals(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, "''")
}

function unquote(part: string): string {
  const trimmed = part.trim()
  if (trimmed.startsWith('"')) return trimmed.slice(1, -1).replace(/""/g, '"')
  if (trimmed.startsWith('`') || trimmed.startsWith('[')) return trimmed.slice(1, -1)
  return trimmed
}

/**
 * Canonical table name: lower-cased (SQLite matches names case-insensitively; over-merging two
 * names only over-invalidates), `public.` dropped so `"public"."posts"` and `"posts"` agree.
 */
export function canonicalTable(qualified: string): string {
  const parts = qualified.split(/\s*\.\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/).map(unquote)
  const name = parts.join('.').toLowerCase()
  return name.startsWith('public.') ? name.slice('public.'.length) : name
}

const KEYWORDS = new Set([
  'select', 'where', 'on', 'using', 'group', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'join',
  'inner', 'left', 'right', 'full', 'cross', 'natural', 'outer', 'lateral', 'having', 'window', 'returning', 'set',
  'values', 'as', 'with', 'from', 'fetch', 'for', 'and', 'or', 'not', 'into', 'default', 'do', 'conflict',
])

/** Relations after FROM / JOIN / USING, including comma lists (`FROM a, b`). */
function relationsIn(sql: string): string[] {
  const found: string[] = []
  const head = new RegExp(String.raw`\b(?:from|join|using)\s+`, 'gi')
  const item = new RegExp(String.raw`^(${QUALIFIED})(?:\s+(?:as\s+)?(${IDENT}))?\s*`, 'i')
  let match: RegExpExecArray | null
  while ((match = head.exec(sql))) {
    let rest = sql.slice(match.index + match[0].length)
    for (;;) {
      if (rest.startsWith('(')) break
      const hit = item.exec(rest)
      if (!hit) break
      const name = hit[1] as string
      if (KEYWORDS.has(name.toLowerCase())) break
      found.push(canonicalTable(name))
      rest = rest.slice(hit[0].length)
      // An alias that is really a keyword belongs to the next clause; a comma continues the list.
      if (!rest.startsWith(',')) break
      rest = rest.slice(1).trimStart()
    }
  }
  return found
}

function cteNames(sql: string): Set<string> {
  const names = new Set<string>()
  const pattern = new RegExp(
    String.raw`(?:\bwith(?:\s+recursive)?|,)\s*(${IDENT})\s*(?:\([^)]*\))?\s+as\s+(?:not\s+)?(?:materialized\s+)?\(`,
    'gi',
  )
  let match: RegExpExecArray | null
  while ((match = pattern.exec(sql))) names.add(canonicalTable(match[1] as string))
  return names
}

function writeTargets(sql: string): string[] {
  const targets: string[] = []
  const patterns = [
    new RegExp(String.raw`\binsert\s+(?:or\s+\w+\s+)?into\s+(${QUALIFIED})`, 'gi'),
    new RegExp(String.raw`\breplace\s+into\s+(${QUALIFIED})`, 'gi'),
    new RegExp(String.raw`\bupdate\s+(?:or\s+\w+\s+)?(?:only\s+)?(${QUALIFIED})`, 'gi'),
    new RegExp(String.raw`\bdelete\s+from\s+(?:only\s+)?(${QUALIFIED})`, 'gi'),
    new RegExp(String.raw`\bmerge\s+into\s+(${QUALIFIED})`, 'gi'),
    new RegExp(String.raw`\btruncate\s+(?:table\s+)?(?:only\s+)?(${QUALIFIED}(?:\s*,\s*${QUALIFIED})*)`, 'gi'),
    new RegExp(String.raw`\b(?:create|drop|alter)\s+(?:temp\w*\s+)?(?:table|view|index|trigger)\s+(?:if\s+(?:not\s+)?exists\s+)?(${QUALIFIED})`, 'gi'),
  ]
  for (const pattern of patterns) {
    let match: RegExpExecArray | null
    while ((match = pattern.exec(sql))) {
      for (const name of (match[1] as string).split(/\s*,\s*/)) targets.push(canonicalTable(name))
    }
  }
  return [...new Set(targets)]
}

const WRITE_WORDS = /\b(?:insert|update|delete|replace|merge|truncate|create|drop|alter)\b/i

const SHAPE_MEMO_LIMIT = 1000
const shapes = new Map<string, StatementShape>()

/**
 * Classifies one statement and lists the relations it reads and the tables it writes. Memoized
 * per SQL text: an app sends the same few hundred statements over and over, and this runs on
 * every read.
 */
export function shapeOf(sql: string): StatementShape {
  const known = shapes.get(sql)
  if (known) return known
  const shape = analyse(sql)
  if (shapes.size >= SHAPE_MEMO_LIMIT) shapes.delete(shapes.keys().next().value as string)
  shapes.set(sql, shape)
  return shape
}

function analyse(sql: string): StatementShape {
  const text = stripLiterals(sql).trim()
  const first = /^\(*\s*([A-Za-z]+)/.exec(text)?.[1]?.toLowerCase() ?? ''
  const ctes = cteNames(text)
  const reads = [...new Set(relationsIn(text).filter((name) => !ctes.has(name)))]
  const ddl = /^(?:create|drop|alter)$/.test(first)
  switch (first) {
    case 'begin':
    case 'start':
      return { kind: 'transaction', reads: [], writes: [], ddl: false, control: 'begin' }
    case 'commit':
    case 'end':
      return { kind: 'transaction', reads: [], writes: [], ddl: false, control: 'commit' }
    case 'rollback':
      return /^rollback\s+to\b/i.test(text)
        ? { kind: 'transaction', reads: [], writes: [], ddl: false, control: 'savepoint' }
        : { kind: 'transaction', reads: [], writes: [], ddl: false, control: 'rollback' }
    case 'savepoint':
    case 'release':
      return { kind: 'transaction', reads: [], writes: [], ddl: false, control: 'savepoint' }
    case 'select':
    case 'values':
      // `select ... into new_table` (PostgreSQL) creates a table: not a read.
      if (/\binto\s+(?!\s*\()/i.test(text.replace(/\binsert\s+into\b/gi, ''))) {
        return { kind: 'unknown', reads, writes: [], ddl: false }
      }
      return { kind: 'read', reads, writes: [], ddl: false }
    case 'with':
      return WRITE_WORDS.test(text)
        ? { kind: 'write', reads, writes: writeTargets(text), ddl: false }
        : { kind: 'read', reads, writes: [], ddl: false }
    case 'insert':
    case 'update':
    case 'delete':
    case 'replace':
    case 'merge':
    case 'truncate':
    case 'create':
    case 'drop':
    case 'alter':
      return { kind: 'write', reads, writes: writeTargets(text), ddl }
    default:
      // PRAGMA, EXPLAIN, VACUUM, SET, CALL, DO, COPY, LOCK, multi-statement scripts: we cannot tell.
      return { kind: 'unknown', reads, writes: writeTargets(text), ddl: false }
  }
}

const filters = new Map<string, number | null>()

/** `"table"."column" = ?` or `= $n` as the whole WHERE of a single-table statement: the value's parameter index. */
export function primaryKeyFilter(sql: string, table: string, column: string): number | undefined {
  const memoKey = `${table}\u0000${column}\u0000${sql}`
  const known = filters.get(memoKey)
  if (known !== undefined) return known === null ? undefined : known
  const index = findPrimaryKeyFilter(sql, table, column)
  if (filters.size >= SHAPE_MEMO_LIMIT) filters.delete(filters.keys().next().value as string)
  filters.set(memoKey, index ?? null)
  return index
}

function findPrimaryKeyFilter(sql: string, table: string, column: string): number | undefined {
  const text = stripLiterals(sql).trim()
  const ident = (name: string) => String.raw`(?:"${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"|${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`
  const where = new RegExp(
    String.raw`\bwhere\s+(?:${ident(table)}\s*\.\s*)?${ident(column)}\s*=\s*(\?|\$(\d+))\s*(?:limit\s+(?:\?|\$\d+|\d+)\s*)?(?:returning\b[\s\S]*)?$`,
    'i',
  )
  const match = where.exec(text)
  if (!match) return undefined
  if (match[2] !== undefined) return Number(match[2]) - 1
  // Positional `?`: the filter's index is the number of placeholders before it.
  return (text.slice(0, match.index).match(/\?/g) ?? []).length
}

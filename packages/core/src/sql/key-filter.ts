import { updateColumnsOf } from './set-columns'
import { boundedMemo } from './memo'
import { nameAt } from './names'
import { statementRanges } from './reader'
import { relationsRead } from './reads'
import { isPunct, isWord, matchParens, tokenize, type Dialect, type Token } from './tokens'

/** Words that end a top-level WHERE or SET clause. */
const CLAUSE_END = new Set(['group', 'order', 'limit', 'offset', 'returning', 'window', 'having', 'fetch', 'for', 'union', 'intersect', 'except'])

const NOT_ALIASES = new Set(['set', 'where', 'using', 'returning', 'indexed', 'not'])

interface Statement {
  readonly tokens: readonly Token[]
  readonly parens: Int32Array
  readonly from: number
  readonly to: number
  readonly dialect: Dialect | undefined
}

/** A column reference `col`, `t.col` or `s.t.col` at `index`: its qualifier and column token. */
function columnAt(tokens: readonly Token[], index: number): { qualifier?: string; column: Token; next: number } | undefined {
  const parts: Token[] = []
  let i = index
  while (tokens[i]?.type === 'word' || tokens[i]?.type === 'ident') {
    parts.push(tokens[i] as Token)
    i++
    if (!isPunct(tokens[i], '.') || parts.length === 3) break
    i++
  }
  const column = parts.pop()
  if (!column) return undefined
  const qualifier = parts.pop()
  return { column, next: i, ...(qualifier ? { qualifier: qualifier.text.toLowerCase() } : {}) }
}

/** PostgreSQL folds bare names to lower case and keeps quoted ones; SQLite compares names case-insensitively. */
function sameColumn(token: Token, column: string, dialect: Dialect | undefined): boolean {
  return dialect === 'postgres' ? token.text === column : token.text.toLowerCase() === column.toLowerCase()
}

/** Index of the first depth-0 word in `words` within `[from, to)`, or -1. */
function topLevel(statement: Statement, from: number, words: ReadonlySet<string>): number {
  const { tokens, parens, to } = statement
  for (let i = from; i < to; i++) {
    if (isPunct(tokens[i], '(')) i = parens[i] as number
    else if (tokens[i]?.type === 'word' && words.has((tokens[i] as Token).text)) return i
  }
  return -1
}

/** The target of the statement (a single-table SELECT, UPDATE or DELETE) and the names that qualify its columns. */
function targetOf(statement: Statement, table: string): { verb: string; qualifiers: Set<string> } | undefined {
  const { tokens, parens, from, to } = statement
  const verbAt = topLevel(statement, from, new Set(['select', 'update', 'delete', 'insert']))
  const verb = tokens[verbAt]?.text
  if (verb !== 'select' && verb !== 'update' && verb !== 'delete') return undefined
  const uses = relationsRead(tokens, parens, verbAt, to)
  const qualifiers = new Set<string>()
  if (verb === 'select') {
    const selects = tokens.slice(from, to).filter((token) => isWord(token, 'select')).length
    if (uses.length !== 1 || uses[0]?.name !== table || selects !== 1) return undefined
    qualifiers.add(uses[0].base)
    if (uses[0].alias) qualifiers.add(uses[0].alias)
    return { verb, qualifiers }
  }
  let i = verbAt + 1
  if (verb === 'delete') i++
  if (isWord(tokens[i], 'or')) i += 2
  if (isWord(tokens[i], 'only')) i++
  const target = nameAt(tokens, i)
  if (target?.name !== table) return undefined
  qualifiers.add(target.base)
  const aliasAt = isWord(tokens[target.next], 'as') ? target.next + 1 : target.next
  const alias = tokens[aliasAt]
  if (alias?.type === 'ident' || (alias?.type === 'word' && !NOT_ALIASES.has(alias.text))) qualifiers.add(alias.text.toLowerCase())
  return { verb, qualifiers }
}

/**
 * Splits `[from, to)` at depth-0 `and` (not the one of `between x and y`), and each part again once
 * its own outer parentheses are stripped: `((a = ?) and (b = ?))` (Drizzle 1.0's `and()`) is `a = ?`, `b = ?`.
 */
function conjuncts(statement: Statement, from: number, to: number): [number, number][] {
  const parts = splitAnd(statement, from, to)
  if (parts.length === 1 && parts[0]?.[0] === from && parts[0][1] === to) return parts
  return parts.flatMap(([start, end]) => conjuncts(statement, start, end))
}

function splitAnd(statement: Statement, from: number, to: number): [number, number][] {
  const { tokens, parens } = statement
  let start = from
  let end = to
  while (isPunct(tokens[start], '(') && parens[start] === end - 1) {
    start++
    end--
  }
  const parts: [number, number][] = []
  let between = false
  let partStart = start
  for (let i = start; i < end; i++) {
    if (isPunct(tokens[i], '(')) i = parens[i] as number
    else if (isWord(tokens[i], 'between')) between = true
    else if (isWord(tokens[i], 'and')) {
      if (between) between = false
      else {
        parts.push([partStart, i])
        partStart = i + 1
      }
    }
  }
  parts.push([partStart, end])
  return parts
}

/** `col = ?`, `? = col` or `col in (?, ?)`: the column token and the parameter indices, or undefined. */
function equality(statement: Statement, [from, to]: [number, number], qualifiers: Set<string>): { column: Token; params: number[] } | undefined {
  const { tokens } = statement
  const isEquals = (token: Token | undefined) => isPunct(token, '=') || isPunct(token, '==')
  const column = (at: number) => {
    const found = columnAt(tokens, at)
    return found && (found.qualifier === undefined || qualifiers.has(found.qualifier)) ? found : undefined
  }
  const left = column(from)
  if (left && isEquals(tokens[left.next]) && left.next + 2 === to && tokens[to - 1]?.param !== undefined) {
    return { column: left.column, params: [tokens[to - 1]?.param as number] }
  }
  if (tokens[from]?.param !== undefined && isEquals(tokens[from + 1])) {
    const right = column(from + 2)
    if (right && right.next === to) return { column: right.column, params: [tokens[from]?.param as number] }
  }
  if (left && isWord(tokens[left.next], 'in') && isPunct(tokens[left.next + 1], '(') && isPunct(tokens[to - 1], ')')) {
    const inner = tokens.slice(left.next + 2, to - 1)
    const params = inner.filter((_, i) => i % 2 === 0)
    const commas = inner.filter((_, i) => i % 2 === 1)
    if (params.length > 0 && params.every((token) => token.param !== undefined) && commas.every((token) => isPunct(token, ','))) {
      return { column: left.column, params: params.map((token) => token.param as number) }
    }
  }
  return undefined
}

function findKeyFilter(statement: Statement, table: string, keyColumns: readonly string[]): number[][] | undefined {
  const target = targetOf(statement, table)
  if (!target || keyColumns.length === 0) return undefined
  const where = topLevel(statement, statement.from, new Set(['where']))
  if (where < 0) return undefined
  const end = topLevel(statement, where + 1, CLAUSE_END)
  const found = new Map<string, number[]>()
  for (const part of conjuncts(statement, where + 1, end < 0 ? statement.to : end)) {
    const match = equality(statement, part, target.qualifiers)
    const column = match && keyColumns.find((key) => sameColumn(match.column, key, statement.dialect))
    if (match && column !== undefined && !found.has(column)) found.set(column, match.params)
  }
  if (found.size !== keyColumns.length) return undefined
  const lists = keyColumns.map((column) => found.get(column) as number[])
  if (lists.length === 1) return (lists[0] as number[]).map((param) => [param])
  // A composite key needs one value per column (`a = ? and b = ?`); IN lists over it are not matched.
  return lists.every((list) => list.length === 1) ? [lists.map((list) => list[0] as number)] : undefined
}

function parse(sql: string, dialect: Dialect | undefined): Statement | undefined {
  const tokens = tokenize(sql, dialect)
  const ranges = statementRanges(tokens)
  if (ranges.length !== 1) return undefined
  const [from, to] = ranges[0] as [number, number]
  return { tokens, parens: matchParens(tokens), from, to, dialect }
}

/** Memo keys: the JSON of the arguments (which cannot hold a raw NUL), a NUL, then the SQL text. */
function memoKey(args: unknown[], sql: string): string {
  return `${JSON.stringify(args)}\u0000${sql}`
}

function fromMemoKey<T>(key: string): [T, string] {
  const split = key.indexOf('\u0000')
  return [JSON.parse(key.slice(0, split)) as T, key.slice(split + 1)]
}

const filters = /* @__PURE__ */ boundedMemo(1000, (key) => {
  const [[dialect, table, columns], sql] = fromMemoKey<[Dialect | null, string, string[]]>(key)
  const statement = parse(sql, dialect ?? undefined)
  return statement && findKeyFilter(statement, table, columns)
})

/**
 * The rows a single-table SELECT, UPDATE or DELETE is limited to by primary-key equality in its
 * top-level WHERE (`id = ?`, `"t"."id" = $1`, `a = ? and b = ?`, `id in (?, ?)`; other conditions
 * may be ANDed in): for each row, the parameter index of each key column, in `keyColumns` order.
 * Undefined when the statement is not limited that way (or reads other rows in a subquery).
 */
export function keyFilterOf(sql: string, table: string, keyColumns: readonly string[], dialect?: Dialect): readonly (readonly number[])[] | undefined {
  return filters(memoKey([dialect ?? null, table, keyColumns], sql))
}

const assigns = /* @__PURE__ */ boundedMemo(1000, (key) => {
  const [[dialect, columns], sql] = fromMemoKey<[Dialect | null, string[]]>(key)
  // The SET list as the field-tracking reader sees it (it knows `is distinct from` is no FROM).
  // Unreadable: assume the key moves. Names compare without case: a false match only costs precision.
  const update = updateColumnsOf(sql, dialect ?? undefined)
  if (!update) return true
  return update.columns.some((target) => columns.some((column) => column.toLowerCase() === target.toLowerCase()))
})

/** True when an UPDATE assigns one of `keyColumns` in its SET clause (the row moves to another key). */
export function assignsColumns(sql: string, keyColumns: readonly string[], dialect?: Dialect): boolean {
  return assigns(memoKey([dialect ?? null, keyColumns], sql))
}

import { boundedMemo } from './memo'
import { nameAt } from './names'
import { statementRanges } from './reader'
import { isPunct, isWord, matchParens, tokenize, type Dialect, type Token } from './tokens'

/** An UPDATE's target table (canonical) and the columns its SET clause assigns, as the database names them. */
export interface UpdateColumns {
  readonly table: string
  readonly columns: readonly string[]
}

function isName(token: Token | undefined): token is Token {
  return token?.type === 'word' || token?.type === 'ident'
}

/**
 * True at a depth-0 word that ends the SET list: FROM (not the one of `is [not] distinct from`),
 * WHERE, RETURNING, ORDER BY, LIMIT (SQLite's optional UPDATE ... LIMIT).
 */
function endsSet(tokens: readonly Token[], at: number): boolean {
  const token = tokens[at]
  if (isWord(token, 'from')) return !isWord(tokens[at - 1], 'distinct')
  if (isWord(token, 'order')) return isWord(tokens[at + 1], 'by')
  return isWord(token, 'where', 'returning', 'limit')
}

/** `update [or action] [only] name [*] [[as] alias] set`: the index after SET and the table, or undefined. */
function targetOf(tokens: readonly Token[], from: number): { table: string; next: number } | undefined {
  if (!isWord(tokens[from], 'update')) return undefined
  let i = from + 1
  if (isWord(tokens[i], 'or')) i += 2
  if (isWord(tokens[i], 'only')) i++
  const target = nameAt(tokens, i)
  if (!target) return undefined
  i = target.next
  if (isPunct(tokens[i], '*')) i++
  if (isWord(tokens[i], 'as')) i++
  if (!isWord(tokens[i], 'set') && isName(tokens[i])) i++
  return isWord(tokens[i], 'set') ? { table: target.name, next: i + 1 } : undefined
}

/** The assignment targets at `i`: `col` or `(a, b)` followed by `=`; undefined for anything else (`col[1]`, `col.field`, `t.col`). */
function targetsAt(tokens: readonly Token[], parens: Int32Array, i: number): { columns: string[]; next: number } | undefined {
  const columns: string[] = []
  let j = i
  if (isPunct(tokens[i], '(')) {
    j = i + 1
    for (;;) {
      const name = tokens[j]
      if (!isName(name)) return undefined
      columns.push(name.text)
      j++
      if (!isPunct(tokens[j], ',')) break
      j++
    }
    if (j !== parens[i]) return undefined
    j++
  } else {
    const name = tokens[i]
    if (!isName(name)) return undefined
    columns.push(name.text)
    j++
  }
  return isPunct(tokens[j], '=') ? { columns, next: j + 1 } : undefined
}

function analyse(sql: string, dialect: Dialect | undefined): UpdateColumns | undefined {
  const tokens = tokenize(sql, dialect)
  const ranges = statementRanges(tokens)
  if (ranges.length !== 1) return undefined
  const [from, to] = ranges[0] as [number, number]
  const target = targetOf(tokens, from)
  if (!target) return undefined
  const parens = matchParens(tokens)
  const columns = new Set<string>()
  let i = target.next
  for (;;) {
    const assigned = targetsAt(tokens, parens, i)
    if (!assigned) return undefined
    for (const column of assigned.columns) columns.add(column)
    // The value: anything up to a depth-0 comma or the end of the list (subqueries skipped whole).
    const start = assigned.next
    i = start
    while (i < to && !isPunct(tokens[i], ',') && !endsSet(tokens, i)) i = isPunct(tokens[i], '(') ? (parens[i] as number) + 1 : i + 1
    if (i === start) return undefined
    if (i >= to || endsSet(tokens, i)) break
    i++
  }
  return { table: target.table, columns: [...columns] }
}

const memo = /* @__PURE__ */ boundedMemo(1000, (key) => {
  const split = key.indexOf('\u0000')
  const dialect = key.slice(0, split)
  return analyse(key.slice(split + 1), dialect === '' ? undefined : (dialect as Dialect))
})

/**
 * The columns a plain `UPDATE ... SET a = ..., (b, c) = ...` assigns (SQLite / D1 and PostgreSQL:
 * quoted names, `UPDATE OR <action>`, `ONLY`, aliases, `FROM`, `RETURNING`), for field-aware
 * invalidation. Undefined for anything it cannot read exactly (another statement, a CTE before the
 * UPDATE, a subscripted or qualified target, a script): the write then counts as changing every
 * column. Unquoted names are lower-cased (as PostgreSQL folds them); quoted ones are kept as
 * written. Memoised per text (bounded). Never throws.
 *
 * @example
 * updateColumnsOf('update "posts" set "views" = "views" + 1 where "id" = ?') // { table: 'posts', columns: ['views'] }
 */
export function updateColumnsOf(sql: string, dialect?: Dialect): UpdateColumns | undefined {
  return memo(`${dialect ?? ''}\u0000${sql}`)
}

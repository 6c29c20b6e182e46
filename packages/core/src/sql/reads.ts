import { nameAt } from './names'
import { isPunct, isWord, type Token } from './tokens'

/** One place where a statement names a relation it reads. */
export interface RelationUse {
  readonly name: string
  /** The last part of the name, lower-cased. */
  readonly base: string
  /** True when the name has a schema part (a CTE name never does). */
  readonly qualified: boolean
  /** The alias given in the statement (`from posts p`), lower-cased. */
  readonly alias?: string
  /** Token index of the name. */
  readonly index: number
}

/** Words that end a FROM item: never an alias, never a relation. */
const CLAUSE_WORDS = new Set([
  'select',
  'where',
  'on',
  'using',
  'group',
  'order',
  'limit',
  'offset',
  'union',
  'intersect',
  'except',
  'join',
  'inner',
  'left',
  'right',
  'full',
  'cross',
  'natural',
  'outer',
  'lateral',
  'having',
  'window',
  'returning',
  'set',
  'values',
  'as',
  'with',
  'from',
  'fetch',
  'for',
  'and',
  'or',
  'not',
  'into',
  'default',
  'do',
  'conflict',
  'when',
  'then',
  'else',
  'end',
  'tablesample',
  'indexed',
  'qualify',
  'only',
  'straight_join',
  'begin',
  'matched',
])

const SUBQUERY_STARTS = ['select', 'with', 'values', 'table', 'insert', 'update', 'delete', 'merge']

/** Words before a parenthesis that opens a subquery or a list, not a function call's arguments. */
const NOT_A_CALL = new Set([
  'as',
  'in',
  'exists',
  'any',
  'all',
  'some',
  'on',
  'using',
  'values',
  'lateral',
  'and',
  'or',
  'not',
  'where',
  'when',
  'then',
  'else',
  'select',
  'from',
  'join',
  'union',
  'intersect',
  'except',
  'materialized',
  'returning',
  'into',
  'set',
])

interface CteScope {
  readonly name: string
  readonly from: number
  readonly to: number
}

/**
 * For each token: true when it sits directly inside a function call's parentheses, where `from`
 * is an argument keyword (`extract(year from x)`, `substring(s from 2)`), not a FROM clause.
 */
function insideFunctionCall(tokens: readonly Token[]): boolean[] {
  const inside: boolean[] = []
  const stack: boolean[] = []
  tokens.forEach((token, index) => {
    if (isPunct(token, '(')) {
      const before = tokens[index - 1]
      const after = tokens[index + 1]
      const named = before?.type === 'ident' || (before?.type === 'word' && !NOT_A_CALL.has(before.text))
      const isCall = named && !isWord(after, ...SUBQUERY_STARTS) && !isPunct(after, '(')
      stack.push(isCall)
    } else if (isPunct(token, ')')) {
      stack.pop()
    }
    inside.push(stack[stack.length - 1] ?? false)
  })
  return inside
}

/** CTE names and the token range where each one shadows a table of the same name. */
function cteScopes(tokens: readonly Token[], parens: Int32Array, from: number, to: number): CteScope[] {
  const scopes: CteScope[] = []
  const open: number[] = []
  for (let index = from; index < to; index++) {
    const token = tokens[index] as Token
    if (isPunct(token, '(')) open.push(index)
    else if (isPunct(token, ')')) open.pop()
    else if (isWord(token, 'with')) {
      const enclosing = open[open.length - 1]
      const end = enclosing === undefined ? to : (parens[enclosing] as number)
      for (const name of cteNamesAt(tokens, parens, index + 1)) scopes.push({ name, from: index, to: end })
    }
  }
  return scopes
}

/** `[recursive] name [(cols)] as [not] [materialized] (...) [, ...]` starting at `index`. */
function cteNamesAt(tokens: readonly Token[], parens: Int32Array, index: number): string[] {
  const names: string[] = []
  let i = isWord(tokens[index], 'recursive') ? index + 1 : index
  for (;;) {
    const name = tokens[i]
    if (!name || (name.type !== 'word' && name.type !== 'ident')) return names
    i++
    if (isPunct(tokens[i], '(')) i = (parens[i] as number) + 1
    if (!isWord(tokens[i], 'as')) return names
    i++
    if (isWord(tokens[i], 'not')) i++
    if (isWord(tokens[i], 'materialized')) i++
    if (!isPunct(tokens[i], '(')) return names
    names.push(name.text.toLowerCase())
    i = (parens[i] as number) + 1
    if (!isPunct(tokens[i], ',')) return names
    i++
  }
}

/** `[as] alias [(column, ...)]` at `index`: the alias (lower-cased) and the index after it. */
function aliasAt(tokens: readonly Token[], parens: Int32Array, index: number): { alias?: string; next: number } {
  let i = isWord(tokens[index], 'as') ? index + 1 : index
  const token = tokens[i]
  const isAlias = token?.type === 'ident' || (token?.type === 'word' && !CLAUSE_WORDS.has(token.text))
  if (!isAlias) return { next: index }
  i++
  if (isPunct(tokens[i], '(')) i = (parens[i] as number) + 1
  return { alias: token.text.toLowerCase(), next: i }
}

/** The FROM list starting at `index`: relations, subqueries, function calls, each with an optional alias. */
function fromList(tokens: readonly Token[], parens: Int32Array, index: number, uses: RelationUse[]): void {
  let i = index
  for (;;) {
    while (isWord(tokens[i], 'only', 'lateral')) i++
    const token = tokens[i]
    let found: ReturnType<typeof nameAt>
    if (isPunct(token, '(')) {
      i = (parens[i] as number) + 1
    } else if (token?.type === 'param') {
      // A placeholder in a FROM list (a builder's subquery interpolated into a raw fragment, `from ?, comments`): opaque, like a subquery.
      i++
    } else {
      if (!token || (token.type === 'word' && CLAUSE_WORDS.has(token.text))) return
      found = nameAt(tokens, i)
      if (!found) return
      i = found.next
      // A table-valued function (`json_each(?)`, `generate_series(1, 3)`) is not a relation.
      if (isPunct(tokens[i], '(')) {
        i = (parens[i] as number) + 1
        found = undefined
      } else if (isPunct(tokens[i], '*')) i++
    }
    const { alias, next } = aliasAt(tokens, parens, i)
    if (found) uses.push({ name: found.name, base: found.base, qualified: found.qualified, index: found.next - 1, ...(alias === undefined ? {} : { alias }) })
    i = next
    if (!isPunct(tokens[i], ',')) return
    i++
  }
}

/**
 * Every relation the statement in tokens `[from, to)` reads: after FROM, JOIN and USING anywhere
 * (subqueries, UNION sides, CTE bodies, DELETE ... USING), plus PostgreSQL's `TABLE name`.
 * CTE names are left out where they are in scope.
 */
export function relationsRead(tokens: readonly Token[], parens: Int32Array, from: number, to: number): RelationUse[] {
  const inCall = insideFunctionCall(tokens)
  const uses: RelationUse[] = []
  for (let index = from; index < to; index++) {
    const token = tokens[index] as Token
    if (!isWord(token, 'from', 'join', 'using') || inCall[index]) continue
    // `a IS [NOT] DISTINCT FROM b` compares values.
    if (token.text === 'from' && isWord(tokens[index - 1], 'distinct')) continue
    fromList(tokens, parens, index + 1, uses)
  }
  const first = tokens[from]
  if (isWord(first, 'table')) fromList(tokens, parens, from + 1, uses)
  const scopes = cteScopes(tokens, parens, from, to)
  return uses.filter((use) => use.qualified || !scopes.some((scope) => scope.name === use.name && use.index >= scope.from && use.index <= scope.to))
}

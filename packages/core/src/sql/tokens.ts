/**
 * A small SQL lexer for SQLite/D1 and PostgreSQL text. It never throws and runs in linear time on
 * any JS string (unterminated quotes run to the end, lone surrogates are ordinary characters):
 * string literals and comments become opaque tokens, so keywords inside them are never read as SQL.
 */

/** The SQL dialect of a statement: it decides a few lexical details (`?` and `[` mean different things). */
export type Dialect = 'sqlite' | 'postgres'

/** What a token is. */
export type TokenType = 'word' | 'ident' | 'string' | 'number' | 'param' | 'punct'

/** One token of a statement. */
export interface Token {
  readonly type: TokenType
  /** `word`: lower-cased; `ident`: the quoted name unquoted; `punct`: the symbol; others: the source text. */
  readonly text: string
  /** For `param`: the zero-based index of the bound value, when the placeholder is positional. */
  readonly param?: number
  /** Offset of the token's first character in the source text. */
  readonly start: number
  /** Offset just past the token's last character. */
  readonly end: number
}

const OPERATORS = ['->>', '::', '<=', '>=', '<>', '!=', '==', '||', '->']

function isWordStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code >= 128
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57) || code === 36
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

/** Index just past a quoted run that starts at `from` (the opening quote), doubling the quote to escape it. */
function skipQuoted(sql: string, from: number, close: string, backslashEscapes: boolean): number {
  let i = from + 1
  while (i < sql.length) {
    const char = sql[i]
    if (backslashEscapes && char === '\\') i += 2
    else if (char === close) {
      if (sql[i + 1] === close && close !== ']') i += 2
      else return i + 1
    } else i++
  }
  return sql.length
}

function skipBlockComment(sql: string, from: number, nested: boolean): number {
  let depth = 0
  let i = from
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth = nested ? depth + 1 : 1
      i += 2
    } else if (sql.startsWith('*/', i)) {
      depth--
      i += 2
      if (depth === 0) return i
    } else i++
  }
  return sql.length
}

/** `$tag$ ... $tag$` (PostgreSQL): the index past the closing tag, or -1 when `from` does not open one. */
function skipDollarQuoted(sql: string, from: number): number {
  let i = from + 1
  while (i < sql.length && isWordPart(sql.charCodeAt(i)) && sql[i] !== '$') i++
  if (sql[i] !== '$' || (i > from + 1 && isDigit(sql.charCodeAt(from + 1)))) return -1
  const tag = sql.slice(from, i + 1)
  const close = sql.indexOf(tag, i + 1)
  return close < 0 ? sql.length : close + tag.length
}

interface Lexer {
  readonly sql: string
  readonly dialect: Dialect | undefined
  readonly tokens: Token[]
  /** The index the next anonymous `?` binds (SQLite: one past the highest index so far). */
  nextPositional: number
}

function token(type: TokenType, text: string, start: number, end: number, param?: number): Token {
  return param === undefined ? { type, text, start, end } : { type, text, start, end, param }
}

/** The index past whitespace or a comment at `i`, or `i` when there is none. */
function skipIgnored(sql: string, i: number, dialect: Dialect | undefined): number {
  if (sql.charCodeAt(i) <= 32) return i + 1
  if (sql.startsWith('--', i)) {
    const newline = sql.indexOf('\n', i)
    return newline < 0 ? sql.length : newline + 1
  }
  // PostgreSQL nests block comments; SQLite ends them at the first `*/`.
  return sql.startsWith('/*', i) ? skipBlockComment(sql, i, dialect === 'postgres') : i
}

/** A string literal or a quoted identifier at `i`. */
function quotedAt(lexer: Lexer, i: number): Token | undefined {
  const { sql, dialect } = lexer
  const char = sql[i]
  if (char === "'") {
    // PostgreSQL E'...' strings escape with backslashes.
    const previous = lexer.tokens.at(-1)
    const escaped = dialect !== 'sqlite' && previous?.text === 'e' && previous.end === i
    const end = skipQuoted(sql, i, "'", escaped)
    return token('string', sql.slice(i, end), i, end)
  }
  if (char === '"' || char === '`' || (char === '[' && dialect !== 'postgres')) {
    const close = char === '[' ? ']' : char
    const end = skipQuoted(sql, i, close, false)
    const inner = sql.slice(i + 1, sql[end - 1] === close && end > i + 1 ? end - 1 : end)
    return token('ident', close === ']' ? inner : inner.split(close + close).join(close), i, end)
  }
  if (char === '$' && dialect !== 'sqlite') {
    const end = skipDollarQuoted(sql, i)
    if (end > 0) return token('string', sql.slice(i, end), i, end)
  }
  return undefined
}

/** A placeholder at `i`: `$1`, `?`, `?3` (positional), `:name`, `@name`, `$name` (SQLite, named). */
function placeholderAt(lexer: Lexer, i: number): Token | undefined {
  const { sql, dialect } = lexer
  const char = sql[i]
  const digitsFrom = (from: number) => {
    let end = from
    while (isDigit(sql.charCodeAt(end))) end++
    return end
  }
  if (char === '$' && isDigit(sql.charCodeAt(i + 1))) {
    const end = digitsFrom(i + 1)
    return token('param', sql.slice(i, end), i, end, Number(sql.slice(i + 1, end)) - 1)
  }
  // In PostgreSQL `?` is an operator (jsonb) and `:` a cast.
  if (dialect === 'postgres') return undefined
  if (char === '?') {
    const end = digitsFrom(i + 1)
    const index = end > i + 1 ? Number(sql.slice(i + 1, end)) - 1 : lexer.nextPositional
    lexer.nextPositional = Math.max(lexer.nextPositional, index + 1)
    return token('param', sql.slice(i, end), i, end, index)
  }
  if ((char === ':' || char === '@' || char === '$') && isWordStart(sql.charCodeAt(i + 1))) {
    let end = i + 1
    while (end < sql.length && isWordPart(sql.charCodeAt(end))) end++
    return token('param', sql.slice(i, end), i, end)
  }
  return undefined
}

/** A word, a number or punctuation at `i`. */
function plainAt(sql: string, i: number): Token {
  const code = sql.charCodeAt(i)
  if (isWordStart(code)) {
    let end = i + 1
    while (end < sql.length && isWordPart(sql.charCodeAt(end))) end++
    return token('word', sql.slice(i, end).toLowerCase(), i, end)
  }
  if (isDigit(code) || (sql[i] === '.' && isDigit(sql.charCodeAt(i + 1)))) {
    const match = /^(?:0[xX][0-9a-fA-F_]+|[\d_]*\.?[\d_]+(?:[eE][+-]?\d+)?)/.exec(sql.slice(i, i + 400))
    const text = match?.[0] || (sql[i] as string)
    return token('number', text, i, i + text.length)
  }
  const operator = OPERATORS.find((op) => sql.startsWith(op, i)) ?? (sql[i] as string)
  return token('punct', operator, i, i + operator.length)
}

/** Splits `sql` into tokens, dropping whitespace and comments. */
export function tokenize(sql: string, dialect?: Dialect): Token[] {
  const lexer: Lexer = { sql, dialect, tokens: [], nextPositional: 0 }
  let i = 0
  while (i < sql.length) {
    const skipped = skipIgnored(sql, i, dialect)
    if (skipped > i) {
      i = skipped
      continue
    }
    const next = quotedAt(lexer, i) ?? placeholderAt(lexer, i) ?? plainAt(sql, i)
    lexer.tokens.push(next)
    i = next.end
  }
  return lexer.tokens
}

/** For each `(` token, the index of its matching `)` (or the last token when unbalanced); -1 elsewhere. */
export function matchParens(tokens: readonly Token[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1)
  const open: number[] = []
  tokens.forEach((token, index) => {
    if (token.type !== 'punct') return
    if (token.text === '(') open.push(index)
    else if (token.text === ')') {
      const start = open.pop()
      if (start !== undefined) match[start] = index
    }
  })
  for (const start of open) match[start] = tokens.length - 1
  return match
}

/** True when the token is the bare word `word` (never a quoted identifier). */
export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token?.type === 'word' && words.includes(token.text)
}

/** True when the token is the punctuation `symbol`. */
export function isPunct(token: Token | undefined, symbol: string): boolean {
  return token?.type === 'punct' && token.text === symbol
}

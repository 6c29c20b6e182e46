import { boundedMemo } from './memo'
import { relationsRead } from './reads'
import { isPunct, isWord, matchParens, tokenize, type Dialect, type Token } from './tokens'
import { callsVolatile } from './volatile'
import { scanWrites, type WriteEffect } from './writes'

/**
 * What a statement is, for a cache: `read` (cacheable), `write` (invalidates), `transaction`
 * control, `harmless` (changes no data and is not worth caching: SET, SHOW, EXPLAIN, PRAGMA
 * reads), or `unknown` (a script, a procedure call, VACUUM...: the caller takes the safe side).
 */
export type StatementKind = 'read' | 'write' | 'transaction' | 'harmless' | 'unknown'

/** Transaction control statements. `savepoint` covers SAVEPOINT, RELEASE and ROLLBACK TO. */
export type TransactionControl = 'begin' | 'commit' | 'rollback' | 'savepoint'

/**
 * A SAVEPOINT, RELEASE or ROLLBACK TO statement, for bindings that keep one invalidation buffer
 * per savepoint. `name` is lower-cased when unquoted (as the database folds it), as written when
 * quoted, and empty when missing.
 */
export interface SavepointStatement {
  readonly action: 'set' | 'release' | 'rollback-to'
  readonly name: string
}

/** What the SQL reader found in one statement. */
export interface StatementShape {
  readonly kind: StatementKind
  /** Relations named in FROM / JOIN / USING anywhere in the statement, canonical, CTE names left out. */
  readonly reads: readonly string[]
  /** Tables an INSERT / UPDATE / DELETE / REPLACE / MERGE / TRUNCATE targets, or DDL names, canonical. */
  readonly writes: readonly string[]
  /** Each table the statement changes with the kind of change (an upsert both inserts and updates). */
  readonly effects: readonly WriteEffect[]
  /** True for DDL (CREATE / DROP / ALTER): anything cached may be wrong after a schema change. */
  readonly ddl: boolean
  /** For `transaction` statements. */
  readonly control?: TransactionControl
  /** For `transaction` statements whose control is `savepoint`. */
  readonly savepoint?: SavepointStatement
  /** True when it calls a function whose result changes without a write (`random()`, `now()`, `'now'`). */
  readonly volatile: boolean
  /** True for a locking read (`FOR UPDATE`, `FOR SHARE`...): served from a cache it would take no lock. */
  readonly locking: boolean
}

/** `for update`, `for no key update`, `for share`, `for key share`: a read that locks the rows it returns. */
function locksRows(tokens: readonly Token[]): boolean {
  return tokens.some(
    (token, index) =>
      isWord(token, 'for') &&
      (isWord(tokens[index + 1], 'update', 'share') || (isWord(tokens[index + 1], 'no', 'key') && isWord(tokens[index + 2], 'key', 'share'))),
  )
}

const HARMLESS = new Set(['set', 'show', 'reset', 'listen', 'unlisten', 'notify', 'deallocate', 'discard', 'lock', 'checkpoint'])

/** Top-level statements of a script, as token ranges `[from, to)` (a trigger's BEGIN ... END body stays whole). */
export function statementRanges(tokens: readonly Token[]): [number, number][] {
  const ranges: [number, number][] = []
  let start = 0
  let depth = 0
  let block = 0
  const isTrigger = (at: number) => isWord(tokens[at], 'create') && tokens.slice(at, at + 5).some((token) => isWord(token, 'trigger'))
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token
    if (isPunct(token, '(')) depth++
    else if (isPunct(token, ')')) depth--
    else if (isTrigger(start) && isWord(token, 'begin', 'case')) block++
    else if (isTrigger(start) && isWord(token, 'end')) block--
    else if (isPunct(token, ';') && depth <= 0 && block <= 0) {
      if (index > start) ranges.push([start, index])
      start = index + 1
    }
  }
  if (tokens.length > start) ranges.push([start, tokens.length])
  return ranges
}

function control(tokens: readonly Token[], at: number): StatementShape['control'] | 'unknown' {
  const word = tokens[at]?.text
  const next = tokens[at + 1]
  switch (word) {
    case 'begin':
      return 'begin'
    case 'start':
      return isWord(next, 'transaction') ? 'begin' : 'unknown'
    case 'commit':
    case 'end':
      return isWord(next, 'prepared') ? 'unknown' : 'commit'
    case 'rollback':
    case 'abort': {
      if (isWord(next, 'prepared')) return 'unknown'
      const to = isWord(next, 'transaction', 'work') ? tokens[at + 2] : next
      return isWord(to, 'to') ? 'savepoint' : 'rollback'
    }
    case 'prepare':
      // PREPARE TRANSACTION ends the transaction; COMMIT PREPARED (unknown: bumps everything) makes it visible.
      return isWord(next, 'transaction') ? 'commit' : undefined
    default:
      return 'savepoint'
  }
}

/** Which savepoint statement starts at `at` (`savepoint x`, `release [savepoint] x`, `rollback [transaction | work] to [savepoint] x`). */
function savepointOf(tokens: readonly Token[], at: number, to: number): SavepointStatement {
  const first = tokens[at]
  const action = isWord(first, 'savepoint') ? 'set' : isWord(first, 'release') ? 'release' : 'rollback-to'
  let next = at + 1
  if (action === 'rollback-to') next += isWord(tokens[next], 'transaction', 'work') ? 2 : 1
  // `release savepoint` alone releases a savepoint named "savepoint".
  if (action !== 'set' && isWord(tokens[next], 'savepoint') && next + 1 < to) next++
  const name = next < to ? tokens[next] : undefined
  return { action, name: name?.type === 'word' || name?.type === 'ident' ? name.text : '' }
}

/** `select ... into new_table` (PostgreSQL) creates a table: not a read. */
function selectsInto(tokens: readonly Token[], from: number, to: number): boolean {
  for (let index = from; index < to; index++) {
    if (!isWord(tokens[index], 'into')) continue
    const before = tokens[index - 1]
    const beforeOr = tokens[index - 3]
    if (!isWord(before, 'insert', 'replace', 'merge') && !isWord(beforeOr, 'insert')) return true
  }
  return false
}

function classify(
  tokens: readonly Token[],
  from: number,
  to: number,
  found: ReturnType<typeof scanWrites>,
): Pick<StatementShape, 'kind' | 'ddl' | 'control' | 'savepoint'> {
  let at = from
  while (isPunct(tokens[at], '(')) at++
  const first = tokens[at]
  const word = first?.type === 'word' ? first.text : ''
  switch (word) {
    case 'begin':
    case 'start':
    case 'commit':
    case 'end':
    case 'rollback':
    case 'abort':
    case 'savepoint':
    case 'release':
    case 'prepare': {
      const result = control(tokens, at)
      if (result === 'unknown') return { kind: 'unknown', ddl: false }
      if (result === undefined) return { kind: 'harmless', ddl: false }
      return result === 'savepoint'
        ? { kind: 'transaction', ddl: false, control: result, savepoint: savepointOf(tokens, at, to) }
        : { kind: 'transaction', ddl: false, control: result }
    }
    case 'select':
    case 'values':
    case 'table':
    case 'with':
      if (selectsInto(tokens, at, to)) return { kind: 'unknown', ddl: false }
      return { kind: found.effects.length > 0 ? 'write' : 'read', ddl: false }
    case 'insert':
    case 'update':
    case 'delete':
    case 'replace':
    case 'merge':
    case 'truncate':
    case 'refresh':
      return { kind: found.effects.length > 0 ? 'write' : 'unknown', ddl: false }
    case 'create':
    case 'drop':
    case 'alter':
      return { kind: 'write', ddl: true }
    case 'explain':
      // EXPLAIN ANALYZE runs the statement (PostgreSQL).
      return tokens.slice(at, Math.min(to, at + 8)).some((token) => isWord(token, 'analyze', 'analyse'))
        ? { kind: 'unknown', ddl: false }
        : { kind: 'harmless', ddl: false }
    case 'pragma':
      // PRAGMA name, PRAGMA name(arg) and PRAGMA name = value (foreign_keys, journal_mode, user_version...)
      // change no rows; only writable_schema opens the schema to direct edits: take the safe side there.
      return isWord(tokens[at + 1], 'writable_schema') || isWord(tokens[at + 3], 'writable_schema')
        ? { kind: 'unknown', ddl: false }
        : { kind: 'harmless', ddl: false }
    default:
      return { kind: HARMLESS.has(word) ? 'harmless' : 'unknown', ddl: false }
  }
}

function analyse(sql: string, dialect: Dialect | undefined): StatementShape {
  const tokens = tokenize(sql, dialect)
  const parens = matchParens(tokens)
  const ranges = statementRanges(tokens)
  const reads = new Set<string>()
  const writes = new Set<string>()
  const effects: WriteEffect[] = []
  for (const [from, to] of ranges) {
    for (const use of relationsRead(tokens, parens, from, to)) reads.add(use.name)
    const found = scanWrites(tokens, from, to)
    effects.push(...found.effects)
    for (const effect of found.effects) writes.add(effect.table)
    for (const target of found.ddlTargets) writes.add(target)
  }
  const shape = { reads: [...reads], writes: [...writes], effects, volatile: callsVolatile(tokens, 0, tokens.length), locking: locksRows(tokens) }
  if (ranges.length === 0) return { kind: 'harmless', ddl: false, ...shape }
  if (ranges.length > 1) return { kind: 'unknown', ddl: false, ...shape }
  const [from, to] = ranges[0] as [number, number]
  return { ...classify(tokens, from, to, { effects, ddlTargets: [] }), ...shape }
}

const MEMO_LIMIT = 1000
const memo = /* @__PURE__ */ boundedMemo(MEMO_LIMIT, (key) => {
  const split = key.indexOf('\u0000')
  const dialect = key.slice(0, split)
  return analyse(key.slice(split + 1), dialect === '' ? undefined : (dialect as Dialect))
})

/**
 * Reads one statement (SQLite/D1 or PostgreSQL text): its kind, the relations it reads and the
 * tables it writes. Memoised per text (bounded): an app sends the same few hundred statements
 * over and over, and this runs on every query. Never throws.
 *
 * @example
 * readStatement('update "posts" set "title" = ? where "id" = ?').effects // [{ table: 'posts', event: 'update' }]
 */
export function readStatement(sql: string, dialect?: Dialect): StatementShape {
  return memo(`${dialect ?? ''}\u0000${sql}`)
}

/** What a piece of SQL inside a larger statement may do (a raw fragment in a query builder's tree). */
export interface FragmentShape {
  /** Relations it names in FROM / JOIN (a subquery written as text). */
  readonly reads: readonly string[]
  /** True when it may change data: a write anywhere in it, DDL, or a statement that acts (CALL, COPY, VACUUM...). */
  readonly writes: boolean
  /** True when it calls a function whose result changes without a write (`random()`, `datetime('now')`). */
  readonly volatile: boolean
  /** True when it locks rows (`for update`): a read holding it is never cached. */
  readonly locking: boolean
}

/** Words that start something other than a query when they appear in a fragment. */
const ACTS = new Set(['call', 'copy', 'vacuum', 'reindex', 'grant', 'revoke', 'attach', 'detach', 'do', 'execute', 'exec'])

/**
 * Reads a fragment of SQL: the same reader, volatile-function list and write detector as whole
 * statements, for builders that let raw SQL into a structured query (Kysely's `sql` tag). Never throws.
 *
 * @example
 * readFragment("datetime('now')", 'sqlite') // { reads: [], writes: false, volatile: true, locking: false }
 */
export function readFragment(text: string, dialect?: Dialect): FragmentShape {
  const tokens = tokenize(text, dialect)
  const parens = matchParens(tokens)
  const found = scanWrites(tokens, 0, tokens.length)
  const acts = tokens.some(
    (token, index) => token.type === 'word' && ACTS.has(token.text) && !(token.text === 'do' && isWord(tokens[index + 1], 'update', 'nothing')),
  )
  return {
    reads: [...new Set(relationsRead(tokens, parens, 0, tokens.length).map((use) => use.name))],
    writes: found.effects.length > 0 || found.ddlTargets.length > 0 || acts || tokens.some((token) => isWord(token, 'create', 'drop', 'alter', 'truncate')),
    volatile: callsVolatile(tokens, 0, tokens.length),
    locking: locksRows(tokens),
  }
}

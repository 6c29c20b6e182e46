import { isWellFormed } from './text'

/**
 * How a key column compares values, as far as naming a row goes. `integer`: `'0123'`, `123` and
 * `123n` are one row (SQLite INTEGER affinity, PostgreSQL integer types). `text`: only equal
 * strings are one row. `uuid`: case and hyphens do not matter. `opaque`: the database compares
 * in a way we do not model (char(n) padding, case-insensitive collations, reals, dates): such a
 * value never names a row, so reads and writes by it use table-level scopes. `unknown`: nobody
 * said (a manual `invalidate`, a statement planned without a catalog).
 */
export type KeyType = 'integer' | 'text' | 'uuid' | 'opaque' | 'unknown'

/** Composite keys whose parts have several spellings multiply; past this many, the row is not named. */
const MAX_SPELLINGS = 8

const CANONICAL_INTEGER = /^-?(?:0|[1-9]\d{0,299})$/
const LOOSE_INTEGER = /^\s*[+-]?\d{1,300}\s*$/
const UUID_DIGITS = /^[0-9a-f]{32}$/

function integerPart(value: bigint | number): string {
  return `n${typeof value === 'bigint' ? value : BigInt(value)}`
}

function textPart(text: string): string {
  return `s${encodeURIComponent(text)}`
}

/** The canonical spelling of a UUID written any way PostgreSQL accepts (`{...}`, upper case, no hyphens). */
function canonicalUuid(text: string): string | undefined {
  const digits = text
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .replace(/-/g, '')
    .toLowerCase()
  if (!UUID_DIGITS.test(digits)) return undefined
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`
}

/**
 * The spellings of one key value in a column of `type`; an empty list when the value cannot name
 * a row (a Date, bytes, null, a fraction, a string with a lone surrogate, an opaque column).
 *
 * Two rules make every source agree: a value that is an integer (a safe integer number, a bigint,
 * a boolean as SQLite stores it, or a string in canonical integer form) is spelled `n<digits>` in
 * every column type, so `123` and `'123'` meet whatever the column; and a value whose type is
 * `unknown` gets every spelling a typed source could give it, so a manual call meets both.
 */
export function keyValueSpellings(value: unknown, type: KeyType = 'unknown'): string[] {
  if (type === 'opaque') return []
  switch (typeof value) {
    case 'bigint':
      return [integerPart(value)]
    case 'number':
      return Number.isSafeInteger(value) ? [integerPart(Object.is(value, -0) ? 0 : value)] : []
    case 'boolean':
      return [integerPart(value ? 1 : 0)]
    case 'string':
      // A lone surrogate reaches the database as U+FFFD: '\ud800', '\udc00' and '\ufffd' are one row there.
      return isWellFormed(value) ? stringSpellings(value, type) : []
    default:
      return []
  }
}

function stringSpellings(text: string, type: KeyType): string[] {
  if (CANONICAL_INTEGER.test(text)) return [integerPart(BigInt(text))]
  const loose = LOOSE_INTEGER.test(text) ? integerPart(BigInt(text.trim())) : undefined
  const uuid = canonicalUuid(text)
  switch (type) {
    case 'integer':
      return loose === undefined ? [] : [loose]
    case 'text':
      return [textPart(text)]
    case 'uuid':
      return uuid === undefined ? [] : [textPart(uuid)]
    default: {
      const spellings = new Set([textPart(text)])
      if (loose !== undefined) spellings.add(loose)
      if (uuid !== undefined) spellings.add(textPart(uuid))
      return [...spellings]
    }
  }
}

/**
 * Every spelling of one row's key (its parts in key order, joined by `,`), or undefined when the
 * key cannot name a row: a part with no spelling, a missing part, or too many combinations.
 *
 * @example
 * rowKeySpellings([1]) // ['n1']
 * rowKeySpellings(['0123'], ['text']) // ['s0123']
 * rowKeySpellings(['0123']) // ['s0123', 'n123'] (the column's type is unknown)
 */
export function rowKeySpellings(values: readonly unknown[], types?: readonly (KeyType | undefined)[]): string[] | undefined {
  if (values.length === 0) return undefined
  let spellings = ['']
  for (const [index, value] of values.entries()) {
    const parts = keyValueSpellings(value, types?.[index] ?? 'unknown')
    if (parts.length === 0) return undefined
    spellings = spellings.flatMap((head) => parts.map((part) => (index === 0 ? part : `${head},${part}`)))
    if (spellings.length > MAX_SPELLINGS) return undefined
  }
  return spellings
}

/**
 * The key type of a column from its declared SQL type: SQLite's affinity rules (a type naming
 * INT is an integer, CHAR / CLOB / TEXT is text), PostgreSQL's type names. What we do not model
 * is `opaque`: PostgreSQL's padded `character(n)`, `citext`, numerics, dates, bytes.
 *
 * @example
 * keyTypeOfSql('INTEGER', 'sqlite') // 'integer'
 * keyTypeOfSql('character varying(40)', 'postgres') // 'text'
 * keyTypeOfSql('numeric(10,2)', 'postgres') // 'opaque'
 */
export function keyTypeOfSql(declared: string, dialect: 'sqlite' | 'postgres'): KeyType {
  const type = declared.trim().toLowerCase()
  if (dialect === 'sqlite') {
    if (type.includes('int')) return 'integer'
    if (type.includes('char') || type.includes('clob') || type.includes('text')) return 'text'
    return 'opaque'
  }
  if (/^(?:smallint|integer|bigint|int[248]?|(?:small|big)?serial|serial[248])$/.test(type)) return 'integer'
  if (/^(?:text|name|character varying|varchar)(?:\s*\(\s*\d+\s*\))?$/.test(type)) return 'text'
  return type === 'uuid' ? 'uuid' : 'opaque'
}

import type { CodecExtension } from './codec'
import { fromTagged } from './codec-decode'
import { isPlainJson, toTagged } from './codec-encode'
import { fromBase64, isBuffer, setOwn, toBase64, toBuffer } from './codec-shared'
import { kvCacheError } from './errors'

/**
 * Query results are mostly rows: an array of objects (or of arrays) whose special values (Dates,
 * BigInts, bytes) sit in a few columns. A row plan names those columns and how each is spelled, so
 * the rows are stored as plain JSON and a hit revives only those columns instead of walking every
 * value. Stored in the entry header; any other shape falls back to tagging every value.
 */
export interface RowPlan {
  /** `o`: rows are objects, columns are keys. `a`: rows are arrays, columns are indices. */
  readonly m: 'o' | 'a'
  /** Column -> how its non-null values are spelled: `d` Date as ms, `b` BigInt as text, `u8` bytes and `buf` a Buffer as base64, `t` tagged. */
  readonly c: Readonly<Record<string, ColumnKind>>
}

type ColumnKind = 'd' | 'b' | 'u8' | 'buf' | 't'
type ValueKind = ColumnKind | 'plain' | 'null'

const KINDS = new Set<string>(['d', 'b', 'u8', 'buf', 't'])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
}

function isRowArray(value: unknown): value is unknown[] {
  return Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype
}

function kindOf(value: unknown, extensions: readonly CodecExtension[]): ValueKind {
  if (value === null) return 'null'
  for (const extension of extensions) if (extension.test(value)) return 't'
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 't' : 'd'
  if (typeof value === 'bigint') return 'b'
  if (value instanceof Uint8Array && Object.getPrototypeOf(value) === Uint8Array.prototype) return 'u8'
  if (isBuffer(value)) return 'buf'
  return isPlainJson(value, 1) ? 'plain' : 't'
}

/** One column's spelling: a single special kind (nulls allowed), plain, or tagged when mixed. */
function merge(column: ValueKind | undefined, value: ValueKind): ValueKind {
  if (column === undefined || column === value || value === 'null') return column ?? value
  if (column === 'null') return value
  return 't'
}

function columnsOf(rows: readonly unknown[], mode: 'o' | 'a', extensions: readonly CodecExtension[]): Map<string, ValueKind> {
  const columns = new Map<string, ValueKind>()
  for (const row of rows) {
    const cells = row as Record<string, unknown>
    const keys = mode === 'o' ? Object.keys(cells) : Array.from({ length: (row as unknown[]).length }, (_, i) => String(i))
    for (const key of keys) columns.set(key, merge(columns.get(key), kindOf(cells[key], extensions)))
  }
  return columns
}

function spell(kind: ColumnKind, value: unknown, extensions: readonly CodecExtension[]): unknown {
  if (value === null) return null
  if (kind === 'd') return (value as Date).getTime()
  if (kind === 'b') return (value as bigint).toString()
  if (kind === 'u8') return toBase64(value as Uint8Array)
  if (kind === 'buf') return toBase64(new Uint8Array((value as Uint8Array).buffer, (value as Uint8Array).byteOffset, (value as Uint8Array).byteLength))
  return toTagged(value, extensions, new Set())
}

/** Encodes rows with a plan (none when every column is plain JSON), or undefined when the value is not rows. */
export function encodeRows(value: unknown, extensions: readonly CodecExtension[]): { readonly json: string; readonly plan: RowPlan | undefined } | undefined {
  if (!isRowArray(value) || value.length === 0) return undefined
  const mode = value.every(isRecord) ? 'o' : value.every(isRowArray) ? 'a' : undefined
  if (!mode) return undefined
  // Null prototype: a column named `__proto__` must become a key, not a prototype.
  const plan = Object.create(null) as Record<string, ColumnKind>
  for (const [column, kind] of columnsOf(value, mode, extensions)) if (KINDS.has(kind)) plan[column] = kind as ColumnKind
  const special = Object.entries(plan)
  if (special.length === 0) return { json: JSON.stringify(value), plan: undefined }
  const rows = value.map((row) => {
    const copy = mode === 'o' ? { ...(row as Record<string, unknown>) } : [...(row as unknown[])]
    for (const [column, kind] of special) {
      const cells = copy as Record<string, unknown>
      if (Object.hasOwn(cells, column)) setOwn(cells, column, spell(kind, cells[column], extensions))
    }
    return copy
  })
  return { json: JSON.stringify(rows), plan: { m: mode, c: plan } }
}

function corrupt(what: string): never {
  throw kvCacheError('CORRUPT_ENTRY', 'codec', `Cannot decode the stored rows: ${what}.`)
}

/** The spellings other than Dates and BigInts: rarer, revived one cell at a time. */
function revive(kind: ColumnKind, value: unknown, extensions: ReadonlyMap<string, CodecExtension>): unknown {
  if (kind === 'd') return typeof value === 'number' ? new Date(value) : corrupt('a date is not a number')
  if (kind === 'b') return typeof value === 'string' ? BigInt(value) : corrupt('a bigint is not text')
  if (kind === 'u8') return typeof value === 'string' ? fromBase64(value) : corrupt('bytes are not text')
  if (kind === 'buf') return typeof value === 'string' ? toBuffer(fromBase64(value)) : corrupt('bytes are not text')
  return fromTagged(value, extensions)
}

// One loop per column and per common kind: each loop reads and writes a single key and creates a
// single type, which measured faster than a row loop dispatching on every cell's kind. JSON.parse
// never yields undefined, so `undefined` means the row lacks the column (rows may differ in keys).

function reviveDates(rows: readonly unknown[], column: string): void {
  for (let i = 0; i < rows.length; i++) {
    const cells = rows[i] as Record<string, unknown>
    const stored = cells[column]
    if (typeof stored === 'number') cells[column] = new Date(stored)
    else if (stored !== null && stored !== undefined) corrupt('a date is not a number')
  }
}

function reviveBigInts(rows: readonly unknown[], column: string): void {
  for (let i = 0; i < rows.length; i++) {
    const cells = rows[i] as Record<string, unknown>
    const stored = cells[column]
    if (typeof stored === 'string') cells[column] = BigInt(stored)
    else if (stored !== null && stored !== undefined) corrupt('a bigint is not text')
  }
}

/** Any kind, and names a row inherits (`constructor`, `__proto__`...): only own cells count and are written. */
function reviveOwnCells(rows: readonly unknown[], column: string, kind: ColumnKind, extensions: ReadonlyMap<string, CodecExtension>): void {
  for (let i = 0; i < rows.length; i++) {
    const cells = rows[i] as Record<string, unknown>
    if (!Object.hasOwn(cells, column)) continue
    const stored = cells[column]
    if (stored !== null) setOwn(cells, column, revive(kind, stored, extensions))
  }
}

/** Revives the planned columns of parsed rows in place: the hot path of a hit on rows. */
export function reviveRows(parsed: unknown, plan: RowPlan, extensions: ReadonlyMap<string, CodecExtension>): unknown {
  // JSON.parse made these, so every object has Object.prototype and every array Array.prototype.
  if (!Array.isArray(parsed)) corrupt('rows are not an array')
  const objects = plan.m === 'o'
  for (let i = 0; i < parsed.length; i++) {
    const row: unknown = parsed[i]
    if (typeof row !== 'object' || row === null || Array.isArray(row) === objects) corrupt('a row has the wrong shape')
  }
  const prototype: object = objects ? Object.prototype : Array.prototype
  for (const column of Object.keys(plan.c)) {
    const kind = plan.c[column] as ColumnKind
    if (column in prototype) reviveOwnCells(parsed, column, kind, extensions)
    else if (kind === 'd') reviveDates(parsed, column)
    else if (kind === 'b') reviveBigInts(parsed, column)
    else reviveOwnCells(parsed, column, kind, extensions)
  }
  return parsed
}

/** A plan read from an entry header (untrusted bytes): the plan, or undefined if malformed. */
export function parsePlan(raw: unknown): RowPlan | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined
  const { m, c } = raw as { m?: unknown; c?: unknown }
  if ((m !== 'o' && m !== 'a') || typeof c !== 'object' || c === null || Array.isArray(c)) return undefined
  return Object.values(c).every((kind) => typeof kind === 'string' && KINDS.has(kind)) ? { m, c: c as Record<string, ColumnKind> } : undefined
}

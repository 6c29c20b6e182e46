import { fromTagged } from './codec-decode'
import { isPlainJson, toTagged } from './codec-encode'
import { encodeRows, reviveRows, type RowPlan } from './codec-rows'
import { isKvCacheError, kvCacheError } from './errors'

/**
 * Teaches the codec one more type (Prisma's Decimal, a driver's row class). `encode` may return
 * anything the codec can encode, including nested special values; `decode` receives it decoded.
 */
export interface CodecExtension<T = unknown> {
  /** Unique, short, stable: it is stored in entries. */
  readonly tag: string
  test(value: unknown): value is T
  encode(value: T): unknown
  decode(encoded: unknown): T
}

/**
 * A value encoded for storage. `tagged` = false means `json` is plain JSON and decodes with
 * JSON.parse alone; with a `plan`, only the planned columns of its rows are revived.
 */
export interface EncodedValue {
  readonly json: string
  readonly tagged: boolean
  readonly plan?: RowPlan | undefined
}

/** Encodes any supported value to JSON text; throws `UNENCODABLE` for values it cannot round-trip. */
export function encodeValue(value: unknown, extensions: readonly CodecExtension[] = []): EncodedValue {
  if (extensions.length === 0 && isPlainJson(value, 0)) return { json: JSON.stringify(value), tagged: false }
  const rows = encodeRows(value, extensions)
  if (rows) return rows.plan ? { json: rows.json, tagged: true, plan: rows.plan } : { json: rows.json, tagged: false }
  return { json: JSON.stringify(toTagged(value, extensions, new Set())), tagged: true }
}

/** Decodes what `encodeValue` produced. Throws `CORRUPT_ENTRY` on malformed input; the cache turns that into a miss. */
export function decodeValue(encoded: EncodedValue, extensions: ReadonlyMap<string, CodecExtension> = new Map()): unknown {
  try {
    const parsed: unknown = JSON.parse(encoded.json)
    if (encoded.plan) return reviveRows(parsed, encoded.plan, extensions)
    return encoded.tagged ? fromTagged(parsed, extensions) : parsed
  } catch (error) {
    if (isKvCacheError(error)) throw error
    // JSON syntax, a failing extension, nesting too deep for the stack, invalid base64...
    throw kvCacheError('CORRUPT_ENTRY', 'codec', 'Cannot decode the stored value.', error)
  }
}

/** Validates extensions and indexes them by tag, refusing duplicates, at construction. */
export function indexExtensions(extensions: readonly CodecExtension[]): ReadonlyMap<string, CodecExtension> {
  if (!Array.isArray(extensions)) throw kvCacheError('INVALID_OPTION', 'core', 'Option `codecExtensions` must be an array.')
  const byTag = new Map<string, CodecExtension>()
  for (const extension of extensions) {
    const shaped =
      typeof extension?.tag === 'string' &&
      /^[A-Za-z0-9._-]{1,32}$/.test(extension.tag) &&
      [extension.test, extension.encode, extension.decode].every((method) => typeof method === 'function')
    if (!shaped) {
      throw kvCacheError(
        'INVALID_OPTION',
        'core',
        'Option `codecExtensions` must hold `{ tag, test, encode, decode }` objects with a tag of 1-32 letters, digits, `.`, `_` or `-`.',
      )
    }
    if (byTag.has(extension.tag)) {
      throw kvCacheError('INVALID_OPTION', 'core', `Option \`codecExtensions\` has two extensions with tag \`${extension.tag}\`.`)
    }
    byTag.set(extension.tag, extension)
  }
  return byTag
}

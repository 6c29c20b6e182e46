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

/** A value encoded for storage. `tagged` = false means `json` is plain JSON and decodes with JSON.parse alone. */
export interface EncodedValue {
  readonly json: string
  readonly tagged: boolean
}

const TAG = '$kv'

type Tagged = { [TAG]: string; v?: unknown }

/** Thrown (and turned into a `skip` event by the cache) when a value has no faithful encoding. */
function unencodable(what: string): never {
  throw kvCacheError('UNENCODABLE', 'codec', `Cannot encode ${what}; register a codec extension for it.`)
}

function isPlainObject(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype
}

/** Assigns an own property; `obj.__proto__ = v` would set the prototype instead (and drop the key). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
  else target[key] = value
}

/** A decode failure: bytes found in storage are untrusted, and the cache turns this into a miss. */
function corrupt(what: string): never {
  throw kvCacheError('CORRUPT_ENTRY', 'codec', `Cannot decode the stored value: ${what}.`)
}

/** Fast pre-check: most query results are plain JSON, and those skip the tagging walk entirely. */
function isPlainJson(value: unknown, depth: number): boolean {
  if (depth > 512) return false
  if (value === null) return true
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0)
    case 'object': {
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false
        }
        return true
      }
      if (!isPlainObject(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false
      for (const key of Object.keys(value)) {
        if (key === TAG) return false
        if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false
      }
      return true
    }
    default:
      return false
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

const TYPED_ARRAYS = {
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const satisfies Record<string, new (buffer: ArrayBuffer) => ArrayBufferView>

type TypedArrayName = keyof typeof TYPED_ARRAYS

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

function tag(name: string, v: unknown): Tagged {
  return { [TAG]: name, v }
}

function encodeNumber(value: number): unknown {
  if (Number.isFinite(value) && !Object.is(value, -0)) return value
  return tag('n', Object.is(value, -0) ? '-0' : String(value))
}

function toTagged(value: unknown, extensions: readonly CodecExtension[], seen: Set<object>): unknown {
  for (const extension of extensions) {
    if (extension.test(value)) return tag(`x:${extension.tag}`, toTagged(extension.encode(value), extensions, seen))
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return encodeNumber(value)
    case 'undefined':
      return tag('u', 0)
    case 'bigint':
      return tag('b', value.toString())
    case 'function':
      return unencodable('a function')
    case 'symbol':
      return unencodable('a symbol')
  }
  if (value === null) return null
  const object = value as object
  if (seen.has(object)) unencodable('a circular structure')
  seen.add(object)
  try {
    return objectToTagged(object, extensions, seen)
  } finally {
    seen.delete(object)
  }
}

function objectToTagged(object: object, extensions: readonly CodecExtension[], seen: Set<object>): unknown {
  const walk = (item: unknown) => toTagged(item, extensions, seen)
  if (Array.isArray(object)) {
    if (Object.getPrototypeOf(object) !== Array.prototype) unencodable('an Array subclass')
    const items: unknown[] = new Array(object.length)
    for (let i = 0; i < object.length; i++) items[i] = walk(object[i])
    return items
  }
  if (object instanceof Date) return tag('d', Number.isNaN(object.getTime()) ? null : object.getTime())
  if (object instanceof Uint8Array && Object.getPrototypeOf(object) === Uint8Array.prototype) {
    return tag('u8', toBase64(object))
  }
  if (object instanceof ArrayBuffer) return tag('ab', toBase64(new Uint8Array(object)))
  if (ArrayBuffer.isView(object)) {
    const name = object.constructor.name
    if (name in TYPED_ARRAYS && Object.getPrototypeOf(object) === TYPED_ARRAYS[name as TypedArrayName].prototype) {
      return tag('ta', [name, toBase64(bytesOf(object))])
    }
    return unencodable(`a ${name}`)
  }
  if (object instanceof Map) return tag('m', Array.from(object, ([k, v]) => [walk(k), walk(v)]))
  if (object instanceof Set) return tag('s', Array.from(object, walk))
  const proto = Object.getPrototypeOf(object)
  if (proto !== Object.prototype && proto !== null) {
    return unencodable(`an instance of ${(object.constructor as { name?: string } | undefined)?.name ?? 'an unknown class'}`)
  }
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(object)) setOwn(out, key, walk((object as Record<string, unknown>)[key]))
  if (proto === null) return tag('np', out)
  return Object.hasOwn(out, TAG) ? tag('o', out) : out
}

/** Encodes any supported value to JSON text; throws `UNENCODABLE` for values it cannot round-trip. */
export function encodeValue(value: unknown, extensions: readonly CodecExtension[] = []): EncodedValue {
  if (extensions.length === 0 && isPlainJson(value, 0)) return { json: JSON.stringify(value), tagged: false }
  return { json: JSON.stringify(toTagged(value, extensions, new Set())), tagged: true }
}

function fromTagged(value: unknown, extensions: ReadonlyMap<string, CodecExtension>): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = fromTagged(value[i], extensions)
    return value
  }
  const record = value as Record<string, unknown>
  const name = Object.hasOwn(record, TAG) ? record[TAG] : undefined
  if (typeof name !== 'string') {
    for (const key of Object.keys(record)) setOwn(record, key, fromTagged(record[key], extensions))
    return record
  }
  return fromTag(name, record.v, extensions)
}

const asString = (v: unknown, what: string): string => (typeof v === 'string' ? v : corrupt(`${what} is not a string`))
const asRecord = (v: unknown, what: string): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : corrupt(`${what} is not an object`)
const asArray = (v: unknown, what: string): unknown[] => (Array.isArray(v) ? v : corrupt(`${what} is not an array`))

function fromTag(name: string, v: unknown, extensions: ReadonlyMap<string, CodecExtension>): unknown {
  switch (name) {
    case 'u':
      return undefined
    case 'n':
      return v === '-0' ? -0 : Number(asString(v, 'a number'))
    case 'b':
      return BigInt(asString(v, 'a bigint'))
    case 'd':
      return new Date(v === null ? Number.NaN : typeof v === 'number' ? v : corrupt('a date is not a number'))
    case 'u8':
      return fromBase64(asString(v, 'bytes'))
    case 'ab': {
      const bytes = fromBase64(asString(v, 'bytes'))
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    }
    case 'ta': {
      const [ctorName, data] = asArray(v, 'a typed array')
      if (typeof ctorName !== 'string' || !Object.hasOwn(TYPED_ARRAYS, ctorName)) corrupt(`unknown typed array ${String(ctorName)}`)
      const Ctor = TYPED_ARRAYS[ctorName as TypedArrayName]
      return new Ctor(fromBase64(asString(data, 'bytes')).slice().buffer as ArrayBuffer)
    }
    case 'm':
      return new Map(asArray(v, 'a map').map((pair) => {
        const [k, item] = asArray(pair, 'a map entry')
        return [fromTagged(k, extensions), fromTagged(item, extensions)]
      }))
    case 's':
      return new Set(asArray(v, 'a set').map((item) => fromTagged(item, extensions)))
    case 'o': {
      // The object's own keys include the tag key: revive its values, never the object itself.
      const escaped = asRecord(v, 'an escaped object')
      for (const key of Object.keys(escaped)) setOwn(escaped, key, fromTagged(escaped[key], extensions))
      return escaped
    }
    case 'np': {
      const revived = Object.create(null) as Record<string, unknown>
      const source = asRecord(v, 'a null-prototype object')
      for (const key of Object.keys(source)) setOwn(revived, key, fromTagged(source[key], extensions))
      return revived
    }
  }
  if (name.startsWith('x:')) {
    const extension = extensions.get(name.slice(2))
    if (!extension) corrupt(`no codec extension registered for tag ${name.slice(2)}`)
    return extension.decode(fromTagged(v, extensions))
  }
  return corrupt(`unknown tag ${name.slice(0, 40)}`)
}

/** Decodes what `encodeValue` produced. Throws `CORRUPT_ENTRY` on malformed input; the cache turns that into a miss. */
export function decodeValue(encoded: EncodedValue, extensions: ReadonlyMap<string, CodecExtension> = new Map()): unknown {
  try {
    const parsed: unknown = JSON.parse(encoded.json)
    return encoded.tagged ? fromTagged(parsed, extensions) : parsed
  } catch (error) {
    if (isKvCacheError(error)) throw error
    // JSON syntax, a failing extension, nesting too deep for the stack, invalid base64...
    throw kvCacheError('CORRUPT_ENTRY', 'codec', 'Cannot decode the stored value.', error)
  }
}

/** Indexes extensions by tag and refuses duplicates at construction. */
export function indexExtensions(extensions: readonly CodecExtension[]): ReadonlyMap<string, CodecExtension> {
  const byTag = new Map<string, CodecExtension>()
  for (const extension of extensions) {
    if (byTag.has(extension.tag)) {
      throw kvCacheError('INVALID_OPTION', 'core', `Option \`codecExtensions\` has two extensions with tag \`${extension.tag}\`.`)
    }
    byTag.set(extension.tag, extension)
  }
  return byTag
}

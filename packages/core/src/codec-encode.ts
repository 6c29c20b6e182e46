import type { CodecExtension } from './codec'
import { isBuffer, setOwn, TAG, toBase64, TYPED_ARRAYS, type Tagged, type TypedArrayName } from './codec-shared'
import { kvCacheError } from './errors'

/** Thrown (and turned into a `skip` event by the cache) when a value has no faithful encoding. */
function unencodable(what: string): never {
  throw kvCacheError('UNENCODABLE', 'codec', `Cannot encode ${what}; register a codec extension for it.`)
}

function isPlainObject(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype
}

/** Fast pre-check: most query results are plain JSON, and those skip the tagging walk entirely. */
export function isPlainJson(value: unknown, depth: number): boolean {
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

export function toTagged(value: unknown, extensions: readonly CodecExtension[], seen: Set<object>): unknown {
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
  if (isBuffer(object)) return tag('buf', toBase64(bytesOf(object)))
  if (object instanceof ArrayBuffer) return tag('ab', toBase64(new Uint8Array(object)))
  if (ArrayBuffer.isView(object)) {
    const name = object.constructor.name
    if (name in TYPED_ARRAYS && Object.getPrototypeOf(object) === TYPED_ARRAYS[name as TypedArrayName].prototype) {
      return tag('ta', [name, toBase64(bytesOf(object))])
    }
    return unencodable(`a ${name}`)
  }
  if (object instanceof Map)
    return tag(
      'm',
      Array.from(object, ([k, v]) => [walk(k), walk(v)]),
    )
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

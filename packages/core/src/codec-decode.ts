import type { CodecExtension } from './codec'
import { fromBase64, setOwn, TAG, toBuffer, TYPED_ARRAYS, type TypedArrayName } from './codec-shared'
import { kvCacheError } from './errors'

/** A decode failure: bytes found in storage are untrusted, and the cache turns this into a miss. */
function corrupt(what: string): never {
  throw kvCacheError('CORRUPT_ENTRY', 'codec', `Cannot decode the stored value: ${what}.`)
}

export function fromTagged(value: unknown, extensions: ReadonlyMap<string, CodecExtension>): unknown {
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
    case 'buf':
      return toBuffer(fromBase64(asString(v, 'bytes')))
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
      return new Map(
        asArray(v, 'a map').map((pair) => {
          const [k, item] = asArray(pair, 'a map entry')
          return [fromTagged(k, extensions), fromTagged(item, extensions)]
        }),
      )
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

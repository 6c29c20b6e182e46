import { TextMemo } from './bounded-map'
import { kvCacheError } from './errors'
import { sha256, toBase64Url } from './sha256'
import { codeUnitsHex, exactBytes, isWellFormed } from './text'

/**
 * Deterministic, type-tagged text for query material: `1` and `"1"`, `null` and `undefined`,
 * `1n` and `1` all differ, and object key order does not matter. The text is always well-formed
 * (strings with lone surrogates are written as code units), so hashing its UTF-8 form is lossless.
 */
export function encodeMaterial(value: unknown): string {
  const parts: string[] = []
  write(value, parts, 0)
  return parts.join('')
}

function write(value: unknown, out: string[], depth: number): void {
  if (depth > 256) throw kvCacheError('UNENCODABLE', 'key', 'Query material is nested too deeply.')
  if (value === null || typeof value !== 'object') writePrimitive(value, out)
  else if (Array.isArray(value)) writeList('[', value, out, depth)
  else if (value instanceof Date) out.push('d', String(value.getTime()), ';')
  else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) writeBytes(value, out)
  else if (value instanceof Map) writeList('M[', [...value.entries()], out, depth)
  else if (value instanceof Set) writeList('S[', [...value], out, depth)
  else writeRecord(value, out, depth)
}

function writePrimitive(value: unknown, out: string[]): void {
  switch (typeof value) {
    case 'string':
      return writeString(value, out)
    case 'number':
      return void out.push('n', Object.is(value, -0) ? '-0' : String(value), ';')
    case 'bigint':
      return void out.push('b', value.toString(), ';')
    case 'boolean':
      return void out.push(value ? 'T' : 'F')
    case 'undefined':
      return void out.push('U')
    case 'object':
      return void out.push('N') // null
    default:
      throw kvCacheError('UNENCODABLE', 'key', `Query material contains a ${typeof value}.`)
  }
}

function writeList(open: string, items: readonly unknown[], out: string[], depth: number): void {
  out.push(open)
  for (const item of items) write(item, out, depth + 1)
  out.push(']')
}

function writeBytes(value: ArrayBuffer | ArrayBufferView, out: string[]): void {
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  const kind = value instanceof ArrayBuffer ? 'ArrayBuffer' : value.constructor.name
  out.push('y', kind, ':', String(bytes.length), ':')
  for (const byte of bytes) out.push(byte.toString(16).padStart(2, '0'))
}

function writeRecord(object: object, out: string[], depth: number): void {
  const proto = Object.getPrototypeOf(object)
  if (proto !== Object.prototype && proto !== null) {
    // Class instances (e.g. an ORM's SQL objects) have no canonical form we can trust.
    throw kvCacheError('UNENCODABLE', 'key', `Query material contains an instance of ${object.constructor?.name ?? 'a class'}.`)
  }
  out.push('{')
  for (const key of Object.keys(object).sort()) {
    writeString(key, out)
    write((object as Record<string, unknown>)[key], out, depth + 1)
  }
  out.push('}')
}

function writeString(value: string, out: string[]): void {
  if (isWellFormed(value)) {
    out.push('s', String(value.length), ':', value)
    return
  }
  // `w` + code units in hex: "\ud800" and "\ufffd" must not hash alike.
  out.push('w', String(value.length), ':', codeUnitsHex(value))
}

const encoder = new TextEncoder()

/**
 * SHA-256 (WebCrypto) of the material's canonical encoding, base64url: 43 characters. A query
 * this isolate hashed before takes its key from the memo, without the digest's round trip into
 * the runtime (in Node, that round trip was 90% of a hit's time).
 */
export function hashMaterial(value: unknown): Promise<string> | string {
  const text = encodeMaterial(value)
  return keys.get(text) ?? digest(text)
}

async function digest(text: string): Promise<string> {
  const key = toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))))
  keys.set(text, key)
  return key
}

/** Canonical text -> key, per isolate (a query's text holds its SQL and parameters). */
const keys = /* @__PURE__ */ new TextMemo<string>({ maxEntries: 4096, maxChars: 1 << 20, maxKeyChars: 8192 })

/** Synchronous SHA-256 of any string (lossless, lone surrogates included), base64url: 43 characters. */
export function hashName(text: string): string {
  return toBase64Url(sha256(exactBytes(text)))
}

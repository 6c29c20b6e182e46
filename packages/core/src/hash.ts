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
  switch (typeof value) {
    case 'string':
      writeString(value, out)
      return
    case 'number':
      out.push('n', Object.is(value, -0) ? '-0' : String(value), ';')
      return
    case 'bigint':
      out.push('b', value.toString(), ';')
      return
    case 'boolean':
      out.push(value ? 'T' : 'F')
      return
    case 'undefined':
      out.push('U')
      return
    case 'function':
    case 'symbol':
      throw kvCacheError('UNENCODABLE', 'key', `Query material contains a ${typeof value}.`)
  }
  if (value === null) {
    out.push('N')
    return
  }
  if (Array.isArray(value)) {
    out.push('[')
    for (const item of value) write(item, out, depth + 1)
    out.push(']')
    return
  }
  if (value instanceof Date) {
    out.push('d', String(value.getTime()), ';')
    return
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes =
      value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    const kind = value instanceof ArrayBuffer ? 'ArrayBuffer' : value.constructor.name
    out.push('y', kind, ':', String(bytes.length), ':')
    for (const byte of bytes) out.push(byte.toString(16).padStart(2, '0'))
    return
  }
  if (value instanceof Map) {
    out.push('M')
    write([...value.entries()], out, depth + 1)
    return
  }
  if (value instanceof Set) {
    out.push('S')
    write([...value], out, depth + 1)
    return
  }
  const object = value as object
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

/** SHA-256 (WebCrypto) of the material's canonical encoding, base64url: 43 characters. */
export async function hashMaterial(value: unknown): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(encodeMaterial(value)))
  return toBase64Url(new Uint8Array(digest))
}

/** Synchronous SHA-256 of any string (lossless, lone surrogates included), base64url: 43 characters. */
export function hashName(text: string): string {
  return toBase64Url(sha256(exactBytes(text)))
}

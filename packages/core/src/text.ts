/**
 * Strings as storage sees them. A JS string is any sequence of UTF-16 code units; UTF-8 (what KV
 * keys and WebCrypto inputs become) cannot carry a lone surrogate and silently turns it into
 * U+FFFD, so "\ud800", "\udc00" and "\ufffd" would collide. Everything here is lossless.
 */

const encoder = new TextEncoder()
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/

/** True when `text` has no lone surrogate, so its UTF-8 form is exact. */
export function isWellFormed(text: string): boolean {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed
  return native ? native.call(text) : !LONE_SURROGATE.test(text)
}

/** UTF-8 length as a storage counts it (a lone surrogate is 3 bytes, as U+FFFD). */
export function byteLength(text: string): number {
  return ASCII.test(text) ? text.length : encoder.encode(text).byteLength
}

/**
 * Bytes that identify `text` exactly: its UTF-8 form when well-formed; otherwise a 0xff byte
 * (never part of UTF-8) followed by the raw UTF-16 code units, so no two strings share bytes.
 */
export function exactBytes(text: string): Uint8Array {
  if (isWellFormed(text)) return encoder.encode(text)
  const out = new Uint8Array(1 + text.length * 2)
  out[0] = 0xff
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    out[1 + i * 2] = unit >>> 8
    out[2 + i * 2] = unit & 0xff
  }
  return out
}

/** The longest prefix of a well-formed `text` whose UTF-8 form fits `maxBytes`, cut between code points. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text
  let bytes = 0
  let end = 0
  for (const char of text) {
    const size = byteLength(char)
    if (bytes + size > maxBytes) break
    bytes += size
    end += char.length
  }
  return text.slice(0, end)
}

/** Every UTF-16 code unit as four hex digits: an exact, well-formed spelling of any string. */
export function codeUnitsHex(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) out += text.charCodeAt(i).toString(16).padStart(4, '0')
  return out
}

import { isStamp, latestStampAt, MAX_CLOCK_SKEW_MS, stampMs, ZERO_STAMP } from './clock'
import { kvCacheError } from './errors'
import { hmacSha256, toBase64Url } from './sha256'
import { exactBytes } from './text'
import type { Stamp } from './types'

/** Turns stamps into bookmarks for clients, and client bookmarks back into trusted floors. */
export interface Bookmarks {
  /** The bookmark text for a stamp: the stamp itself, or `<stamp>.<mac>` with a secret. */
  format(stamp: Stamp): string
  /**
   * The floor a client bookmark sets, clamped to what any clock could have minted by now (plus
   * skew), or an error saying why it is ignored. Never advances state shared with other clients.
   */
  parse(bookmark: unknown): { readonly floor: Stamp } | { readonly error: Error }
}

const MIN_SECRET_BYTES = 16
const MAC_CHARS = 22 // 128 bits of HMAC-SHA-256, base64url
const SIGNED = /^([0-9a-z]{19})\.([A-Za-z0-9_-]{22})$/

/** Validates the `bookmarkSecret` option once, at construction. */
export function secretBytes(where: string, secret: unknown): Uint8Array | undefined {
  if (secret === undefined) return undefined
  const bytes = typeof secret === 'string' ? exactBytes(secret) : secret instanceof Uint8Array ? secret : undefined
  if (!bytes || bytes.length < MIN_SECRET_BYTES) {
    throw kvCacheError('INVALID_OPTION', where, `Option \`bookmarkSecret\` must be a string or Uint8Array of at least ${MIN_SECRET_BYTES} bytes.`)
  }
  return bytes.slice()
}

/** Constant-time comparison, so a forger learns nothing from how long a check took. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

export function createBookmarks(secret: Uint8Array | undefined, now: () => number): Bookmarks {
  const mac = (stamp: Stamp) => toBase64Url(hmacSha256(secret as Uint8Array, exactBytes(stamp))).slice(0, MAC_CHARS)
  const invalid = (why: string) => ({ error: kvCacheError('INVALID_OPTION', 'core', `Ignoring bookmark: ${why}.`) })

  const stampOf = (text: string): Stamp | { readonly error: Error } => {
    const signed = SIGNED.exec(text)
    if (secret) {
      if (!signed) return invalid("not signed with this cache's bookmarkSecret")
      return sameText(mac(signed[1] as string), signed[2] as string) ? (signed[1] as string) : invalid('signature does not match')
    }
    const stamp = signed ? (signed[1] as string) : text
    return isStamp(stamp) ? stamp : invalid('not a bookmark')
  }

  return {
    format: (stamp) => (stamp === ZERO_STAMP || !secret ? stamp : `${stamp}.${mac(stamp)}`),
    parse(bookmark) {
      if (bookmark === undefined || bookmark === '') return { floor: ZERO_STAMP }
      if (typeof bookmark !== 'string' || bookmark.length > 64) return invalid('not a bookmark')
      const stamp = stampOf(bookmark)
      if (typeof stamp !== 'string') return stamp
      // A bookmark far in the future would make this client bypass the cache for good: cap it.
      const ceiling = latestStampAt(now() + MAX_CLOCK_SKEW_MS)
      return { floor: stamp > ceiling ? ceiling : stamp }
    },
  }
}

/**
 * What a bump adds to the writer's bookmark: the end of the bump's millisecond. Stamps minted by
 * two isolates in the same millisecond have no real order, and an entry read elsewhere in that
 * millisecond may predate the write, so the writer's next reads skip it.
 */
export function bookmarkAfterBump(stamp: Stamp): Stamp {
  return isStamp(stamp) && stamp !== ZERO_STAMP ? latestStampAt(stampMs(stamp)) : stamp
}

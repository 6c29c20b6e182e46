import { byteLength, isPlausibleStamp, isWellFormed, kvCacheError, ZERO_STAMP } from '@kvcache/core/storage'

/**
 * What one coordinator call may carry. The core sends tenant-qualified scopes of at most ~400
 * bytes (a 128-byte tenant plus a scope bounded by `boundScope`), and a lookup depends on a few.
 * A bump of a large batch write is split into calls of this size by the client.
 */
export const MAX_SCOPES_PER_CALL = 1000
/** Longest scope one call may carry, in UTF-8 bytes. */
export const MAX_SCOPE_BYTES = 512

/**
 * Validates the scopes of one call, on both sides of the wire: the client before it spends a
 * round trip, the object before it touches storage (it may be called by other code or versions).
 * Throws `UNENCODABLE` naming what is wrong; nothing is read or written for a rejected call.
 */
export function assertScopes(where: string, scopes: unknown): asserts scopes is readonly string[] {
  if (!Array.isArray(scopes)) throw invalid(where, `scopes must be an array, got ${describe(scopes)}.`)
  if (scopes.length > MAX_SCOPES_PER_CALL) throw invalid(where, `at most ${MAX_SCOPES_PER_CALL} scopes per call, got ${scopes.length}.`)
  for (let i = 0; i < scopes.length; i++) {
    const scope: unknown = scopes[i]
    if (typeof scope !== 'string') throw invalid(where, `scope ${i} must be a string, got ${describe(scope)}.`)
    // Tenant-qualified: `<tenant>:<scope>`, the tenant possibly empty.
    if (!scope.includes(':')) throw invalid(where, `scope ${i} must be tenant-qualified (\`<tenant>:<scope>\`), got ${JSON.stringify(scope.slice(0, 60))}.`)
    // SQLite stores UTF-8: two scopes differing only in a lone surrogate would share a row.
    if (!isWellFormed(scope)) throw invalid(where, `scope ${i} contains a lone UTF-16 surrogate.`)
    if (byteLength(scope) > MAX_SCOPE_BYTES) throw invalid(where, `scope ${i} is longer than ${MAX_SCOPE_BYTES} bytes.`)
  }
}

/** A stamp a client may propose for a bump: minted by a stamp clock, not zero, not beyond clock drift. */
export function isProposableStamp(value: unknown, nowMs: number): value is string {
  return typeof value === 'string' && value !== ZERO_STAMP && isPlausibleStamp(value, nowMs)
}

function invalid(where: string, message: string) {
  return kvCacheError('UNENCODABLE', where, `Rejected call: ${message}`)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

import { kvCacheError } from './errors'
import { byteLength, isWellFormed } from './text'

/**
 * Fails fast on misspelled options: Workers have no NODE_ENV, so validation runs everywhere,
 * once, at construction.
 */
export function assertKnownOptions(where: string, options: object, known: readonly string[]): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw kvCacheError('UNKNOWN_OPTION', where, `Unknown option \`${name}\`. Known options: ${known.join(', ')}.`)
    }
  }
}

/** Validates a positive, finite number of seconds (or milliseconds) and names the option on failure. */
export function assertPositive(where: string, name: string, value: unknown, { allowZero = false } = {}): void {
  if (value === undefined) return
  const ok = typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0)
  if (!ok) {
    const expected = allowZero ? 'a finite number >= 0' : 'a finite number > 0'
    throw kvCacheError('INVALID_OPTION', where, `Option \`${name}\` must be ${expected}, got ${String(value)}.`)
  }
}

/** Longest tenant id, in UTF-8 bytes: keeps every key under KV's 512-byte limit (see `layout.ts`). */
export const TENANT_MAX_BYTES = 128

/** Tenant ids become part of keys and scopes, so `:` and control or space characters are refused. */
export function assertTenant(where: string, tenant: unknown): asserts tenant is string {
  if (typeof tenant !== 'string' || tenant.length === 0) {
    throw kvCacheError('INVALID_TENANT', where, `Option \`tenant\` must be a non-empty string, got ${String(tenant)}.`)
  }
  if (!isWellFormed(tenant)) {
    // UTF-8 would turn a lone surrogate into U+FFFD: two tenants would share keys.
    throw kvCacheError('INVALID_TENANT', where, 'Option `tenant` must be a well-formed string (it contains a lone UTF-16 surrogate).')
  }
  if (byteLength(tenant) > TENANT_MAX_BYTES) {
    throw kvCacheError('INVALID_TENANT', where, `Option \`tenant\` must be at most ${TENANT_MAX_BYTES} bytes.`)
  }
  // eslint-disable-next-line no-control-regex
  if (/[:\s\x00-\x1f\x7f/]/.test(tenant)) {
    throw kvCacheError(
      'INVALID_TENANT',
      where,
      `Option \`tenant\` must not contain ':', '/', whitespace or control characters, got ${JSON.stringify(tenant)}.`,
    )
  }
}

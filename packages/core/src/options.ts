import { kvCacheError } from './errors'

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

const encoder = new TextEncoder()

/** UTF-8 length without allocating for ASCII-only strings. */
export function byteLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text.length : encoder.encode(text).byteLength
}

const TENANT_MAX_BYTES = 128

/** Tenant ids become part of keys and scopes, so `:` and control or space characters are refused. */
export function assertTenant(where: string, tenant: unknown): asserts tenant is string {
  if (typeof tenant !== 'string' || tenant.length === 0) {
    throw kvCacheError('INVALID_TENANT', where, `Option \`tenant\` must be a non-empty string, got ${String(tenant)}.`)
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

import { kvCacheError } from './errors'
import { byteLength, isWellFormed } from './text'

/** Names other caches use for our options: `{ ttl: 60 }` is answered with `ttlSeconds`. */
const ALIASES: Readonly<Record<string, string>> = {
  ttl: 'ttlSeconds',
  ex: 'ttlSeconds',
  maxAge: 'ttlSeconds',
  swr: 'swrSeconds',
  staleWhileRevalidate: 'swrSeconds',
  table: 'tables',
  tag: 'tags',
  row: 'rows',
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), capped at `max + 1`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)]
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min((rows[i - 1] as number[])[j]! + 1, row[j - 1]! + 1, (rows[i - 1] as number[])[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2] as number[])[j - 2]! + 1)
      row.push(best)
    }
    rows.push(row)
  }
  return (rows[a.length] as number[])[b.length]!
}

/** The known option a misspelled `name` most likely meant, if one is close. */
export function nearestOption(name: string, known: readonly string[]): string | undefined {
  const alias = Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined
  if (alias !== undefined && known.includes(alias)) return alias
  // The other way round: `ttlSeconds` where Accelerate's names (`ttl`) are the known ones.
  const spelled = known.find((candidate) => Object.hasOwn(ALIASES, candidate) && ALIASES[candidate] === name)
  if (spelled !== undefined) return spelled
  const lower = name.toLowerCase()
  let best: { name: string; score: number } | undefined
  for (const candidate of known) {
    const max = Math.max(1, Math.floor(candidate.length / 3))
    const score = candidate.toLowerCase() === lower ? 0 : distance(lower, candidate.toLowerCase(), max)
    if (score <= max && (!best || score < best.score)) best = { name: candidate, score }
  }
  return best?.name
}

/**
 * Fails fast on misspelled options, naming the nearest valid one: Workers have no NODE_ENV, so
 * validation runs everywhere, at construction, and for per-call options on every call.
 */
export function assertKnownOptions(where: string, options: object, known: readonly string[], { field = '' } = {}): void {
  const named = (name: string) => (field ? `${field}.${name}` : name)
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue
    const nearest = nearestOption(name, known)
    const hint = nearest === undefined ? '' : ` Did you mean \`${named(nearest)}\`?`
    const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name)
    const option = shown.slice(1, -1) === name ? `\`${named(name)}\`` : shown
    throw kvCacheError('UNKNOWN_OPTION', where, `Unknown option ${option}.${hint} Known options: ${known.map(named).join(', ')}.`)
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
    throw kvCacheError('INVALID_TENANT', where, `Option \`tenant\` must not contain ':', '/', whitespace or control characters, got ${JSON.stringify(tenant)}.`)
  }
}

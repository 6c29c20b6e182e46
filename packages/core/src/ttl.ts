import { kvCacheError } from './errors'

/** How long an entry is fresh, how long it may be served stale, and how long its bytes are kept. */
export interface TtlPlan {
  readonly ttlSeconds: number
  readonly swrSeconds: number
  /** After ttl + swr, how long the entry may still answer when the database fails (`staleIfErrorSeconds`). */
  readonly staleIfErrorSeconds: number
  /** Physical expiration handed to storage, at least the backend's minimum. */
  readonly physicalSeconds: number
  /** True when the backend's minimum raised the physical TTL above ttl + swr. */
  readonly clamped: boolean
}

const isFinite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isPositiveSeconds = (value: unknown): value is number => isFinite(value) && value > 0
const isNonNegativeSeconds = (value: unknown): value is number => isFinite(value) && value >= 0

/**
 * Freshness stays exactly what was asked (checked against the entry's creation time on read);
 * only the physical expiration is raised to the backend's minimum. So `ttlSeconds: 1` on KV is
 * fresh for one second, and its bytes linger 60 s unused.
 */
export function planTtl(
  requested: { readonly ttlSeconds?: number | undefined; readonly swrSeconds?: number | undefined; readonly staleIfErrorSeconds?: number | undefined },
  defaults: { readonly ttlSeconds: number; readonly swrSeconds: number; readonly staleIfErrorSeconds: number },
  minTtlSeconds: number,
): TtlPlan {
  const ttlSeconds = requested.ttlSeconds ?? defaults.ttlSeconds
  const swrSeconds = requested.swrSeconds ?? defaults.swrSeconds
  const staleIfErrorSeconds = requested.staleIfErrorSeconds ?? defaults.staleIfErrorSeconds
  if (!isPositiveSeconds(ttlSeconds)) {
    throw kvCacheError('INVALID_OPTION', 'core', `\`ttlSeconds\` must be a finite number > 0, got ${String(ttlSeconds)}.`)
  }
  if (!isNonNegativeSeconds(swrSeconds)) {
    throw kvCacheError('INVALID_OPTION', 'core', `\`swrSeconds\` must be a finite number >= 0, got ${String(swrSeconds)}.`)
  }
  if (!isNonNegativeSeconds(staleIfErrorSeconds)) {
    throw kvCacheError('INVALID_OPTION', 'core', `\`staleIfErrorSeconds\` must be a finite number >= 0, got ${String(staleIfErrorSeconds)}.`)
  }
  // The bytes must outlive the stale-if-error window, or there would be nothing to fall back on.
  const wanted = Math.ceil(ttlSeconds + swrSeconds + staleIfErrorSeconds)
  const physicalSeconds = Math.max(wanted, minTtlSeconds)
  return { ttlSeconds, swrSeconds, staleIfErrorSeconds, physicalSeconds, clamped: physicalSeconds > wanted }
}

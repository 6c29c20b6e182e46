import { assertKnownOptions, assertSeconds, assertTags, kvCacheError, type ResolvedReadOptions } from '@kvcache/core/binding'

/** Accelerate's `cacheStrategy`, plus `autoInvalidate` and `staleIfError` (new here). */
export interface CacheStrategy {
  /** Seconds the result is served fresh from cache without touching the database (finite, >= 0). */
  readonly ttl?: number
  /** Seconds after `ttl` during which the stale result is served while it is refreshed in the background (finite, >= 0). */
  readonly swr?: number
  /**
   * New here: when the database fails, seconds after `ttl` + `swr` during which a result that only
   * aged out (never one a write invalidated) is served instead of the error (finite, >= 0).
   */
  readonly staleIfError?: number
  /** Names for `$accelerate.invalidate({ tags })`, at most 16: each is a well-formed string of 1-1024 bytes without control characters (and not '*'). */
  readonly tags?: readonly string[]
  /** `false`: only TTL and tags expire this result, not writes. @default true */
  readonly autoInvalidate?: boolean
}

/** A validated strategy that caches: the core's read options, and whether writes invalidate it. */
export interface ResolvedStrategy {
  readonly read: ResolvedReadOptions
  readonly autoInvalidate: boolean
}

const KNOWN = ['ttl', 'swr', 'staleIfError', 'tags', 'autoInvalidate']
/** Freshness for `{ swr }` without `ttl` (Accelerate's "always revalidate"): the core needs a positive TTL. */
const SWR_ONLY_TTL_SECONDS = 0.001

/**
 * Validates a `cacheStrategy` with the core's rules for seconds and tags (Accelerate's tags all
 * pass them) and resolves it. `undefined` means "not cached": no strategy, or one with neither a
 * positive `ttl` nor a positive `swr`, which Accelerate sends as `no-cache`. `field` names the
 * argument in messages; `extra` lists names the caller handles itself.
 */
export function resolveStrategy(value: unknown, { field = 'cacheStrategy', extra = [] as readonly string[] } = {}): ResolvedStrategy | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw kvCacheError(
      'INVALID_OPTION',
      'prisma',
      `Option \`${field}\` must be an object like { ttl: 60 }, got ${Array.isArray(value) ? 'an array' : String(value)}.`,
    )
  }
  // `cacheStrategy.ttlSeconds` (the name the rest of @kvcache uses) is answered with Accelerate's `ttl`.
  assertKnownOptions('prisma', value, [...KNOWN, ...extra], { field })
  const strategy = value as CacheStrategy
  const ttl = assertSeconds('prisma', `${field}.ttl`, strategy.ttl, true) ?? 0
  const swr = assertSeconds('prisma', `${field}.swr`, strategy.swr, true) ?? 0
  const staleIfErrorSeconds = assertSeconds('prisma', `${field}.staleIfError`, strategy.staleIfError, true)
  const tags = strategy.tags === undefined ? [] : assertTags('prisma', `${field}.tags`, strategy.tags)
  if (strategy.autoInvalidate !== undefined && typeof strategy.autoInvalidate !== 'boolean') {
    throw kvCacheError('INVALID_OPTION', 'prisma', `Option \`${field}.autoInvalidate\` must be a boolean, got ${String(strategy.autoInvalidate)}.`)
  }
  if (ttl === 0 && swr === 0) return undefined
  return {
    read: { ttlSeconds: ttl > 0 ? ttl : SWR_ONLY_TTL_SECONDS, swrSeconds: swr, staleIfErrorSeconds, tags: [...new Set(tags)].sort() },
    autoInvalidate: strategy.autoInvalidate ?? true,
  }
}

/**
 * True for a strategy that caches nothing without saying so: neither `ttl` nor `swr` given
 * (`{}`, `{ tags }`). An explicit `{ ttl: 0 }` is Accelerate's deliberate no-cache.
 */
export function cachesNothingByMistake(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !('ttl' in value) && !('swr' in value)
}

import { kvCacheError } from '@kvcache/core/internal'

/** Accelerate's `cacheStrategy`, plus `autoInvalidate` (new here). */
export interface CacheStrategy {
  /** Seconds the result is served fresh from cache without touching the database. */
  readonly ttl?: number
  /** Seconds after `ttl` during which the stale result is served while it is refreshed in the background. */
  readonly swr?: number
  /** Names for `$accelerate.invalidate({ tags })`: letters, digits and `_`, 1-64 characters each, at most 16. */
  readonly tags?: readonly string[]
  /** `false`: only TTL and tags expire this result, not writes. @default true */
  readonly autoInvalidate?: boolean
}

/** A validated strategy: what the core needs. */
export interface ResolvedStrategy {
  readonly ttlSeconds: number
  readonly swrSeconds: number
  readonly tags: readonly string[]
  readonly autoInvalidate: boolean
}

/** Accelerate caps tags at 5 per query; each one costs a stamp read here, so we allow a few more. */
export const MAX_TAGS = 16
const TAG = /^[A-Za-z0-9_]{1,64}$/
const KNOWN = ['ttl', 'swr', 'tags', 'autoInvalidate']
/** Freshness for `{ swr }` without `ttl` (Accelerate's "always revalidate"): the core needs a positive TTL. */
const SWR_ONLY_TTL_SECONDS = 0.001

function invalid(field: string, message: string): never {
  throw kvCacheError('INVALID_OPTION', 'prisma', `Invalid \`${field}\`: ${message}`)
}

function seconds(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    invalid(field, `expected a whole number of seconds >= 0, got ${describe(value)}.`)
  }
  return value
}

/** Checks tags the way Accelerate does (letters, digits, `_`, up to 64 characters), at most `MAX_TAGS`. */
export function assertTags(field: string, tags: unknown, max = MAX_TAGS): readonly string[] {
  if (!Array.isArray(tags)) invalid(field, `expected an array of strings, got ${describe(tags)}.`)
  if (tags.length > max) invalid(field, `at most ${max} tags, got ${tags.length}.`)
  tags.forEach((tag, i) => {
    if (typeof tag !== 'string' || !TAG.test(tag)) {
      invalid(`${field}[${i}]`, `a tag is 1-64 letters, digits or '_', got ${describe(tag)}.`)
    }
  })
  return tags as readonly string[]
}

/**
 * Validates `cacheStrategy` and resolves it. `undefined` means "not cached" (no strategy, or one
 * with neither `ttl` nor `swr`, which Accelerate sends as `no-cache`).
 */
export function resolveStrategy(value: unknown): ResolvedStrategy | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid('cacheStrategy', `expected an object like { ttl: 60 }, got ${describe(value)}.`)
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN.includes(key)) invalid(`cacheStrategy.${key}`, `unknown field; known fields: ${KNOWN.join(', ')}.`)
  }
  const strategy = value as Record<string, unknown>
  const ttl = seconds('cacheStrategy.ttl', strategy.ttl)
  const swr = seconds('cacheStrategy.swr', strategy.swr)
  const tags = strategy.tags === undefined ? [] : assertTags('cacheStrategy.tags', strategy.tags)
  const autoInvalidate = strategy.autoInvalidate
  if (autoInvalidate !== undefined && typeof autoInvalidate !== 'boolean') {
    invalid('cacheStrategy.autoInvalidate', `expected a boolean, got ${describe(autoInvalidate)}.`)
  }
  if (!ttl && !swr) return undefined
  return {
    ttlSeconds: ttl || SWR_ONLY_TTL_SECONDS,
    swrSeconds: swr ?? 0,
    tags: [...new Set(tags)].sort(),
    autoInvalidate: autoInvalidate ?? true,
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
  if (typeof value === 'bigint') return `${value}n`
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'an object' : String(value)
}

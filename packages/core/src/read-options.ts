import { kvCacheError } from './errors'
import { assertKnownOptions } from './options'
import { byteLength, isWellFormed } from './text'

/**
 * The per-read options every entry point shares (`wrap`, `query`, Drizzle's binding options,
 * Kysely's `cached()`, Prisma's `cacheStrategy` as Accelerate names them), with one set of rules.
 */
export interface ReadOptions {
  /** Freshness, in seconds: a finite number > 0. */
  readonly ttlSeconds?: number | undefined
  /** Stale-while-revalidate window after freshness, in seconds: a finite number >= 0. */
  readonly swrSeconds?: number | undefined
  /** When the database fails, how long after freshness and swr an entry that aged out may still answer, in seconds (>= 0). */
  readonly staleIfErrorSeconds?: number | undefined
  /** Names to invalidate the read by hand (`invalidate({ tags })`): see `TAG_RULE`. */
  readonly tags?: readonly string[] | undefined
}

/** Read options after validation: tags sorted and without repeats. */
export interface ResolvedReadOptions {
  readonly ttlSeconds: number | undefined
  readonly swrSeconds: number | undefined
  readonly staleIfErrorSeconds?: number | undefined
  readonly tags: readonly string[]
}

/** Most tags one read may carry: each costs a stamp in the read's lookup. Accelerate allows 5. */
export const MAX_TAGS = 16
/** Longest tag, in UTF-8 bytes. */
export const MAX_TAG_BYTES = 1024
/** The tag rule in words, for messages and READMEs. Every tag Accelerate accepted passes it. */
export const TAG_RULE = `a well-formed string of 1-${MAX_TAG_BYTES} bytes without control characters (and not '*')`
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/

/** True for a valid tag: user ids and emails are fine; `*` is reserved for `invalidateAll`. */
function isTag(tag: unknown): tag is string {
  return typeof tag === 'string' && tag.length > 0 && tag !== '*' && byteLength(tag) <= MAX_TAG_BYTES && isWellFormed(tag) && !CONTROL.test(tag)
}

/** A value as an option message shows it after `got`: strings quoted (cut at 80), objects by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
  if (typeof value === 'bigint') return `${value}n`
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'an object' : String(value)
}

/** Validates a list of tags (`field` names it in the message); returns it. */
export function assertTags(where: string, field: string, tags: unknown, max: number = MAX_TAGS): readonly string[] {
  if (!Array.isArray(tags)) {
    throw kvCacheError('INVALID_OPTION', where, `Option \`${field}\` must be an array of tags, got ${describeValue(tags)}.`)
  }
  if (tags.length > max) throw kvCacheError('INVALID_OPTION', where, `Option \`${field}\` takes at most ${max} tags, got ${tags.length}.`)
  tags.forEach((tag: unknown, index) => {
    if (!isTag(tag)) {
      throw kvCacheError('INVALID_OPTION', where, `Option \`${field}[${index}]\` must be ${TAG_RULE}, got ${describeValue(tag)}.`)
    }
  })
  return tags as readonly string[]
}

/** Validates a number of seconds: `> 0`, or `>= 0` with `allowZero`. */
export function assertSeconds(where: string, field: string, value: unknown, allowZero: boolean): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || (allowZero ? value < 0 : value <= 0)) {
    throw kvCacheError(
      'INVALID_OPTION',
      where,
      `Option \`${field}\` must be a finite number of seconds ${allowZero ? '>= 0' : '> 0'}, got ${describeValue(value)}.`,
    )
  }
  return value
}

const READ_OPTION_NAMES = ['ttlSeconds', 'swrSeconds', 'staleIfErrorSeconds', 'tags'] as const

/**
 * Validates one read's options and resolves them: unknown names fail naming the nearest valid one
 * (`ttl` -> `ttlSeconds`), numbers and tags follow the shared rules. `field` prefixes names in
 * messages (`cached()`), `known` adds names the caller handles itself.
 */
export function resolveReadOptions(where: string, options: unknown, { field = '', known = [] as readonly string[] } = {}): ResolvedReadOptions {
  if (options === undefined) return { ttlSeconds: undefined, swrSeconds: undefined, tags: [] }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw kvCacheError('INVALID_OPTION', where, `${field || 'Options'} must be an object like { ttlSeconds: 60 }, got ${describeValue(options)}.`)
  }
  assertKnownOptions(where, options, [...READ_OPTION_NAMES, ...known])
  const named = (name: string) => (field ? `${field}.${name}` : name)
  const given = options as ReadOptions
  const tags = given.tags === undefined ? [] : assertTags(where, named('tags'), given.tags)
  return {
    ttlSeconds: assertSeconds(where, named('ttlSeconds'), given.ttlSeconds, false),
    swrSeconds: assertSeconds(where, named('swrSeconds'), given.swrSeconds, true),
    staleIfErrorSeconds: assertSeconds(where, named('staleIfErrorSeconds'), given.staleIfErrorSeconds, true),
    tags: [...new Set(tags)].sort(),
  }
}

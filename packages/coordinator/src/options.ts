import { assertKnownOptions, assertPositive, kvCacheError } from '@kvcache/core/storage'
import type { ShardLayout } from './shards'

/** Where a Durable Object may be placed at creation: https://developers.cloudflare.com/durable-objects/reference/data-location/ */
export type LocationHint = 'wnam' | 'enam' | 'sam' | 'weur' | 'eeur' | 'apac' | 'apac-ne' | 'apac-se' | 'oc' | 'afr' | 'me'

export const LOCATION_HINTS: readonly LocationHint[] = ['wnam', 'enam', 'sam', 'weur', 'eeur', 'apac', 'apac-ne', 'apac-se', 'oc', 'afr', 'me']

/** Options for `durableObjectVersions`. */
export interface DurableObjectVersionsOptions {
  /** Prefix of every coordinator object name; letters, digits, `.`, `_`, `-`. @default 'kvcache' */
  readonly prefix?: string
  /**
   * Objects per tenant. Scopes are spread by table, so a lookup of one table still asks one
   * object. One object serves roughly a thousand calls per second; see `coordinatorLoad`.
   * Changing it moves scopes to new objects (see the README before you do). @default 1
   */
  readonly scopeShards?: number
  /**
   * Hash tenants into this many groups of objects instead of giving each tenant its own.
   * @default one group per tenant
   */
  readonly tenantBuckets?: number
  /** Where to create a shard when it is first used: a hint, or one per tenant (`''` without a tenant). */
  readonly locationHint?: LocationHint | ((tenant: string) => LocationHint | undefined)
  /** Budget of one coordinator call, in milliseconds; past it a read fails (the database answers) and a bump is retried. @default 500 */
  readonly timeoutMs?: number
  /** Background retries of a bump that failed or timed out, with doubling delays, before `onError`. @default 4 */
  readonly maxRetries?: number
  /** First retry delay, in milliseconds. @default 200 */
  readonly retryBaseMs?: number
  /**
   * How long one request (a `withContext` view) reuses stamps it already fetched instead of asking
   * again, in seconds; 0 asks on every lookup. At most 30. @default 10
   */
  readonly requestMemoSeconds?: number
  /**
   * Isolate-wide: reuse stamps fetched by any request for this many seconds. Trades up to this much
   * staleness after a write made elsewhere for fewer calls; the store then declares itself
   * `eventual`. At most 30. @default 0
   */
  readonly trustSeconds?: number
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  readonly now?: () => number
}

export const KNOWN_OPTIONS = [
  'prefix',
  'scopeShards',
  'tenantBuckets',
  'locationHint',
  'timeoutMs',
  'maxRetries',
  'retryBaseMs',
  'requestMemoSeconds',
  'trustSeconds',
  'now',
] as const satisfies readonly (keyof DurableObjectVersionsOptions)[]

const MAX_SCOPE_SHARDS = 64
const MAX_TENANT_BUCKETS = 100_000
const MAX_WINDOW_SECONDS = 30
const PREFIX_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

/** Validated settings, with defaults applied. */
export interface Settings {
  readonly layout: ShardLayout
  readonly locationHint: DurableObjectVersionsOptions['locationHint']
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly retryBaseMs: number
  readonly memoMs: number
  readonly trustMs: number
  readonly now: () => number
}

/** Validates options once, at construction; every failure is a `KvCacheError` naming the option. */
export function settingsOf(where: string, options: DurableObjectVersionsOptions): Settings {
  if (typeof options !== 'object' || options === null) throw kvCacheError('INVALID_OPTION', where, 'Options must be an object.')
  assertKnownOptions(where, options, KNOWN_OPTIONS)
  const prefix = options.prefix ?? 'kvcache'
  if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
    throw kvCacheError(
      'INVALID_OPTION',
      where,
      `Option \`prefix\` must be 1-64 letters, digits, '.', '_' or '-', got ${JSON.stringify(String(prefix).slice(0, 80))}.`,
    )
  }
  assertCount(where, 'scopeShards', options.scopeShards, MAX_SCOPE_SHARDS)
  assertCount(where, 'tenantBuckets', options.tenantBuckets, MAX_TENANT_BUCKETS)
  const hint = options.locationHint
  if (hint !== undefined && typeof hint !== 'function' && !LOCATION_HINTS.includes(hint)) {
    throw kvCacheError(
      'INVALID_OPTION',
      where,
      `Option \`locationHint\` must be one of ${LOCATION_HINTS.join(', ')} or a function of the tenant, got ${JSON.stringify(String(hint))}.`,
    )
  }
  assertPositive(where, 'timeoutMs', options.timeoutMs)
  assertPositive(where, 'maxRetries', options.maxRetries, { allowZero: true })
  assertPositive(where, 'retryBaseMs', options.retryBaseMs)
  for (const name of ['requestMemoSeconds', 'trustSeconds'] as const) {
    assertPositive(where, name, options[name], { allowZero: true })
    if ((options[name] ?? 0) > MAX_WINDOW_SECONDS) {
      throw kvCacheError('INVALID_OPTION', where, `Option \`${name}\` must be at most ${MAX_WINDOW_SECONDS} seconds, got ${options[name]}.`)
    }
  }
  if (options.now !== undefined && typeof options.now !== 'function') throw kvCacheError('INVALID_OPTION', where, 'Option `now` must be a function.')
  return {
    layout: { prefix, scopeShards: options.scopeShards ?? 1, tenantBuckets: options.tenantBuckets },
    locationHint: hint,
    timeoutMs: options.timeoutMs ?? 500,
    maxRetries: options.maxRetries ?? 4,
    retryBaseMs: options.retryBaseMs ?? 200,
    memoMs: (options.requestMemoSeconds ?? 10) * 1000,
    trustMs: (options.trustSeconds ?? 0) * 1000,
    now: options.now ?? Date.now,
  }
}

function assertCount(where: string, name: string, value: unknown, max: number) {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw kvCacheError('INVALID_OPTION', where, `Option \`${name}\` must be an integer from 1 to ${max}, got ${String(value)}.`)
  }
}

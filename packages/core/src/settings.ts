import { secretBytes } from './bookmark'
import { assertBudgetOptions, type AdmissionOptions, type BudgetOptions } from './budget'
import type { BreakerOptions } from './breaker'
import type { CacheOptions } from './cache-types'
import { indexExtensions, type CodecExtension } from './codec'
import { kvCacheError } from './errors'
import { assertKeyBudget } from './layout'
import type { CacheEventHandler } from './operations'
import { assertKnownOptions, assertPositive, assertTenant } from './options'
import type { Storage } from './types'

/** `createCache` options, validated once and filled with defaults. */
export interface Settings {
  readonly storage: Storage
  readonly prefix: string
  readonly defaults: { readonly ttlSeconds: number; readonly swrSeconds: number; readonly staleIfErrorSeconds: number }
  readonly timeoutMs: number
  readonly maxValueBytes: number
  readonly extensions: readonly CodecExtension[]
  readonly extensionsByTag: ReadonlyMap<string, CodecExtension>
  readonly breaker: BreakerOptions | false
  readonly bookmarkSecret: Uint8Array | undefined
  readonly stampTrustSeconds: number
  readonly sourceLagSeconds: number
  readonly tenant: string | undefined
  readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined
  readonly onEvent: CacheEventHandler | undefined
  readonly now: () => number
  readonly budget: BudgetOptions | undefined
  readonly admission: AdmissionOptions | undefined
}

const WHERE = 'core'

/** Every `createCache` option name (helpers that take one options object split it by these). */
export const CACHE_OPTIONS = [
  'storage',
  'versions',
  'prefix',
  'defaultTtlSeconds',
  'defaultSwrSeconds',
  'defaultStaleIfErrorSeconds',
  'waitUntil',
  'tenant',
  'onEvent',
  'timeoutMs',
  'breaker',
  'maxValueBytes',
  'codecExtensions',
  'stampTrustSeconds',
  'sourceLagSeconds',
  'bookmarkSecret',
  'now',
  'budget',
  'admission',
] as const satisfies readonly (keyof CacheOptions)[]

function assertFunction(name: string, value: unknown, hint: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw kvCacheError('INVALID_OPTION', WHERE, `Option \`${name}\` must be a function${hint}.`)
  }
}

function assertNumbers(options: CacheOptions): void {
  assertPositive(WHERE, 'defaultTtlSeconds', options.defaultTtlSeconds)
  assertPositive(WHERE, 'defaultSwrSeconds', options.defaultSwrSeconds, { allowZero: true })
  assertPositive(WHERE, 'defaultStaleIfErrorSeconds', options.defaultStaleIfErrorSeconds, { allowZero: true })
  assertPositive(WHERE, 'timeoutMs', options.timeoutMs)
  assertPositive(WHERE, 'maxValueBytes', options.maxValueBytes)
  assertPositive(WHERE, 'stampTrustSeconds', options.stampTrustSeconds, { allowZero: true })
  assertPositive(WHERE, 'sourceLagSeconds', options.sourceLagSeconds, { allowZero: true })
  if (options.breaker !== undefined && options.breaker !== false) {
    if (typeof options.breaker !== 'object' || options.breaker === null) {
      throw kvCacheError('INVALID_OPTION', WHERE, 'Option `breaker` must be an object or `false`.')
    }
    assertKnownOptions(WHERE, options.breaker, ['failureThreshold', 'openSeconds'])
    assertPositive(WHERE, 'breaker.failureThreshold', options.breaker.failureThreshold)
    assertPositive(WHERE, 'breaker.openSeconds', options.breaker.openSeconds)
  }
}

/** Validates `createCache` options (every environment, once: Workers have no NODE_ENV) and applies defaults. */
export function resolveSettings(options: CacheOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw kvCacheError('INVALID_OPTION', WHERE, 'createCache expects an options object.')
  }
  assertKnownOptions(WHERE, options, CACHE_OPTIONS)
  const { storage } = options
  if (!storage || typeof storage.get !== 'function' || typeof storage.set !== 'function') {
    throw kvCacheError('MISSING_BINDING', WHERE, 'Missing required option `storage` (e.g. `kvStorage(env.KV)`).')
  }
  assertNumbers(options)
  const prefix = options.prefix ?? 'kvc'
  assertKeyBudget(WHERE, prefix, (storage.durableTier ?? storage).capabilities.maxKeyBytes)
  if (options.tenant !== undefined) assertTenant(WHERE, options.tenant)
  assertFunction('waitUntil', options.waitUntil, ' (pass `(p) => ctx.waitUntil(p)`)')
  assertFunction('onEvent', options.onEvent, '')
  assertFunction('now', options.now, ' returning epoch milliseconds')
  assertBudgetOptions(WHERE, options.budget, options.admission)
  const extensions = options.codecExtensions ?? []
  return {
    storage,
    prefix,
    defaults: {
      ttlSeconds: options.defaultTtlSeconds ?? 60,
      swrSeconds: options.defaultSwrSeconds ?? 0,
      staleIfErrorSeconds: options.defaultStaleIfErrorSeconds ?? 0,
    },
    timeoutMs: options.timeoutMs ?? 1000,
    maxValueBytes: Math.min(options.maxValueBytes ?? Number.POSITIVE_INFINITY, storage.capabilities.maxValueBytes),
    extensions,
    extensionsByTag: indexExtensions(extensions),
    breaker: options.breaker ?? {},
    bookmarkSecret: secretBytes(WHERE, options.bookmarkSecret),
    stampTrustSeconds: options.stampTrustSeconds ?? 0,
    sourceLagSeconds: options.sourceLagSeconds ?? 0,
    tenant: options.tenant,
    waitUntil: options.waitUntil,
    onEvent: options.onEvent,
    now: options.now ?? Date.now,
    budget: options.budget,
    admission: options.admission,
  }
}

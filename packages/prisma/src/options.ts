import { kvCacheError, resolveBindingOptions } from '@kvcache/core/binding'
import type { WithKvCacheOptions } from './types'

/** The options only this binding has (besides the shared `database`). */
export const PRISMA_OPTIONS = ['models', 'ignoreFields', 'autoInvalidate', 'region'] as const satisfies readonly (keyof WithKvCacheOptions)[]

/** Shared binding options that Accelerate's semantics leave no room for: a read is cached only with its own `cacheStrategy`. */
const NOT_FOR_PRISMA: Readonly<Record<string, string>> = {
  strategy: 'a read is cached only when it passes `cacheStrategy` (Accelerate semantics): pass `cacheStrategy: { ttl }` on the reads to cache',
  ttlSeconds: 'each read sets its own lifetime: pass `cacheStrategy: { ttl }` on the reads to cache',
  swrSeconds: 'each read sets its own lifetime: pass `cacheStrategy: { swr }` on the reads to cache',
}

/**
 * Validates `withKvCache`'s options once, when it is called: the shared ones by the core's rules
 * (unknown names fail naming the nearest valid one), Prisma's own here. Models named in
 * `ignoreFields` / `autoInvalidate` are checked against the client at `$extends`.
 */
export function checkOptions(options: unknown): WithKvCacheOptions {
  for (const [name, why] of Object.entries(NOT_FOR_PRISMA)) {
    if (typeof options === 'object' && options !== null && name in options) {
      throw kvCacheError('INVALID_OPTION', 'prisma', `withKvCache does not take \`${name}\`: ${why}.`)
    }
  }
  resolveBindingOptions('prisma', options, PRISMA_OPTIONS)
  const given = options as WithKvCacheOptions
  if (given.region !== undefined && (typeof given.region !== 'string' || given.region === '')) {
    throw kvCacheError('INVALID_OPTION', 'prisma', 'Option `region` must be a non-empty string.')
  }
  for (const name of ['ignoreFields', 'autoInvalidate'] as const) {
    if (given[name] !== undefined && (typeof given[name] !== 'object' || given[name] === null)) {
      throw kvCacheError('INVALID_OPTION', 'prisma', `Option \`${name}\` must be an object keyed by model name.`)
    }
  }
  return given
}

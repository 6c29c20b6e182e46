import { assertKnownOptions, kvCacheError } from '@kvcache/core/storage'
import { requestCacheOptionNames, type RequestCacheOptions } from './request-cache'

/** One options object, as the cache (`requestCache`) and the binding each take it. */
export interface SplitOptions<B> {
  readonly cache: RequestCacheOptions
  readonly binding: B
}

/**
 * For the one-line setups of the ORM bindings (`drizzleKv`, `kyselyKv`, Prisma's
 * `withKvCache(env.CACHE_KV, ctx)`): splits their one options object by name into the cache's and
 * the binding's. A name both take (`sourceLagSeconds`) goes to the binding, whose value wins for
 * its reads anyway. An unknown name fails here, naming the nearest valid one of either.
 */
export function splitRequestCacheOptions<B extends object>(where: string, options: unknown, bindingNames: readonly string[]): SplitOptions<B> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw kvCacheError('INVALID_OPTION', where, `Options must be an object, got ${options === null ? 'null' : typeof options}.`)
  }
  assertKnownOptions(where, options, [...bindingNames, ...requestCacheOptionNames()])
  const cache: Record<string, unknown> = {}
  const binding: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(options)) (bindingNames.includes(name) ? binding : cache)[name] = value
  return { cache, binding: binding as B }
}

import type { Cache } from '@kvcache/core'
import { BINDING_OPTIONS } from '@kvcache/core/binding'
import { requestCache, splitRequestCacheOptions, type KvNamespaceLike, type RequestCacheOptions, type WaitUntilContext } from '@kvcache/storage-kv'
import { PRISMA_OPTIONS } from './options'
import type { WithKvCacheOptions } from './types'

export type { KvNamespaceLike, WaitUntilContext } from '@kvcache/storage-kv'

/**
 * Options for `withKvCache(env.CACHE_KV, ctx, options)`: the binding's (`models`, `database`...)
 * and its cache's (`codecExtensions: prismaCodecs(Prisma)`, `defaultTtlSeconds`... taken from
 * the isolate's first call; `tenant`, `bookmark`, `onEvent` from every call), in one object.
 */
export interface WithKvCacheKvOptions extends WithKvCacheOptions, RequestCacheOptions {}

/**
 * The cache and binding options of the one-line form: this isolate's cache for the KV namespace
 * (built by the first request, reused by the others), seen by this request.
 */
export function oneLineCache(namespace: KvNamespaceLike, ctx: WaitUntilContext, options: WithKvCacheKvOptions): { cache: Cache; options: WithKvCacheOptions } {
  // Every shared name goes to the binding: the ones Accelerate's semantics exclude (`strategy`...) are refused there, with why.
  const split = splitRequestCacheOptions<WithKvCacheOptions>('prisma', options, [...BINDING_OPTIONS, ...PRISMA_OPTIONS])
  return { cache: requestCache(namespace, ctx, split.cache), options: split.binding }
}

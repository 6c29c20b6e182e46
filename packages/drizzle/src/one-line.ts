import type { Cache } from '@kvcache/core'
import { BINDING_OPTIONS } from '@kvcache/core/binding'
import { requestCache, splitRequestCacheOptions, type KvNamespaceLike, type RequestCacheOptions, type WaitUntilContext } from '@kvcache/storage-kv'
import { DRIZZLE_OPTIONS, type DrizzleCacheOptions } from './binding'

export type { KvNamespaceLike, WaitUntilContext } from '@kvcache/storage-kv'

/**
 * Options for `drizzleKv`: the binding's (`strategy`, `schema`, `database`...) and its cache's
 * (`defaultTtlSeconds`, `codecExtensions`... taken from the isolate's first call; `tenant`,
 * `bookmark`, `onEvent` from every call), in one object.
 */
export interface DrizzleKvOptions extends DrizzleCacheOptions, RequestCacheOptions {}

/**
 * `drizzleKv` as every entry point builds it: this isolate's cache for the KV namespace (built by
 * the first request, reused by the others), seen by this request, and the entry's binding on it.
 */
export function oneLineBinding<T>(
  namespace: KvNamespaceLike,
  ctx: WaitUntilContext,
  options: DrizzleKvOptions,
  create: (cache: Cache, options: DrizzleCacheOptions) => T,
): T {
  const split = splitRequestCacheOptions<DrizzleCacheOptions>('drizzle', options, [...BINDING_OPTIONS, ...DRIZZLE_OPTIONS])
  return create(requestCache(namespace, ctx, split.cache), split.binding)
}

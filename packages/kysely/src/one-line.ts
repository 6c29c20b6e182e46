import { BINDING_OPTIONS } from '@kvcache/core/binding'
import { requestCache, splitRequestCacheOptions, type KvNamespaceLike, type RequestCacheOptions, type WaitUntilContext } from '@kvcache/storage-kv'
import { KYSELY_OPTIONS, type KyselyCacheOptions, type KyselyEntry } from './binding'
import { cachedDialect } from './dialect'
import type { DialectLike } from './kysely-types'

export type { KvNamespaceLike, WaitUntilContext } from '@kvcache/storage-kv'

/**
 * Options for `kyselyKv`: the binding's (`strategy`, `database`, `schema`...) and its cache's
 * (`defaultTtlSeconds`, `codecExtensions`... taken from the isolate's first call; `tenant`,
 * `bookmark`, `onEvent` from every call), in one object.
 */
export interface KyselyKvOptions extends KyselyCacheOptions, RequestCacheOptions {}

/**
 * `kyselyKv` as every entry point builds it: this isolate's cache for the KV namespace (built by
 * the first request, reused by the others), seen by this request, and the dialect wrapped on it.
 */
export function oneLineDialect<D extends DialectLike>(
  dialect: D,
  namespace: KvNamespaceLike,
  ctx: WaitUntilContext,
  options: KyselyKvOptions,
  entry: KyselyEntry,
): D {
  const split = splitRequestCacheOptions<KyselyCacheOptions>('kysely', options, [...BINDING_OPTIONS, ...KYSELY_OPTIONS])
  return cachedDialect(dialect, requestCache(namespace, ctx, split.cache), split.binding, entry)
}

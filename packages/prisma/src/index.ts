export { withKvCache } from './extension'
export { prismaCodecs } from './codec'
export type { PrismaNamespaceLike } from './codec'
export type { AccelerateInfo } from './info'
export type { KeyInfo, KvCacheModels, ModelInfo, ReferentialAction, RelationInfo } from './models'
export { MAX_TAGS } from '@kvcache/core/binding'
export type { CacheStrategy } from './strategy'
export type {
  CacheClientMethods,
  CachedReads,
  CacheStrategyArgs,
  InvalidateResult,
  KvCacheExtension,
  KvCachePromise,
  RawReadOptions,
  SqlLike,
  WithKvCacheOptions,
} from './types'

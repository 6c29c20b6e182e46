/**
 * @kvcache/core: what applications call. Storage backends also use `@kvcache/core/storage`, ORM
 * bindings `@kvcache/core/binding` and `@kvcache/core/sql` (semi-public, outside semver), and
 * tests `@kvcache/core/testing`.
 */
export { createCache } from './create-cache'
export type { Cache, CacheContext, CacheOptions, EntryOptions, InvalidateOptions, QueryRequest } from './cache-types'
export type { Freshness, LoadContext, SourcePosition } from './source-position'
export type { BreakerOptions } from './breaker'
export type { CodecExtension } from './codec'
export { KvCacheError, isKvCacheError } from './errors'
export type { KvCacheErrorCode } from './errors'
export { memoryStorage, noopStorage } from './memory-storage'
export type { MemoryStorageOptions } from './memory-storage'
export { memoryVersions } from './memory-versions'
export { createMetrics, UNKNOWN_TABLE } from './metrics'
export type { Metrics, MetricsSnapshot, OperationCount, OutcomeCounts } from './metrics'
export { KV_USD_PER_MILLION } from './kv-cost'
export type { KvCost } from './kv-cost'
export { analyticsEngineSink, ANALYTICS_DOUBLES } from './analytics-sink'
export type { AnalyticsEngineDataPointLike, AnalyticsEngineDatasetLike, AnalyticsEngineSinkOptions } from './analytics-sink'
export { cacheStatusHeader } from './status-header'
export type { CacheEventHandler, OperationKind, StorageOperation } from './operations'
export type { PrimaryKey, PrimaryKeyValue, RowRef, ScopeTarget } from './scopes'
export type { ReadOptions } from './read-options'
export type { QueryStatus } from './query-status'
export type { ReadAbout } from './read-labels'
export { storageVersions } from './storage-versions'
export type { StorageVersionsOptions } from './storage-versions'
export { twoTierStorage } from './two-tier'
export type { TierEvent, TwoTierOptions } from './two-tier'
export type {
  BreakerState,
  BumpContext,
  CacheEvent,
  CacheEventType,
  MaybePromise,
  MissReason,
  Operation,
  ReadContext,
  ReadLabels,
  SkipReason,
  Stamp,
  StampReading,
  Storage,
  StorageCapabilities,
  StorageContext,
  StorageSetOptions,
  VersionStore,
} from './types'

export { createCache } from './cache'
export type { Cache, CacheContext, CacheOptions, EntryOptions, QueryRequest } from './cache'
export type { BreakerOptions } from './breaker'
export { ZERO_STAMP, createStampClock, isStamp, maxStamp } from './clock'
export type { StampClock } from './clock'
export { decodeValue, encodeValue } from './codec'
export type { CodecExtension, EncodedValue } from './codec'
export { ENTRY_FORMAT } from './entry'
export { KvCacheError, isKvCacheError, kvCacheError } from './errors'
export type { KvCacheErrorCode } from './errors'
export { encodeMaterial, hashMaterial } from './hash'
export { memoryStorage, noopStorage } from './memory-storage'
export type { MemoryStorageOptions } from './memory-storage'
export { memoryVersions } from './memory-versions'
export { assertKnownOptions, assertPositive } from './options'
export { bulkScope, databaseScope, rowScope, scopesOf, tableScope, tagScope } from './scopes'
export type { PrimaryKey, PrimaryKeyValue, RowRef, ScopeTarget } from './scopes'
export { storageVersions } from './storage-versions'
export type { StorageVersionsOptions } from './storage-versions'
export { invalidateAround, pendingInvalidations } from './transaction'
export type { PendingInvalidations } from './transaction'
export { trustedVersions } from './trusted-versions'
export { twoTierStorage } from './two-tier'
export type { TierEvent, TwoTierOptions } from './two-tier'
export type {
  BreakerState,
  BumpContext,
  CacheEvent,
  CacheEventType,
  ColocatedStamps,
  MaybePromise,
  MissReason,
  Operation,
  SkipReason,
  Stamp,
  Storage,
  StorageCapabilities,
  StorageContext,
  StorageSetOptions,
  VersionStore,
} from './types'

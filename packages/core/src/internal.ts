/**
 * Semi-public API for storage backends, version stores and ORM bindings. Not covered by semver:
 * it may change in any minor release, in step with the packages of this repository.
 */
export { createStampClock, isStamp, latestStampAt, maxStamp, parseStoredStamp, UNKNOWN_STAMP, ZERO_STAMP } from './clock'
export type { StampClock } from './clock'
export { kvCacheError } from './errors'
export { encodeMaterial, hashMaterial, hashName } from './hash'
export { boundScope, entryKey, isStampKey, qualifyScope, qualifyScopes, stampKey } from './layout'
export { assertKnownOptions, assertPositive, assertTenant } from './options'
export { byteLength, exactBytes, isWellFormed, truncateUtf8 } from './text'
export { hmacSha256, sha256, toBase64Url } from './sha256'
export { ALL_TABLES, bulkScope, databaseScope, rowScope, scopesOf, tableScope, tagScope } from './scopes'
export { invalidateAround, pendingInvalidations } from './transaction'
export type { PendingInvalidations } from './transaction'
export { withTimeout } from './timeout'

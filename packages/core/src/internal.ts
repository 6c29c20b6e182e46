/**
 * Semi-public API for storage backends, version stores and ORM bindings. Not covered by semver:
 * it may change in any minor release, in step with the packages of this repository.
 */
export { createStampClock, isStamp, maxStamp, ZERO_STAMP } from './clock'
export type { StampClock } from './clock'
export { kvCacheError } from './errors'
export { encodeMaterial, hashMaterial, shortHash } from './hash'
export { assertKnownOptions, assertPositive, assertTenant, byteLength } from './options'
export { ALL_TABLES, bulkScope, databaseScope, rowScope, scopesOf, tableScope, tagScope } from './scopes'
export { invalidateAround, pendingInvalidations } from './transaction'
export type { PendingInvalidations } from './transaction'
export { withTimeout } from './timeout'

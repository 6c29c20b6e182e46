/**
 * Semi-public API for storage backends, version stores and ORM bindings of this repository. Not
 * covered by semver: it may change in any minor release, in step with the packages here.
 */
export { bookmarkAfterBump } from './bookmark'
export { createStampClock, isPlausibleStamp, isStamp, latestStampAt, maxStamp, parseStoredStamp, stampMs, UNKNOWN_STAMP, ZERO_STAMP } from './clock'
export type { StampClock } from './clock'
export { decodeValue, encodeValue } from './codec'
export type { EncodedValue } from './codec'
export { ENTRY_FORMAT } from './entry'
export { kvCacheError } from './errors'
export { encodeMaterial, hashMaterial, hashName } from './hash'
export { judgeEntry } from './judge'
export type { Evidence, Verdict } from './judge'
export {
  ALL_TABLES,
  boundScope,
  bulkScope,
  databaseScope,
  entryKey,
  isOwnScope,
  isStampKey,
  qualifyScope,
  qualifyScopes,
  rowScope,
  rowScopeOf,
  stampKey,
  tableScope,
  tagScope,
} from './layout'
export { assertKnownOptions, assertPositive, assertTenant } from './options'
export { hmacSha256, sha256, toBase64Url } from './sha256'
export { byteLength, exactBytes, isWellFormed, truncateUtf8 } from './text'
export { withTimeout } from './timeout'
export { transactionBuffer } from './transaction'
export type { TransactionBuffer, TransactionStep } from './transaction'
export { trustedVersions } from './trusted-versions'
export type { ColocatedStamps } from './types'

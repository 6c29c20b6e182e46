/**
 * `@kvcache/core/storage`: for authors of storage backends and version stores (semi-public,
 * outside semver: it changes in step with the backends of this repository). Stamps and their
 * clock, the key layout a store writes, option checks, time budgets and UTF-8 helpers.
 */
export { createStampClock, isPlausibleStamp, isStamp, latestStampAt, maxStamp, parseStoredStamp, stampMs, UNKNOWN_STAMP, ZERO_STAMP } from './clock'
export type { StampClock } from './clock'
export { kvCacheError } from './errors'
export { isStampKey, qualifyScope, qualifyScopes, stampKey } from './layout'
export { assertKnownOptions, assertPositive } from './options'
export { CACHE_OPTIONS } from './settings'
export { byteLength, isWellFormed } from './text'
export { withTimeout } from './timeout'
export { trustedVersions } from './trusted-versions'
export type { ColocatedStamp, ColocatedStamps, DurableRead } from './types'

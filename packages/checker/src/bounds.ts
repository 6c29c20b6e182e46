import { settingsOf } from '../../coordinator/src/options'
import type { WorldSettings } from './world'

/** KV accepts one write per second per key. https://developers.cloudflare.com/kv/platform/limits/ */
export const KV_WRITE_INTERVAL_MS = 1000

/**
 * How late a stamp may land after `invalidate` returned: a bump coalesced behind the isolate's
 * previous write of the key waits out KV's per-key interval once, a write rejected with a 429
 * (another isolate wrote the key within the second) is retried once after the interval, and each
 * of the check read, the write and the retry takes up to the largest KV latency.
 */
export function stampWriteAllowanceMs(settings: WorldSettings): number {
  return 2 * KV_WRITE_INTERVAL_MS + 4 * settings.kvLatencyMs[1]
}

/**
 * The freshness promise of stamps in KV (ARCHITECTURE.md section 3): after `await write` returns,
 * other requests see fresh data once the stamp has landed (`stampWriteAllowanceMs`), propagated to
 * their location (the largest propagation delay) and left their location's edge cache (`cacheTtl`).
 */
export function kvBoundMs(settings: WorldSettings): number {
  return stampWriteAllowanceMs(settings) + settings.propagation.maxMs + settings.cacheTtlSeconds * 1000
}

/**
 * How late a coordinator bump that failed may land after `invalidate` returned: the client's
 * background retries (`durableObjectVersions` defaults: `maxRetries` retries after doubling delays
 * from `retryBaseMs`), each failed attempt taking up to `timeoutMs`. Until it lands, only the
 * writer's isolate sees the write (packages/coordinator/README.md, "When the coordinator is slow").
 */
export function coordinatorRetryWindowMs(): number {
  const { maxRetries, retryBaseMs, timeoutMs } = settingsOf('checker', {})
  return retryBaseMs * (2 ** maxRetries - 1) + maxRetries * timeoutMs
}

/**
 * `storageVersions` defaults (packages/core/src/storage-versions.ts): a failed stamp write is
 * retried 4 times, after 1 s, 2 s, 4 s and 8 s (`retryBaseMs` 250, raised to KV's 1 s interval),
 * each attempt a check read and a write of at most `timeoutMs` (1 s) each.
 */
const STAMP_RETRIES = 4
const STAMP_TIMEOUT_MS = 1000

/**
 * How late a stamp may land after `invalidate` returned when KV calls fail: the coalescing wait,
 * then every retry the writer makes before it gives up (and reports it), each attempt taking up to
 * its check read and its write budget, and the last write, given up on at its budget, landing as
 * late as the slowest KV call.
 */
export function stampRetryWindowMs(settings: WorldSettings): number {
  const retryDelaysMs = KV_WRITE_INTERVAL_MS * (2 ** STAMP_RETRIES - 1)
  const attemptsMs = (STAMP_RETRIES + 1) * 2 * STAMP_TIMEOUT_MS
  return KV_WRITE_INTERVAL_MS + retryDelaysMs + attemptsMs + Math.max(0, settings.kvTail.slowMs[1] - STAMP_TIMEOUT_MS)
}

/** The KV bound when KV calls fail and time out: the stamp retry window in place of the write allowance. */
export function kvFaultBoundMs(settings: WorldSettings): number {
  return stampRetryWindowMs(settings) + settings.propagation.maxMs + settings.cacheTtlSeconds * 1000
}

/** Drizzle's `$withCache({ config })` expiry fields (Redis-style). */
export interface DrizzleTtlConfig {
  readonly ex?: number
  readonly px?: number
  readonly exat?: number
  readonly pxat?: number
}

/**
 * Converts `ex` (seconds), `px` (ms), `exat` (unix seconds), `pxat` (unix ms) to a TTL in seconds.
 * Returns undefined when none is set, and 0 when the moment has already passed (do not cache).
 * The core keeps short TTLs logically and clamps them physically (KV: 60 s), so `ex: 1` is fine.
 */
export function ttlSecondsOf(config: DrizzleTtlConfig | undefined, nowMs: number): number | undefined {
  if (!config) return undefined
  const positive = (value: number) => (Number.isFinite(value) && value > 0 ? value : 0)
  if (config.ex !== undefined) return positive(config.ex)
  if (config.px !== undefined) return positive(config.px / 1000)
  if (config.exat !== undefined) return positive(config.exat - nowMs / 1000)
  if (config.pxat !== undefined) return positive((config.pxat - nowMs) / 1000)
  return undefined
}

import { assertKnownOptions, assertSeconds, describeValue, kvCacheError } from '@kvcache/core/binding'

/**
 * Drizzle's `$withCache({ config })` (Redis-style expiry). `keepTtl` and `hexOptions` are Redis
 * commands' flags: accepted, since Drizzle's type offers them, and without effect here.
 */
export interface DrizzleTtlConfig {
  readonly ex?: number
  readonly px?: number
  readonly exat?: number
  readonly pxat?: number
  readonly keepTtl?: boolean
  readonly hexOptions?: string
}

const CONFIG_NAMES = ['ex', 'px', 'exat', 'pxat', 'keepTtl', 'hexOptions']
const EXPIRY_NAMES = ['ex', 'px', 'exat', 'pxat'] as const

/** A moment (`exat` / `pxat`): any finite number; one already past is valid and caches nothing. */
function assertMoment(field: string, value: unknown, unit: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw kvCacheError('INVALID_OPTION', 'drizzle', `Option \`config.${field}\` must be a finite unix time in ${unit}, got ${describeValue(value)}.`)
  }
  return value
}

/**
 * Validates `$withCache({ config })` and turns it into a lifetime in seconds: undefined when it
 * sets none, 0 when its moment (`exat`, `pxat`) has already passed (do not store). Unknown names
 * fail naming the nearest valid one; `ex` / `px` must be finite and > 0; at most one expiry.
 * The core keeps short TTLs logically and clamps them physically (KV: 60 s), so `ex: 1` is fine.
 */
export function ttlSecondsOf(config: DrizzleTtlConfig | undefined, nowMs: number): number | undefined {
  if (config === undefined) return undefined
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw kvCacheError('INVALID_OPTION', 'drizzle', `Option \`config\` of $withCache must be an object like { ex: 60 }, got ${describeValue(config)}.`)
  }
  assertKnownOptions('drizzle', config, CONFIG_NAMES)
  const given = EXPIRY_NAMES.filter((name) => config[name] !== undefined)
  if (given.length > 1) {
    throw kvCacheError('INVALID_OPTION', 'drizzle', `Options \`config.${given.join('`, `config.')}\` each set an expiry: give one.`)
  }
  const ex = assertSeconds('drizzle', 'config.ex', config.ex, false)
  if (ex !== undefined) return ex
  if (config.px !== undefined) {
    if (typeof config.px !== 'number' || !Number.isFinite(config.px) || config.px <= 0) {
      throw kvCacheError('INVALID_OPTION', 'drizzle', `Option \`config.px\` must be a finite number of milliseconds > 0, got ${describeValue(config.px)}.`)
    }
    return config.px / 1000
  }
  const exat = assertMoment('exat', config.exat, 'seconds')
  if (exat !== undefined) return Math.max(0, exat - nowMs / 1000)
  const pxat = assertMoment('pxat', config.pxat, 'milliseconds')
  if (pxat !== undefined) return Math.max(0, (pxat - nowMs) / 1000)
  return undefined
}

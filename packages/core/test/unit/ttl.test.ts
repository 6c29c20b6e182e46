import { describe, expect, it } from 'vitest'
import { isKvCacheError } from '../../src'
import { planTtl } from '../../src/ttl'

const defaults = { ttlSeconds: 60, swrSeconds: 0, staleIfErrorSeconds: 0 }

describe('TTL plan', () => {
  it.each([
    ['defaults, no minimum', {}, 0, { ttlSeconds: 60, swrSeconds: 0, staleIfErrorSeconds: 0, physicalSeconds: 60, clamped: false }],
    ['1 s on KV: fresh 1 s, kept 60 s', { ttlSeconds: 1 }, 60, { ttlSeconds: 1, swrSeconds: 0, staleIfErrorSeconds: 0, physicalSeconds: 60, clamped: true }],
    [
      'swr adds to the physical lifetime',
      { ttlSeconds: 30, swrSeconds: 45 },
      60,
      { ttlSeconds: 30, swrSeconds: 45, staleIfErrorSeconds: 0, physicalSeconds: 75, clamped: false },
    ],
    [
      'fractions round the physical lifetime up',
      { ttlSeconds: 0.5 },
      0,
      { ttlSeconds: 0.5, swrSeconds: 0, staleIfErrorSeconds: 0, physicalSeconds: 1, clamped: false },
    ],
    [
      'stale-if-error keeps the bytes past ttl + swr',
      { ttlSeconds: 30, swrSeconds: 15, staleIfErrorSeconds: 3600 },
      60,
      { ttlSeconds: 30, swrSeconds: 15, staleIfErrorSeconds: 3600, physicalSeconds: 3645, clamped: false },
    ],
  ])('%s', (_, requested, minTtlSeconds, expected) => {
    expect(planTtl(requested, defaults, minTtlSeconds)).toStrictEqual(expected)
  })

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '60', {}])('refuses ttlSeconds %s with INVALID_OPTION', (ttlSeconds) => {
    let caught: unknown
    try {
      planTtl({ ttlSeconds: ttlSeconds as number }, defaults, 0)
    } catch (error) {
      caught = error
    }
    expect(isKvCacheError(caught, 'INVALID_OPTION')).toBe(true)
  })

  it('accepts swrSeconds 0 and refuses a negative one', () => {
    expect(planTtl({ swrSeconds: 0 }, defaults, 0).swrSeconds).toBe(0)
    expect(() => planTtl({ swrSeconds: -1 }, defaults, 0)).toThrow(/swrSeconds/)
  })

  it('accepts staleIfErrorSeconds 0 and refuses a negative or infinite one', () => {
    expect(planTtl({ staleIfErrorSeconds: 0 }, defaults, 0).staleIfErrorSeconds).toBe(0)
    expect(() => planTtl({ staleIfErrorSeconds: -1 }, defaults, 0)).toThrow(/staleIfErrorSeconds/)
    expect(() => planTtl({ staleIfErrorSeconds: Number.POSITIVE_INFINITY }, defaults, 0)).toThrow(/staleIfErrorSeconds/)
  })
})

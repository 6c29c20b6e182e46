import { describe, expect, it } from 'vitest'
import { isKvCacheError } from '../../src'
import { createStampClock, isStamp } from '../../src/clock'
import { encodeMaterial, hashMaterial } from '../../src/hash'

describe('query-key hashing', () => {
  it('is SHA-256 base64url: 43 URL-safe characters, stable', async () => {
    const key = await hashMaterial({ sql: 'select 1', params: [1] })
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(await hashMaterial({ params: [1], sql: 'select 1' })).toBe(key)
  })

  it('distinguishes values that loose encodings collapse', async () => {
    const distinct = [1, '1', 1n, true, 'true', null, undefined, 'null', [1], [[1]], { a: 1 }, new Date(1), new Uint8Array([1]), -0, 0]
    const hashes = await Promise.all(distinct.map((value) => hashMaterial(['q', value])))
    expect(new Set(hashes).size).toBe(distinct.length)
  })

  it('distinguishes strings that would collide if concatenated', () => {
    expect(encodeMaterial(['ab', 'c'])).not.toBe(encodeMaterial(['a', 'bc']))
  })

  it('refuses class instances and functions', () => {
    class Sql {}
    for (const bad of [new Sql(), () => 1]) {
      let caught: unknown
      try {
        encodeMaterial({ bad })
      } catch (error) {
        caught = error
      }
      expect(isKvCacheError(caught, 'UNENCODABLE')).toBe(true)
    }
  })
})

describe('stamps', () => {
  it('are fixed-width, strictly increasing, and move past observed stamps', () => {
    let now = 1000
    const clock = createStampClock(() => now)
    const a = clock.next()
    const b = clock.next()
    expect(isStamp(a)).toBe(true)
    expect(b > a).toBe(true)
    now = 5000
    const c = clock.next()
    expect(c > b).toBe(true)

    // A stamp minted by an isolate whose clock runs ahead: the next local bump still outranks it.
    const ahead = createStampClock(() => now + 30_000).next()
    clock.observe(ahead)
    expect(clock.next() > ahead).toBe(true)
  })

  it('ignore stamps from further in the future than clocks drift, and never overflow', () => {
    let now = 1_000_000
    const clock = createStampClock(() => now)
    const forged = createStampClock(() => now + 10 * 365 * 86_400_000).next()
    clock.observe(forged)
    const next = clock.next()
    expect(next < forged).toBe(true)
    // A burst of more bumps than the counter holds in one millisecond stays well-formed and ordered.
    let previous = next
    for (let i = 0; i < 36 ** 4 + 10; i++) {
      const stamp = clock.next()
      if (!(stamp > previous) || !isStamp(stamp)) throw new Error(`stamp ${i} out of order: ${stamp} after ${previous}`)
      previous = stamp
    }
  })
})

import { describe, expect, it } from 'vitest'
import { isKvCacheError } from '../../src'
import { createStampClock, isStamp } from '../../src/clock'
import { encodeMaterial, hashMaterial, hashName } from '../../src/hash'

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

describe('the per-isolate key memo', () => {
  // Random strings of any code units: lone surrogates, NULs, astral characters.
  const randomText = (seed: number, length: number) => {
    let state = seed
    const units: number[] = []
    for (let i = 0; i < length; i++) {
      state = (state * 1103515245 + 12345) >>> 0
      units.push(state % 7 === 0 ? 0xd800 + (state % 0x800) : state % 0x3000)
    }
    return String.fromCharCode(...units)
  }

  it('gives every material the SHA-256 of its own text, from the memo or not, past its caps', async () => {
    // hashName is an independent (synchronous, pure JS) SHA-256 of the same canonical text.
    const expected = (material: unknown) => hashName(encodeMaterial(material))
    const materials = Array.from({ length: 5000 }, (_, i) => ['sqlite', randomText(i, 1 + (i % 40)), i % 3 === 0 ? [i, `${i}`] : { i }])
    for (const material of materials) expect(await hashMaterial(material)).toBe(expected(material))
    // Again, now (partly) from the memo, which started over when its entry cap was reached.
    for (const material of materials) expect(await hashMaterial(material)).toBe(expected(material))
    // Texts longer than the memo keeps, and enough of them to pass its character cap.
    for (let i = 0; i < 200; i++) {
      const long = ['sqlite', randomText(10_000 + i, 9000)]
      expect(await hashMaterial(long)).toBe(expected(long))
      expect(await hashMaterial(long)).toBe(expected(long))
    }
  })

  it('keeps texts that differ in one code unit apart once both are memoised', async () => {
    const pairs = [
      ['\ud800', '\ufffd'],
      ['a\udc00', 'a\ud800'],
      ['1', 1],
      [null, undefined],
    ]
    for (const [a, b] of pairs) {
      const first = [await hashMaterial(['q', a]), await hashMaterial(['q', b])]
      const memoised = [await hashMaterial(['q', a]), await hashMaterial(['q', b])]
      expect(memoised).toStrictEqual(first)
      expect(first[0]).not.toBe(first[1])
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
    // Ignoring it did not raise what counts as already seen: a plausible stamp still moves the clock.
    const aheadBy30s = createStampClock(() => now + 30_000).next()
    clock.observe(clock.next())
    clock.observe(aheadBy30s)
    expect(clock.next() > aheadBy30s).toBe(true)
    // A burst of more bumps than the counter holds in one millisecond stays well-formed and ordered.
    let previous = next
    for (let i = 0; i < 36 ** 4 + 10; i++) {
      const stamp = clock.next()
      if (!(stamp > previous) || !isStamp(stamp)) throw new Error(`stamp ${i} out of order: ${stamp} after ${previous}`)
      previous = stamp
    }
  })
})

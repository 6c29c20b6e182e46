// Issue 18: D1 bookmarks recorded beside stamps, and what a miss must read.
import { describe, expect, it } from 'vitest'
import { createStampClock, UNKNOWN_STAMP, ZERO_STAMP } from '../../src/clock'
import { memoryStorage } from '../../src/memory-storage'
import { decodeStampValue, encodeStampValue, freshnessOf, mergePositions } from '../../src/source-position'
import { storageVersions } from '../../src/storage-versions'
import { stampKey } from '../../src/layout'

const now = Date.now()
const clock = createStampClock(() => now)
const [s1, s2] = [clock.next(), clock.next()] as [string, string]
const p1 = '00000000-00000001-00000000-aaaa'
const p2 = '00000000-00000002-00000000-aaaa'

describe('stamp values with a source position', () => {
  it('round-trip; a plain stamp has none; anything malformed is an unknown stamp, never a partial answer', () => {
    expect(decodeStampValue(encodeStampValue(s1, p1), now)).toStrictEqual({ stamp: s1, position: p1 })
    expect(decodeStampValue(s1, now)).toStrictEqual({ stamp: s1, position: undefined })
    expect(decodeStampValue(null, now)).toStrictEqual({ stamp: ZERO_STAMP, position: undefined })
    for (const raw of [`${s1} `, `${s1} ${'x'.repeat(201)}`, `${s1} a b`, `${s1} \ud800`, `${s1} <script>`, `garbage ${p1}`, ` ${p1}`]) {
      expect(decodeStampValue(raw, now), JSON.stringify(raw)).toStrictEqual({ stamp: UNKNOWN_STAMP, position: undefined })
    }
  })

  it('coalesced bumps keep the later position, or none when one had none', () => {
    expect(mergePositions(p1, p2)).toBe(p2)
    expect(mergePositions(p2, p1)).toBe(p2)
    expect(mergePositions(p1, undefined)).toBeUndefined()
    expect(mergePositions(undefined, p1)).toBeUndefined()
  })

  it('a miss reads any copy when nothing was bumped, a copy at least as recent as the newest position, else the primary', () => {
    expect(freshnessOf([ZERO_STAMP, ZERO_STAMP], undefined)).toStrictEqual({ kind: 'any' })
    expect(freshnessOf([s1, s2], [p2, p1])).toStrictEqual({ kind: 'since', position: p2 })
    expect(freshnessOf([s1, ZERO_STAMP], [p1, undefined])).toStrictEqual({ kind: 'since', position: p1 })
    expect(freshnessOf([s1, s2], [p1, undefined])).toStrictEqual({ kind: 'primary' })
    expect(freshnessOf([s1], undefined)).toStrictEqual({ kind: 'primary' })
  })
})

describe('storage versions record the position of each bump', () => {
  const scopes = [':table:notes']
  const setup = () => {
    // A per-key write interval, as KV's one write per second: bumps within it are coalesced.
    const memory = memoryStorage()
    const storage = { ...memory, capabilities: { ...memory.capabilities, minWriteIntervalMs: 100 } }
    return { storage, versions: storageVersions({ storage }) }
  }

  it('written beside the stamp and read back with it', async () => {
    const { storage, versions } = setup()
    const stamp = await versions.bump(scopes, { position: p1 })
    expect(await storage.get(stampKey('kvc', scopes[0] as string))).toBe(`${stamp} ${p1}`)
    const read = await versions.read(scopes)
    expect(read.positions).toStrictEqual([p1])
  })

  it('coalesced with a bump that had none: none (the primary), and a later bump with one restores it', async () => {
    const { versions } = setup()
    await versions.bump(scopes, { position: p1 })
    await versions.bump(scopes, { position: p2 })
    await versions.bump(scopes)
    await versions.settle?.()
    expect((await versions.read(scopes)).positions).toStrictEqual([undefined])
    await new Promise((resolve) => setTimeout(resolve, 120))
    await versions.bump(scopes, { position: p2 })
    await versions.settle?.()
    expect((await versions.read(scopes)).positions).toStrictEqual([p2])
  })

  it('a newer stamp already in storage whose position misses this write gets both merged, not skipped', async () => {
    const { storage, versions } = setup()
    const key = stampKey('kvc', scopes[0] as string)
    await versions.bump(scopes, { position: p1 })
    // Waits out the interval in the background (a request with `waitUntil`): checked against storage first.
    await versions.bump(scopes, { position: p2, waitUntil: () => undefined })
    // Meanwhile another isolate's newer bump lands, with an older position (its write committed before ours).
    const newer = createStampClock(() => Date.now() + 5_000).next()
    await storage.set(key, `${newer} ${p1}`)
    await versions.settle?.()
    expect(await storage.get(key)).toBe(`${newer} ${p2}`)
  })
})

describe('bookmarkOf: a session bookmark read after a write never fails it', () => {
  it('a string when the session has one; undefined for a database, no bookmark yet, a throwing or odd getter', async () => {
    const { bookmarkOf } = await import('../../src/binding/session-routing')
    expect(bookmarkOf({ getBookmark: () => p1 })).toBe(p1)
    expect(bookmarkOf({ prepare() {} })).toBeUndefined()
    expect(bookmarkOf({ getBookmark: () => null })).toBeUndefined()
    expect(bookmarkOf({ getBookmark: () => 42 })).toBeUndefined()
    expect(
      bookmarkOf({
        getBookmark: () => {
          throw new Error('session closed')
        },
      }),
    ).toBeUndefined()
    expect(bookmarkOf(undefined)).toBeUndefined()
  })
})

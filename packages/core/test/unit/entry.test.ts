import { describe, expect, it } from 'vitest'
import { createStampClock, isStamp } from '../../src/clock'
import { parseEntry, serializeEntry, type Entry } from '../../src/entry'

const clock = createStampClock(() => 1_000_000)
const [s1, s2] = [clock.next(), clock.next()] as [string, string]

const entry = (json: string): Entry => ({
  createdAtMs: 1_000_000,
  ttlSeconds: 60,
  swrSeconds: 0,
  scopes: [':table:posts', ':row:posts:1'],
  stamps: [s1, s2],
  readStamp: s2,
  value: { json, tagged: false },
})

describe('parseEntry with headers memoised per isolate', () => {
  it('gives each stored entry its own payload when headers are equal', () => {
    const first = parseEntry(serializeEntry(entry('[{"id":1,"title":"first"}]')))
    const second = parseEntry(serializeEntry(entry('[{"id":1,"title":"second"}]')))
    expect(first?.value.json).toBe('[{"id":1,"title":"first"}]')
    expect(second?.value.json).toBe('[{"id":1,"title":"second"}]')
    expect(second?.stamps).toStrictEqual([s1, s2])
  })

  it('hands out a header no reader can change for the next hit', () => {
    const raw = serializeEntry(entry('[1]'))
    const first = parseEntry(raw) as Entry
    expect(() => (first.stamps as string[]).push('~')).toThrow()
    expect(() => ((first.scopes as string[])[0] = ':table:users')).toThrow()
    expect(parseEntry(raw)?.scopes).toStrictEqual([':table:posts', ':row:posts:1'])
  })

  it('judges every byte of a header on its own: any one-character change is rejected or read as written', () => {
    const raw = serializeEntry(entry('[1]'))
    parseEntry(raw) // the valid header is now memoised
    const newline = raw.indexOf('\n')
    const replacements = ['"', '\\', '0', 'z', '~', '\ud800', ',', '}', ' ', '\n']
    for (let at = 0; at < newline; at++) {
      for (const replacement of replacements) {
        const changed = raw.slice(0, at) + replacement + raw.slice(at + 1)
        const parsed = parseEntry(changed)
        // Asked twice (the second from the memo when it was valid): the same answer.
        expect(parseEntry(changed)).toStrictEqual(parsed)
        if (parsed === null) continue
        const header = JSON.parse(changed.slice(0, changed.indexOf('\n'))) as { k: unknown[]; v: unknown[]; r: unknown; c: unknown }
        expect(parsed.stamps).toStrictEqual(header.v)
        expect(parsed.scopes).toStrictEqual(header.k)
        expect(parsed.readStamp).toBe(header.r)
        expect(parsed.createdAtMs).toBe(header.c)
        expect(parsed.stamps.every(isStamp) && isStamp(parsed.readStamp)).toBe(true)
      }
    }
  })
})

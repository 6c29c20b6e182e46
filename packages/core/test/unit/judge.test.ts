import { describe, expect, it } from 'vitest'
import { createStampClock, UNKNOWN_STAMP, ZERO_STAMP } from '../../src/clock'
import { judgeEntry } from '../../src/judge'
import { serializeEntry } from '../../src/entry'
import type { Evidence } from '../../src/judge'

const clock = createStampClock(() => 1_000_000)
const [s1, s2, s3] = [clock.next(), clock.next(), clock.next()] as [string, string, string]
const scopes = [':table:posts', ':table:users']
const nowMs = 2_000_000

function stored(overrides: { createdAtMs?: number; ttlSeconds?: number; swrSeconds?: number; scopes?: string[]; stamps?: string[]; readStamp?: string } = {}) {
  return serializeEntry({
    createdAtMs: overrides.createdAtMs ?? nowMs - 5_000,
    ttlSeconds: overrides.ttlSeconds ?? 10,
    swrSeconds: overrides.swrSeconds ?? 0,
    scopes: overrides.scopes ?? scopes,
    stamps: overrides.stamps ?? [s2, s2],
    readStamp: overrides.readStamp ?? s2,
    value: { json: '[1]', tagged: false },
  })
}

const evidence = (overrides: Partial<Evidence>): Evidence => ({ raw: stored(), scopes, current: [s2, s2], floor: ZERO_STAMP, nowMs, ...overrides })

describe('judgeEntry: one verdict for every read', () => {
  it.each([
    ['fresh: stamps unchanged, within ttl', evidence({}), 'fresh'],
    ['fresh: stamps older in storage than recorded (lagging read)', evidence({ current: [s1, ZERO_STAMP] }), 'fresh'],
    ['fresh: exactly at the end of ttl', evidence({ raw: stored({ createdAtMs: nowMs - 10_000 }) }), 'fresh'],
    ['stale: past ttl, within swr', evidence({ raw: stored({ createdAtMs: nowMs - 15_000, swrSeconds: 10 }) }), 'stale'],
    ['miss expired: past ttl + swr', evidence({ raw: stored({ createdAtMs: nowMs - 25_000, swrSeconds: 10 }) }), 'expired'],
    ['miss absent', evidence({ raw: null }), 'absent'],
    ['miss corrupt: no header line', evidence({ raw: '[1]' }), 'corrupt'],
    ['miss corrupt: unknown format', evidence({ raw: stored().replace('"f":2', '"f":99') }), 'corrupt'],
    ['miss corrupt: a recorded stamp is not a stamp', evidence({ raw: stored({ stamps: [s2, 'nope'] }) }), 'corrupt'],
    ['miss invalidated: one scope bumped since', evidence({ current: [s2, s3] }), 'invalidated'],
    [
      'miss invalidated: different scopes (same key, other tenant or query)',
      evidence({ raw: stored({ scopes: [':table:posts'], stamps: [s2] }) }),
      'invalidated',
    ],
    ['miss stamp-unknown: a stamp could not be parsed, even with nothing stored', evidence({ raw: null, current: [UNKNOWN_STAMP, s2] }), 'stamp-unknown'],
    ['miss stamp-unknown: never served against an unknown stamp', evidence({ current: [s2, UNKNOWN_STAMP] }), 'stamp-unknown'],
    ['miss bookmark: read before the client last wrote', evidence({ floor: s3 }), 'bookmark'],
    ['fresh: read exactly at the bookmark', evidence({ floor: s2 }), 'fresh'],
  ])('%s', (_, input, expected) => {
    const verdict = judgeEntry(input)
    expect(verdict.kind === 'miss' ? verdict.reason : verdict.kind).toBe(expected)
  })
})

import type { Stamp } from './types'

/** The zero stamp: what a scope that was never bumped reads as. */
export const ZERO_STAMP: Stamp = ''

/**
 * What a stamp that cannot be parsed (corrupt, truncated, foreign, or implausibly far in the
 * future) reads as. It sorts above every real stamp, so no entry depending on it is valid, and
 * it is never stored or minted.
 */
export const UNKNOWN_STAMP: Stamp = '~'

/** Stamps more than this far ahead of the local clock are not believed (corrupt storage, forged bookmarks). */
export const MAX_CLOCK_SKEW_MS = 60_000

const MS_WIDTH = 11
const COUNTER_WIDTH = 4
const RANDOM_WIDTH = 4
const MAX_COUNTER = 36 ** COUNTER_WIDTH - 1
const STAMP_PATTERN = /^[0-9a-z]{19}$/

/**
 * A hybrid logical clock that mints version stamps: milliseconds, a counter for bumps in the
 * same millisecond, and random digits so two isolates never mint the same stamp. Stamps are
 * fixed-width base-36 strings, so plain string comparison orders them.
 */
export interface StampClock {
  /** A stamp greater than every stamp this clock minted or observed. */
  next(): Stamp
  /** Moves the clock past a stamp read from storage, so a later bump outranks it. Implausible stamps are ignored. */
  observe(stamp: Stamp): void
}

export function createStampClock(now: () => number = Date.now): StampClock {
  let lastMs = 0
  let counter = 0
  // Every hit observes its stamps, and nearly all of them are ones this clock has passed already:
  // stamps order as strings, so one comparison settles those.
  let highest = ZERO_STAMP
  return {
    next() {
      let ms = Math.max(now(), lastMs)
      counter = ms === lastMs ? counter + 1 : 0
      if (counter > MAX_COUNTER) {
        // More bumps in one millisecond than the counter holds: borrow the next millisecond.
        ms += 1
        counter = 0
      }
      lastMs = ms
      const random = Math.floor(Math.random() * 36 ** RANDOM_WIDTH)
      return ms.toString(36).padStart(MS_WIDTH, '0') + counter.toString(36).padStart(COUNTER_WIDTH, '0') + random.toString(36).padStart(RANDOM_WIDTH, '0')
    },
    observe(stamp) {
      if (stamp <= highest || !isPlausibleStamp(stamp, now())) return
      highest = stamp
      const ms = stampMs(stamp)
      const seen = Number.parseInt(stamp.slice(MS_WIDTH, MS_WIDTH + COUNTER_WIDTH), 36)
      if (ms > lastMs || (ms === lastMs && seen > counter)) {
        lastMs = ms
        counter = seen
      }
    },
  }
}

/** The larger of two stamps. */
export function maxStamp(a: Stamp, b: Stamp): Stamp {
  return a >= b ? a : b
}

/** True when a value has the shape `createStampClock` mints (or is the zero stamp). */
export function isStamp(value: unknown): value is Stamp {
  return typeof value === 'string' && (value === ZERO_STAMP || STAMP_PATTERN.test(value))
}

/** Milliseconds encoded in a (non-zero) stamp. */
export function stampMs(stamp: Stamp): number {
  return Number.parseInt(stamp.slice(0, MS_WIDTH), 36)
}

/** A stamp shape no further ahead of `nowMs` than clocks can drift. */
export function isPlausibleStamp(value: unknown, nowMs: number): value is Stamp {
  return isStamp(value) && (value === ZERO_STAMP || stampMs(value) <= nowMs + MAX_CLOCK_SKEW_MS)
}

/** The highest stamp any clock can mint up to `ms`: the ceiling for client-supplied bookmarks. */
export function latestStampAt(ms: number): Stamp {
  return Math.floor(ms).toString(36).padStart(MS_WIDTH, '0') + 'z'.repeat(COUNTER_WIDTH + RANDOM_WIDTH)
}

/**
 * A stamp read from storage: the zero stamp when absent, itself when plausible, and
 * `UNKNOWN_STAMP` for anything else (so dependent entries are misses until a bump repairs it).
 */
export function parseStoredStamp(raw: string | null, nowMs: number): Stamp {
  if (raw === null) return ZERO_STAMP
  // The zero stamp is never written: an empty value under a stamp key is damage, not "never bumped".
  return raw !== ZERO_STAMP && isPlausibleStamp(raw, nowMs) ? raw : UNKNOWN_STAMP
}

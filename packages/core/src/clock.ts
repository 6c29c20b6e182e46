import type { Stamp } from './types'

/** The zero stamp: what a scope that was never bumped reads as. */
export const ZERO_STAMP: Stamp = ''

const MS_WIDTH = 11
const COUNTER_WIDTH = 4
const RANDOM_WIDTH = 4

/**
 * A hybrid logical clock that mints version stamps: milliseconds, a counter for bumps in the
 * same millisecond, and random digits so two isolates never mint the same stamp. Stamps are
 * fixed-width base-36 strings, so plain string comparison orders them.
 */
export interface StampClock {
  /** A stamp greater than every stamp this clock minted or observed. */
  next(): Stamp
  /** Moves the clock past a stamp read from elsewhere, so a later bump outranks it. */
  observe(stamp: Stamp): void
}

export function createStampClock(now: () => number = Date.now): StampClock {
  let lastMs = 0
  let counter = 0
  return {
    next() {
      const ms = Math.max(now(), lastMs)
      counter = ms === lastMs ? counter + 1 : 0
      lastMs = ms
      const random = Math.floor(Math.random() * 36 ** RANDOM_WIDTH)
      return (
        ms.toString(36).padStart(MS_WIDTH, '0') +
        counter.toString(36).padStart(COUNTER_WIDTH, '0') +
        random.toString(36).padStart(RANDOM_WIDTH, '0')
      )
    },
    observe(stamp) {
      if (stamp.length !== MS_WIDTH + COUNTER_WIDTH + RANDOM_WIDTH) return
      const ms = Number.parseInt(stamp.slice(0, MS_WIDTH), 36)
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

/** True when a stamp has the shape `createStampClock` mints (or is the zero stamp). */
export function isStamp(value: unknown): value is Stamp {
  return typeof value === 'string' && (value === ZERO_STAMP || /^[0-9a-z]{19}$/.test(value))
}

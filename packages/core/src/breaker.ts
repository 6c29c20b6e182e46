import type { BreakerState } from './types'

/** Circuit breaker settings. */
export interface BreakerOptions {
  /** Consecutive failures that open the breaker. @default 5 */
  readonly failureThreshold?: number
  /** How long the breaker stays open before one probe is let through, in seconds. @default 30 */
  readonly openSeconds?: number
}

export interface Breaker {
  readonly state: () => BreakerState
  /** True if a storage call may go ahead now (in half-open state, only the single probe). */
  allow(): boolean
  success(): void
  failure(): void
  /** Takes back one failure that turned out to be a slow but healthy call (a large value). */
  forgive(): void
}

/** The breaker of `breaker: false`: lets everything through, counts nothing. */
export const noopBreaker: Breaker = {
  state: () => 'closed',
  allow: () => true,
  success: () => undefined,
  failure: () => undefined,
  forgive: () => undefined,
}

/**
 * Stops hammering a failing backend: after `failureThreshold` consecutive failures every call
 * skips storage for `openSeconds`, then a single probe decides between closing and reopening.
 */
export function createBreaker(options: BreakerOptions, now: () => number, onChange: (state: BreakerState) => void): Breaker {
  const threshold = options.failureThreshold ?? 5
  const openMs = (options.openSeconds ?? 30) * 1000
  let state: BreakerState = 'closed'
  let failures = 0
  let openedAt = 0
  let probeInFlight = false

  const move = (next: BreakerState) => {
    if (next === state) return
    state = next
    onChange(next)
  }

  return {
    state: () => state,
    allow() {
      if (state === 'closed') return true
      if (state === 'open') {
        if (now() - openedAt < openMs) return false
        move('half-open')
      }
      if (probeInFlight) return false
      probeInFlight = true
      return true
    },
    success() {
      failures = 0
      probeInFlight = false
      move('closed')
    },
    failure() {
      probeInFlight = false
      failures++
      if (state === 'half-open' || failures >= threshold) {
        openedAt = now()
        move('open')
      }
    },
    forgive() {
      failures = Math.max(0, failures - 1)
      if (state === 'open' && failures < threshold) move('closed')
    },
  }
}

/** What one coordinator object served recently: the input of shard sizing. */
export interface CoordinatorLoad {
  /** Seconds covered by the rates below (fewer just after the object started). */
  readonly windowSeconds: number
  /** Calls per second over the window (reads plus bumps). */
  readonly requestsPerSecond: number
  /** Calls in the busiest whole second of the window. */
  readonly peakPerSecond: number
  readonly reads: number
  readonly bumps: number
  /** Scopes read and bumped, summed over calls. */
  readonly scopes: number
  /** Calls rejected as malformed. */
  readonly rejected: number
}

/** The window the meter keeps, in seconds. */
export const LOAD_WINDOW_SECONDS = 60

interface Second {
  at: number
  reads: number
  bumps: number
  scopes: number
  rejected: number
}

/**
 * Counts calls per second over the last minute, in memory: a coordinator object is the single
 * place all of its shard's traffic goes through, so its own count is the global rate. Reset when
 * the object is evicted, which only happens when it is idle.
 */
export function createLoadMeter(now: () => number = Date.now) {
  const seconds: Second[] = Array.from({ length: LOAD_WINDOW_SECONDS }, () => ({ at: -1, reads: 0, bumps: 0, scopes: 0, rejected: 0 }))
  const startedAt = Math.floor(now() / 1000)
  const slot = (): Second => {
    const at = Math.floor(now() / 1000)
    const second = seconds[at % LOAD_WINDOW_SECONDS] as Second
    if (second.at !== at) Object.assign(second, { at, reads: 0, bumps: 0, scopes: 0, rejected: 0 })
    return second
  }
  return {
    read(scopeCount: number) {
      const second = slot()
      second.reads++
      second.scopes += scopeCount
    },
    bump(scopeCount: number) {
      const second = slot()
      second.bumps++
      second.scopes += scopeCount
    },
    reject() {
      slot().rejected++
    },
    snapshot(): CoordinatorLoad {
      const current = Math.floor(now() / 1000)
      const recent = seconds.filter((second) => second.at > current - LOAD_WINDOW_SECONDS && second.at <= current)
      const sum = (field: 'reads' | 'bumps' | 'scopes' | 'rejected') => recent.reduce((total, second) => total + second[field], 0)
      const windowSeconds = Math.max(1, Math.min(LOAD_WINDOW_SECONDS, current - startedAt + 1))
      const reads = sum('reads')
      const bumps = sum('bumps')
      return {
        windowSeconds,
        requestsPerSecond: (reads + bumps) / windowSeconds,
        peakPerSecond: recent.reduce((peak, second) => Math.max(peak, second.reads + second.bumps), 0),
        reads,
        bumps,
        scopes: sum('scopes'),
        rejected: sum('rejected'),
      }
    },
  }
}

// What the chaos FAKES (KV, Cache API, Durable Object coordinator) share: one fault at a time,
// decided per call by a deterministic plan, switchable mid-test. Local backends never fail, hang,
// rate-limit or lag on their own; these faults are what production does to them on a bad day.

/** One fault. Switch faults with `set`, back to health with `heal`. */
export type ChaosFault =
  | { readonly kind: 'none' }
  /** Every call fails; with `every`, every Nth call (with `seed`, each call with probability 1/every, seeded). */
  | { readonly kind: 'throw'; readonly every?: number; readonly seed?: number }
  /** Calls never settle (until `release()` lets the parked ones through). */
  | { readonly kind: 'hang' }
  /** Calls settle after `delayMs` milliseconds. */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** A second write of one key within `windowMs` (default 1000, KV's limit) fails with a 429. */
  | { readonly kind: 'rate-limit'; readonly windowMs?: number }
  /** Writes resolve without writing. */
  | { readonly kind: 'drop-writes' }
  /** For `forMs` after a write of a key, reads of it return what it held before. */
  | { readonly kind: 'stale-reads'; readonly forMs: number }

/** A fault, which calls it concerns, and the clock of its time windows. */
export interface ChaosPlan {
  readonly fault: ChaosFault
  /** @default 'all' */
  readonly calls?: 'reads' | 'writes' | 'all'
  /** Clock of the rate-limit and stale-read windows, in epoch milliseconds. @default Date.now */
  readonly now?: () => number
}

/** What a fake did, by fault, since it was made. */
export interface ChaosStats {
  /** Calls that reached the fake. */
  calls: number
  thrown: number
  hung: number
  delayed: number
  rateLimited: number
  dropped: number
  staleServed: number
}

/** What the caller of `before` must do with the call. */
export type ChaosVerdict = 'pass' | 'drop'

/** A linear congruential generator (Numerical Recipes' constants): enough to make "sometimes" the same every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32
}

/**
 * The decisions and the bookkeeping of one fake. `failure` makes the error a failing call throws
 * (each fake throws what its real backend throws); `rateLimited` the error of a 429.
 */
export function createChaos(initial: ChaosPlan, errors: { failure(what: string): Error; rateLimited(key: string): Error }) {
  let plan = initial
  let applicable = 0
  let random = seeded(0)
  let gate = parked()
  const lastWriteMs = new Map<string, number>()
  const previous = new Map<string, { value: unknown; untilMs: number }>()
  const stats: ChaosStats = { calls: 0, thrown: 0, hung: 0, delayed: 0, rateLimited: 0, dropped: 0, staleServed: 0 }
  const now = () => (plan.now ?? Date.now)()
  const concerns = (kind: 'read' | 'write') => plan.fault.kind !== 'none' && (plan.calls ?? 'all') !== (kind === 'read' ? 'writes' : 'reads')

  const set = (next: ChaosPlan) => {
    plan = { ...next, now: next.now ?? plan.now }
    applicable = 0
    random = seeded(next.fault.kind === 'throw' ? (next.fault.seed ?? 0) : 0)
  }

  return {
    stats,
    get fault(): ChaosFault {
      return plan.fault
    },
    set,
    /** Back to health (parked calls stay parked until `release`). */
    heal: () => set({ fault: { kind: 'none' } }),
    /** Lets every parked (hung) call through to the real backend. */
    release() {
      gate.open()
      gate = parked()
    },
    /**
     * Decides one call before it reaches the real backend: rejects (throw, 429), parks (hang),
     * waits (slow), or says whether to pass it on or drop it (a write that resolves unwritten).
     */
    async before(kind: 'read' | 'write', key: string): Promise<ChaosVerdict> {
      stats.calls++
      if (!concerns(kind)) return 'pass'
      const { fault } = plan
      switch (fault.kind) {
        case 'throw': {
          applicable++
          const every = fault.every ?? 1
          const fails = fault.seed === undefined ? applicable % every === 0 : random() < 1 / every
          if (!fails) return 'pass'
          stats.thrown++
          throw errors.failure(`${kind} ${key}`)
        }
        case 'hang':
          stats.hung++
          await gate.promise
          return 'pass'
        case 'slow':
          stats.delayed++
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
          return 'pass'
        case 'rate-limit': {
          if (kind === 'read') return 'pass'
          const at = now()
          const last = lastWriteMs.get(key)
          if (last !== undefined && at - last < (fault.windowMs ?? 1000)) {
            stats.rateLimited++
            throw errors.rateLimited(key)
          }
          lastWriteMs.set(key, at)
          return 'pass'
        }
        case 'drop-writes':
          if (kind === 'read') return 'pass'
          stats.dropped++
          return 'drop'
        default:
          return 'pass'
      }
    },
    /** True while writes must record what they overwrite (a stale-reads fault is on; it concerns reads whatever `calls` says). */
    get recordsPrevious(): boolean {
      return plan.fault.kind === 'stale-reads'
    },
    /** Records what `key` held before a write: reads get it back for `forMs` (the oldest value, if writes pile up). */
    wrote(key: string, before: unknown) {
      const { fault } = plan
      if (fault.kind !== 'stale-reads') return
      const open = previous.get(key)
      const value = open !== undefined && open.untilMs > now() ? open.value : before
      previous.set(key, { value, untilMs: now() + fault.forMs })
    },
    /** What a read of `key` must return instead of the real value, if it is still inside a stale window. */
    stale(key: string): { readonly value: unknown } | undefined {
      if (plan.fault.kind !== 'stale-reads') return undefined
      const open = previous.get(key)
      if (open === undefined || open.untilMs <= now()) return undefined
      stats.staleServed++
      return { value: open.value }
    },
  }
}

export type Chaos = ReturnType<typeof createChaos>

function parked() {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

/** What every fake returns besides the wrapped binding: its stats and its switches. */
export function controlsOf(chaos: Chaos) {
  return {
    stats: chaos.stats,
    /** Switches to another fault (the clock stays unless `plan.now` is given). */
    set: (plan: ChaosPlan) => chaos.set(plan),
    heal: () => chaos.heal(),
    release: () => chaos.release(),
    get fault() {
      return chaos.fault
    },
  }
}

export type ChaosControls = ReturnType<typeof controlsOf>

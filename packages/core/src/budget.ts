import { BoundedMap } from './bounded-map'
import { kvCacheError } from './errors'
import { KV_USD_PER_MILLION } from './kv-cost'
import type { StorageOperation } from './operations'
import { assertKnownOptions, assertPositive } from './options'

/**
 * Caps on what filling the cache may spend. Writes cost ten times a read on KV, and a cache fills
 * on every miss: past 90 % of any cap, this isolate stops storing entries it has not stored before
 * (refreshing known ones keeps hits hits); at 100 % it stores nothing. Hits are still served and
 * writes still invalidate: a cap never makes a read stale.
 */
export interface BudgetOptions {
  /** Storage writes (entries stored, stamps bumped) this isolate makes per minute, at most. */
  readonly writesPerMinute?: number
  /** Storage writes this isolate makes per UTC day, at most. */
  readonly writesPerDay?: number
  /**
   * The month's KV bill, in USD, at list prices with a bulk read billed per key (the higher
   * reading). This isolate counts what it spent since the UTC month began; `spentUsd` can say more.
   */
  readonly monthlyUsd?: number
  /** What the whole account spent on KV this month, in USD, when you know (your Analytics Engine totals). Read at most once a minute. */
  readonly spentUsd?: () => number
}

/** Store a query's result only once it has missed this often within a window, in this isolate: one-off queries cost no write. */
export interface AdmissionOptions {
  /** Misses of the same query before its result is stored (1 stores the first). */
  readonly minMisses: number
  /** The window those misses must fall in, in seconds. @default 300 */
  readonly windowSeconds?: number
}

/** Why a fill is refused, in words for the `skip` event's detail; undefined when it may go ahead. */
export type FillVerdict = { readonly reason: 'budget' | 'not-admitted'; readonly detail: string } | undefined

export interface Budget {
  /** Counts a storage call this isolate made (writes toward the write caps, KV calls toward the bill). */
  record(operation: StorageOperation): void
  /** May this miss's result be stored? Counts the miss for admission. */
  judgeFill(key: string): FillVerdict
}

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
/** Above this share of a cap, only entries stored before are stored again. */
const THROTTLE_AT = 0.9
const SEEN_LIMIT = 10_000

/** Validates `budget` and `admission` at construction, naming the option. */
export function assertBudgetOptions(where: string, budget: unknown, admission: unknown): void {
  if (budget !== undefined) {
    if (typeof budget !== 'object' || budget === null)
      throw kvCacheError('INVALID_OPTION', where, 'Option `budget` must be an object, e.g. { writesPerDay: 100000 }.')
    assertKnownOptions(where, budget, ['writesPerMinute', 'writesPerDay', 'monthlyUsd', 'spentUsd'], { field: 'budget' })
    const given = budget as BudgetOptions
    assertPositive(where, 'budget.writesPerMinute', given.writesPerMinute)
    assertPositive(where, 'budget.writesPerDay', given.writesPerDay)
    assertPositive(where, 'budget.monthlyUsd', given.monthlyUsd)
    if (given.spentUsd !== undefined && typeof given.spentUsd !== 'function') {
      throw kvCacheError('INVALID_OPTION', where, 'Option `budget.spentUsd` must be a function returning USD spent this month.')
    }
  }
  if (admission !== undefined) {
    if (typeof admission !== 'object' || admission === null)
      throw kvCacheError('INVALID_OPTION', where, 'Option `admission` must be an object, e.g. { minMisses: 2 }.')
    assertKnownOptions(where, admission, ['minMisses', 'windowSeconds'], { field: 'admission' })
    const given = admission as AdmissionOptions
    if (!Number.isInteger(given.minMisses) || given.minMisses < 1) {
      throw kvCacheError('INVALID_OPTION', where, `Option \`admission.minMisses\` must be an integer >= 1, got ${String(given.minMisses)}.`)
    }
    assertPositive(where, 'admission.windowSeconds', given.windowSeconds)
  }
}

/** A counter over fixed windows (this minute, this UTC day, this UTC month). */
function windowed(spanOf: (nowMs: number) => number) {
  let span = Number.NaN
  let total = 0
  return {
    add(nowMs: number, amount: number) {
      if (spanOf(nowMs) !== span) [span, total] = [spanOf(nowMs), 0]
      total += amount
    },
    value(nowMs: number) {
      return spanOf(nowMs) === span ? total : 0
    },
  }
}

const monthOf = (nowMs: number) => {
  const date = new Date(nowMs)
  return date.getUTCFullYear() * 12 + date.getUTCMonth()
}

/** The per-isolate budget and admission state, or undefined when neither is configured. */
export function createBudget(budget: BudgetOptions | undefined, admission: AdmissionOptions | undefined, now: () => number): Budget | undefined {
  if (!budget && !admission) return undefined
  const writesMinute = windowed((ms) => Math.floor(ms / MINUTE_MS))
  const writesDay = windowed((ms) => Math.floor(ms / DAY_MS))
  const usdMonth = windowed(monthOf)
  const stored = new BoundedMap<string, true>(SEEN_LIMIT)
  const misses = new BoundedMap<string, { count: number; sinceMs: number }>(SEEN_LIMIT)
  let external = { readAtMs: Number.NEGATIVE_INFINITY, usd: 0 }

  function spentUsd(nowMs: number): number {
    if (budget?.spentUsd && nowMs - external.readAtMs >= MINUTE_MS) {
      let usd = external.usd
      try {
        const told = budget.spentUsd()
        if (typeof told === 'number' && Number.isFinite(told)) usd = told
      } catch {
        // The caller's estimate failed: keep the last one (and this isolate's own count).
      }
      external = { readAtMs: nowMs, usd }
    }
    return Math.max(usdMonth.value(nowMs), external.usd)
  }

  /** The fullest cap, as a share of its limit, and its name. */
  function fullest(nowMs: number): { share: number; cap: string } {
    let worst = { share: 0, cap: '' }
    const consider = (limit: number | undefined, used: number, cap: string) => {
      if (limit !== undefined && used / limit > worst.share) worst = { share: used / limit, cap }
    }
    consider(budget?.writesPerMinute, writesMinute.value(nowMs), 'budget.writesPerMinute')
    consider(budget?.writesPerDay, writesDay.value(nowMs), 'budget.writesPerDay')
    if (budget?.monthlyUsd !== undefined) consider(budget.monthlyUsd, spentUsd(nowMs), 'budget.monthlyUsd')
    return worst
  }

  function admitted(key: string, nowMs: number): FillVerdict {
    if (!admission || admission.minMisses <= 1) return undefined
    const windowMs = (admission.windowSeconds ?? 300) * 1000
    const seen = misses.get(key)
    const current = seen && nowMs - seen.sinceMs <= windowMs ? { count: seen.count + 1, sinceMs: seen.sinceMs } : { count: 1, sinceMs: nowMs }
    misses.set(key, current)
    if (current.count >= admission.minMisses) return undefined
    return {
      reason: 'not-admitted',
      detail: `missed ${current.count} of ${admission.minMisses} times within ${windowMs / 1000} s in this isolate (admission.minMisses)`,
    }
  }

  return {
    record(operation) {
      const nowMs = now()
      if (operation.kind === 'write') {
        writesMinute.add(nowMs, operation.keys)
        writesDay.add(nowMs, operation.keys)
      }
      // Only KV bills per call; the Cache API (L1) and memory are free.
      if (operation.storage === 'kv' || operation.tier === 'L2') {
        const price = operation.kind === 'read' ? KV_USD_PER_MILLION.read : KV_USD_PER_MILLION[operation.kind]
        usdMonth.add(nowMs, (operation.keys * price) / 1e6)
      }
    },
    judgeFill(key) {
      const nowMs = now()
      const refused = admitted(key, nowMs)
      if (refused) return refused
      if (budget) {
        const { share, cap } = fullest(nowMs)
        if (share >= 1) return { reason: 'budget', detail: `${cap} reached: nothing is stored until it resets (hits are served, writes invalidate)` }
        if (share >= THROTTLE_AT && !stored.has(key))
          return { reason: 'budget', detail: `${cap} is ${Math.floor(share * 100)} % used: only entries stored before are stored again` }
      }
      stored.set(key, true)
      return undefined
    },
  }
}

import type { Stamp } from '@kvcache/core'
import { maxStamp, UNKNOWN_STAMP } from '@kvcache/core/storage'

interface Remembered {
  readonly stamp: Stamp
  readonly atMs: number
}

/** A scope's stamp to read by (raised to a pending bump of this isolate) and what its object holds. */
export interface Known {
  readonly stamp: Stamp
  readonly held: Stamp
}

/** A request memo entry is keyed so other stores sharing the memo cannot collide with it. */
const MEMO_PREFIX = 'kvcache/coordinator:'
const LIMIT = 10_000
/** How long a bump that has not reached its object yet is kept as local knowledge: past every retry. */
const PENDING_KEEP_MS = 120_000

/**
 * What this isolate knows about stamps without asking a coordinator object. Keys are
 * `<object name> <scope>`: the whole-database scope has one copy per object of a tenant, and a
 * stamp from one copy says nothing about another.
 *
 * - the request memo: stamps fetched earlier in the same request (`ReadContext.memo`), reused for
 *   `memoMs`;
 * - the trust window: stamps any request of this isolate fetched, reused for `trustMs` (opt-in);
 * - pending bumps: stamps this isolate bumped whose write has not reached the object yet (it is
 *   being retried); every answer is raised to them, so this isolate sees its own writes.
 */
export function createLocalStamps(settings: { readonly memoMs: number; readonly trustMs: number; readonly now: () => number }) {
  const { memoMs, trustMs, now } = settings
  const trusted = new Map<string, Remembered>()
  const pending = new Map<string, Remembered>()

  const bounded = (map: Map<string, Remembered>, keepMs: number) => {
    if (map.size < LIMIT) return
    const cutoff = now() - keepMs
    for (const [key, seen] of map) if (seen.atMs < cutoff) map.delete(key)
    if (map.size >= LIMIT) map.clear()
  }
  const fresh = (seen: Remembered | undefined, windowMs: number) => (seen !== undefined && now() - seen.atMs < windowMs ? seen.stamp : undefined)

  /** Raises a stamp to a bump of this isolate that is still on its way. */
  const withPending = (key: string, stamp: Stamp): Stamp => {
    const mine = pending.get(key)
    if (mine === undefined) return stamp
    if (now() - mine.atMs >= PENDING_KEEP_MS || stamp >= mine.stamp) {
      pending.delete(key)
      return stamp
    }
    return mine.stamp
  }
  const reading = (key: string, held: Stamp): Known => ({ stamp: withPending(key, held), held })

  return {
    /** A stamp known without a call, or undefined. */
    known(key: string, memo: Map<string, unknown> | undefined): Known | undefined {
      const remembered = fresh(memo?.get(MEMO_PREFIX + key) as Remembered | undefined, memoMs) ?? fresh(trusted.get(key), trustMs)
      return remembered === undefined ? undefined : reading(key, remembered)
    },

    /**
     * Records a stamp an object answered with (to a read or a bump): what it holds. Returns it, and
     * the stamp to read by, raised to this isolate's pending bumps. Only stamps an object answered
     * with are remembered: a proposal that never reached one must not outlive its pending record.
     */
    learn(key: string, held: Stamp, memo: Map<string, unknown> | undefined): Known {
      // A damaged stamp is asked for again until a bump repairs it, never remembered.
      if (held === UNKNOWN_STAMP) return { stamp: held, held }
      const at = { stamp: held, atMs: now() }
      if (memo && memoMs > 0) {
        const before = memo.get(MEMO_PREFIX + key) as Remembered | undefined
        // A slower read that started before a bump of this request must not lower what the memo holds.
        memo.set(MEMO_PREFIX + key, before && before.stamp > held ? { stamp: before.stamp, atMs: at.atMs } : at)
      }
      if (trustMs > 0) {
        bounded(trusted, trustMs)
        const before = trusted.get(key)
        trusted.set(key, before && before.stamp > held ? { stamp: before.stamp, atMs: at.atMs } : at)
      }
      return reading(key, held)
    },

    /** A bump of this isolate that did not reach its object yet (being retried in the background). */
    pendingBump(key: string, stamp: Stamp) {
      bounded(pending, PENDING_KEEP_MS)
      pending.set(key, { stamp: maxStamp(pending.get(key)?.stamp ?? stamp, stamp), atMs: now() })
    },
  }
}

export type LocalStamps = ReturnType<typeof createLocalStamps>

import { bookmarkAfterBump } from './bookmark'
import { UNKNOWN_STAMP } from './clock'
import { kvCacheError } from './errors'
import { withTimeout } from './timeout'
import type { Stamp } from './types'
import { emit, reportError, runInBackground, see, type ViewState } from './view-state'

/** A bump may read, check and write: it gets a few storage budgets before the cache stops waiting. */
const BUMP_BUDGET_FACTOR = 3
/** At most one repair bump per unparseable stamp per this many milliseconds, per isolate. */
const REPAIR_INTERVAL_MS = 5_000

/**
 * Bumps tenant-qualified scopes: every entry depending on one of them becomes a miss. Never
 * throws: the user's write already happened, and a late invalidation beats a failed request.
 */
export async function bump(view: ViewState, scopes: readonly string[], position?: string): Promise<void> {
  const { isolate } = view
  const { inflight, versions, recentBumps, clock, settings } = isolate
  // A lookup already in flight may carry pre-write rows: later readers must not join it.
  for (const [key, flight] of inflight) {
    if (flight.scopes.some((scope) => scopes.includes(scope))) inflight.delete(key)
  }
  try {
    // The store bounds each of its storage calls; this outer budget only guards custom stores.
    const context = {
      ...view.readContext,
      ...(view.waitUntil && { waitUntil: view.waitUntil }),
      onError: (error: unknown) => reportError(view, 'versions.bump', error),
      ...(position !== undefined && { position }),
    }
    // Without `waitUntil` a bump also waits out the storage's per-key write interval (see the stamp writer).
    const intervalMs = view.waitUntil ? 0 : (isolate.storage.durableTier ?? isolate.storage).capabilities.minWriteIntervalMs
    const budgetMs = settings.timeoutMs * BUMP_BUDGET_FACTOR + intervalMs
    const stamp = await withTimeout(versions.bump(scopes, context), budgetMs, `${versions.name}.bump`)
    for (const scope of scopes) recentBumps.set(scope, stamp)
    clock.observe(stamp)
    see(view, bookmarkAfterBump(stamp))
    emit(view, { type: 'invalidate', scopes, stamp })
  } catch (error) {
    reportError(view, 'versions.bump', error)
  }
}

/** A stamp that does not parse makes its entries misses; a bump in the background writes a good one over it. */
export function repairUnknownStamps(view: ViewState, scopes: readonly string[], current: readonly Stamp[]): void {
  const { repairedAt, settings } = view.isolate
  const now = settings.now()
  const due = scopes.filter((scope, i) => current[i] === UNKNOWN_STAMP && now - (repairedAt.get(scope) ?? Number.NEGATIVE_INFINITY) >= REPAIR_INTERVAL_MS)
  if (due.length === 0) return
  for (const scope of due) repairedAt.set(scope, now)
  const named = due
    .slice(0, 3)
    .map((scope) => JSON.stringify(scope.slice(0, 60)))
    .join(', ')
  reportError(
    view,
    'versions.read',
    kvCacheError('CORRUPT_STAMP', 'core', `The stamps of ${due.length} scope(s) could not be parsed (${named}); bumping them to repair.`),
  )
  void runInBackground(view, bump(view, due))
}
